import ArgumentParser
import Foundation
import SpecdetClassify
import SpecdetSupport

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a detector on labelled real and fake images.",
        discussion: """
            Profiles both sets on all cores, reports k-fold cross-validation (grouped by --groups \
            or --group-by-folder; otherwise stratified, each image's augmented copies in its \
            fold), then fits on everything and writes the model atomically. --real and --fake \
            also take CSV files written by `specdet profile`.

            By default every training image is also profiled as augmented copies, so that the \
            model holds up on images compressed or resized in the wild: in each of three \
            rounds, two copies (a JPEG round trip and a downscale) are drawn and one classifier \
            learns the images with that round's copies; the model is the average of the three, \
            stored as one classifier of the same kind. --augment none (or --augment-copies 0) \
            trains one classifier on the images as they are.

            Example:
              specdet train --real photos/ --fake generated/ --output model.json
            """
    )

    @OptionGroup var inputs: LabelledInputOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the model.", valueName: "MODEL.json"))
    var output: String

    @OptionGroup var classifier: ClassifierOptions
    @OptionGroup var crossValidation: CrossValidationOptions
    @OptionGroup var augmentation: AugmentationOptions
    @OptionGroup var features: FeatureOptions
    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        if crossValidation.folds < 2 {
            if classifier.thresholdRule != .decisionSign {
                let option = classifier.targetFPR != nil ? "--target-fpr" : "--threshold-rule \(classifier.thresholdRule.rawValue)"
                throw ValidationError("\(option) chooses the threshold from out-of-fold scores: give --folds 2 or more")
            }
            if crossValidation.foldsOut != nil { throw ValidationError("--folds-out writes the cross-validation folds: give --folds 2 or more") }
        }
        let reals = Set(inputs.real.map(Self.inputKey))
        if let stray = classifier.targetFPROn.first(where: { !reals.contains(Self.inputKey($0)) }) {
            throw ValidationError("--target-fpr-on '\(stray.escapingControlCharacters)' is not one of the --real inputs")
        }
    }

    func run() throws {
        try OutputGuard.refuse(reading: [crossValidation.groups], writing: [output, crossValidation.foldsOut])
        let configuration = features.configuration()
        let (report, diagnostics) = try OutputSink.writingAll(to: [output, crossValidation.foldsOut]) { sinks in
            let inputs = try LabelledInputs(real: inputs.real, fake: inputs.fake, configuration: configuration,
                                            protecting: sinks.compactMap { $0?.existingIdentity }, training: true)
            let augmenter = try augmentation.augmenter(seed: classifier.seed)
            warnAboutMootOptions(augmenting: augmenter != nil, csvProfiles: inputs.profiles.count)
            let imageRun = ImageRun(configuration: configuration, options: runOptions)
            let data = try inputs.profile(with: imageRun, augmenter: augmenter)
            guard data.realCount > 0, data.fakeCount > 0 else {
                throw SpecdetError(.usage, "training needs profiles of both classes; got \(data.realCount) real and \(data.fakeCount) fake")
            }
            if let example = data.repeatedImages.first {
                let count = data.repeatedImages.count
                StandardError.write("specdet: warning: \(count) input\(count == 1 ? " repeats" : "s repeat") another input's image "
                                    + "under another path (e.g. '\(example.repeat.terminalSafe)' is '\(example.of.terminalSafe)'); "
                                    + "repeats are kept in one fold, but they weigh twice in training\n")
            }
            let targeted = try targetedReals(data, inputs.sources)
            let units = try crossValidation.units(for: data)
            var options = classifier.trainingOptions(augmentation: data.copyCount > 0 ? augmenter?.summary : nil,
                                                     threads: runOptions.workerCount)
            // With cross-validation, the sigmoid is fitted on its out-of-fold scores instead.
            options.solverProbabilities = crossValidation.folds < 2
            let trainer = Trainer(feature: configuration, options: options)
            var report = TextReport.trainingSummary(data, classifier: classifier.classifier.rawValue)
            var model: DetectorModel, folds: [Int]?, outOfFold: [OutOfFoldScore]?
            do throws(SpecdetError) {
                folds = crossValidation.folds < 2 ? nil
                    : try CrossValidation.folds(labels: data.labels, units: units.names, k: crossValidation.folds,
                                                seed: classifier.seed, grouped: units.grouped)
                var validation: (result: CrossValidationResult, outOfFold: [OutOfFoldScore])?
                if let folds {
                    // Held-out folds are scored on the original images only, never on copies.
                    validation = try CrossValidation.run(trainer, features: data.features, labels: data.labels, groups: units.names,
                                                         rounds: data.rounds, folds: folds, grouped: units.grouped,
                                                         scored: data.rounds.map { $0 == 0 })
                    report += TextReport.crossValidation(validation!.result, grouping: units.description)
                }
                outOfFold = validation?.outOfFold
                let trained = try trainer.train(features: data.features, labels: data.labels, groups: units.names,
                                                rounds: data.rounds, crossValidation: validation?.result)
                model = try validation.map { validation throws(SpecdetError) in
                    try Trainer.calibrated(trained, outOfFold: validation.outOfFold, rule: classifier.thresholdRule,
                                           targetFPR: classifier.targetFPR, targeted: targeted)
                } ?? trained
                model.domain = try Trainer.domain(
                    features: data.features, rounds: data.rounds, folds: folds, outOfFold: outOfFold,
                    sizes: data.sizes.map { $0.map { ($0.width, $0.height) } })
            } catch {
                throw error.prefixed("training failed: ")
            }
            model.training.data = data.sourceSummaries(inputs.sources)
            report += TextReport.operatingPoint(model)
            if let folds, let outOfFold {
                try sinks[1]?.write(TextReport.foldsCSV(folds, data: data,
                                                        outOfFold: outOfFold.map { [model] in model.probabilityFake(decision: $0.decision) }))
            }
            try sinks[0]!.write(bytes: try model.encoded())
            return (report, imageRun.diagnostics)
        }
        try OutputSink.writing(to: "-") { try $0.write(report + "model written to \(output)\n") }
        try diagnostics.finish()
    }

    /// What --real and --target-fpr-on arguments are matched by: one path however it is spelt.
    private static func inputKey(_ argument: String) -> InputPath {
        InputPath(argument).lexicallyNormal
    }

    /// The reals a false-positive target counts: with --target-fpr-on, the originals of the
    /// --real inputs it names (each path once, spelt as --real first gave it); nil (every
    /// profile) without.
    ///
    /// - Throws: `.usage` naming an input with no original profile to count.
    private func targetedReals(_ data: LabelledProfiles, _ sources: [(label: Int, argument: String)]) throws(SpecdetError)
        -> TargetedReals? {
        guard !classifier.targetFPROn.isEmpty else { return nil }
        let named = Set(classifier.targetFPROn.map(Self.inputKey))
        let chosen = sources.indices.filter { sources[$0].label == 0 && named.contains(Self.inputKey(sources[$0].argument)) }
        var inputs: [String] = [], recorded: Set<InputPath> = []
        for source in chosen {
            guard zip(data.sources, data.rounds).contains(where: { $0 == (source, 0) }) else {
                throw SpecdetError(.usage, "--target-fpr-on '\(sources[source].argument.escapingControlCharacters)' has no image with a profile to count")
            }
            if recorded.insert(Self.inputKey(sources[source].argument)).inserted { inputs.append(sources[source].argument) }
        }
        let counted = Set(chosen)
        return TargetedReals(inputs: inputs, counted: data.sources.indices.map { counted.contains(data.sources[$0]) && data.rounds[$0] == 0 })
    }

    private func warnAboutMootOptions(augmenting: Bool, csvProfiles: Int) {
        if let warning = classifier.warning { StandardError.write("specdet: warning: \(warning)\n") }
        let moot = augmentation.optionsWithoutEffect
        if !moot.isEmpty {
            StandardError.write("specdet: warning: \(moot.joined(separator: ", ")) \(moot.count == 1 ? "has" : "have") "
                                + "no effect without augmented copies (--augment none or --augment-copies 0)\n")
        }
        if augmenting && csvProfiles > 0 {
            StandardError.write("specdet: warning: the \(csvProfiles) profiles read from CSV files are used without "
                                + "augmented copies: augmentation needs the images\n")
        }
    }
}
