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
        let training = model.training
        let counts = "\(training.nReal) real and \(training.nFake) fake"
        return "\(model.hyperparameters.classifier.rawValue), \(model.feature.features.rawValue) features, trained on "
            + (training.augmentation.map { "\(counts) samples (images and their augmented copies: \($0))" } ?? "\(counts) images")
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
