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
        if let model {
            detector = try ModelFile.load(model)
        } else {
            do {
                detector = try DefaultModel.load()
            } catch {
                throw error.prefixed("cannot use the built-in model: ")
            }
            if !quiet {
                StandardError.write("specdet: using the built-in default model (\(DefaultModel.summary(detector)))\n")
            }
        }
        if let threshold { detector.threshold = threshold }
        return detector
    }
}
