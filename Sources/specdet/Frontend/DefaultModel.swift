import Foundation
import SpecdetClassify
import SpecdetSupport
import _SpecdetDefaultModel

/// The model embedded in the binary at build time (`_SpecdetDefaultModel`; `make
/// default-model` trains it anew).
enum DefaultModel {
    static func load() throws(SpecdetError) -> DetectorModel {
        let bytes = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: sd_default_model_bytes()),
                         count: sd_default_model_length(), deallocator: .none)
        return try DetectorModel.load(from: bytes)
    }

    /// One line: what the model is and what it was trained on.
    static func summary(_ model: DetectorModel) -> String {
        let kind = "\(model.hyperparameters.classifier.rawValue) on \(model.feature.features.rawValue) profiles"
        guard let data = model.training.data, !data.isEmpty else {
            return kind + ", trained on \(model.training.nReal) real and \(model.training.nFake) fake samples"
        }
        let real = data.filter { $0.label == "real" }.reduce(0) { $0 + $1.images }
        let fake = data.filter { $0.label == "fake" }.reduce(0) { $0 + $1.images }
        return kind + ", trained on \(real) real and \(fake) fake images from \(data.count) sources"
            + (model.training.augmentation == nil ? "" : " (and JPEG and downscaled copies)") + "; see specdet info"
    }
}

/// Model files named on the command line, read like every non-image file (see
/// `FileReading`): without blocking, and refused beyond `maximumBytes`.
enum ModelFile {
    /// Largest model file read: far above any model `specdet train` writes.
    static let maximumBytes = 512 << 20

    /// The model at `path`; errors name the file.
    static func load(_ path: String) throws(SpecdetError) -> DetectorModel {
        do {
            let bytes = try FileReading.contents(of: path, limit: maximumBytes, what: "the model")
            return try DetectorModel.load(from: Data(bytes))
        } catch {
            throw error.prefixed("cannot use the model '\(path)': ")
        }
    }
}
