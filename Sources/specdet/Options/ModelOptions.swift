import ArgumentParser
import Foundation
import SpecdetClassify
import SpecdetSupport

/// `--model`, falling back to the default model built into the binary.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A model file written by `specdet train` (default: the built-in model).", valueName: "MODEL.json"))
    var model: String?

    @Option(parsing: .unconditional, help: "Decision threshold on P(fake), overriding the model's (fake when p >= threshold).")
    var threshold: Double?

    func validate() throws {
        if let threshold, !(0...1).contains(threshold) { throw ValidationError("--threshold must be between 0 and 1") }
    }

    /// The model, with `--threshold` applied; says on stderr when it is the built-in one.
    func load(quiet: Bool) throws -> DetectorModel {
        var detector: DetectorModel
        do {
            if let model {
                detector = try DetectorModel.load(from: URL(fileURLWithPath: model))
            } else {
                detector = try DefaultModel.load()
                if !quiet {
                    StandardError.write("specdet: using the built-in default model (\(DefaultModel.summary(detector)))\n")
                }
            }
        } catch {
            throw error.prefixed("cannot use the model \(model.map { "'\($0)'" } ?? "built in"): ")
        }
        if let threshold { detector.threshold = threshold }
        return detector
    }
}

/// The model embedded in the binary at build time (`make default-model` rebuilds it and
/// `DefaultModelJSON.swift` from it). It is one raw string literal: SwiftPM's `embedInCode`
/// writes a byte-array literal, which took the compiler many minutes for a 1.3 MB model.
enum DefaultModel {
    static func load() throws(SpecdetError) -> DetectorModel {
        try DetectorModel.load(from: Data(defaultModelJSON.utf8))
    }

    /// One line: what the model is and what it was trained on.
    static func summary(_ model: DetectorModel) -> String {
        let training = model.training
        let counts = "\(training.nReal) real and \(training.nFake) fake"
        return "\(model.hyperparameters.classifier.rawValue), \(model.feature.features.rawValue) features, trained on "
            + (training.augmentation.map { "\(counts) samples (images and their augmented copies: \($0))" } ?? "\(counts) images")
    }
}
