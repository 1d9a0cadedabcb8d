import ArgumentParser
import Foundation
import SpecdetClassify

extension ClassifierKind: ExpressibleByArgument {}
extension OperatingPoint.Rule: ExpressibleByArgument {}

/// The classifier and its hyperparameters for `train`.
struct ClassifierOptions: ParsableArguments {
    // The default is the published RBF SVM: on grouped CV of every dev corpus it is at least
    // as accurate as every other configuration measured (docs/ACCURACY.md).
    @Option(help: "svm (RBF kernel, the default), logistic or svm-linear.")
    var classifier: ClassifierKind = .svm

    @Option(name: .customLong("C"), parsing: .unconditional, help: "Cost C (default: 6.37 for svm, 1 for logistic and svm-linear: the published values).")
    var c: Double?

    @Option(parsing: .unconditional, help: "RBF kernel gamma for svm (default: the published 0.86).")
    var gamma: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Train the svm through N Nyström landmarks (drawn from the training profiles) instead of libsvm: at most N support vectors, however many images.",
        valueName: "N"))
    var landmarks: Int?

    @Flag(inversion: .prefixedNo, help: "Standardise each feature to zero mean and unit variance.")
    var standardize = false

    @Flag(help: "Choose C (and gamma) by an inner cross-validation on standardised features.")
    var tune = false

    @Option(help: "Seed of every random choice in training.")
    var seed: UInt64 = 0

    @Option(name: .customLong("threshold-rule"), help: ArgumentHelp(
        "decision-sign (the classifier's own boundary, the default), accuracy (the threshold of highest out-of-fold accuracy) or target-fpr (with --target-fpr F).",
        valueName: "RULE"))
    var rule: OperatingPoint.Rule?

    @Option(name: .customLong("target-fpr"), parsing: .unconditional, help: ArgumentHelp(
        "Instead, the threshold that keeps the out-of-fold false-positive rate (reals called fake), over the images and their augmented copies (or see --target-fpr-on), at or below F.",
        valueName: "F"))
    var targetFPR: Double?

    @Option(name: .customLong("target-fpr-on"), parsing: .upToNextOption, help: ArgumentHelp(
        "With --target-fpr: count only the original images of these --real inputs (every path up to the next option).",
        valueName: "PATH"))
    var targetFPROn: [String] = []

    /// How the threshold is chosen.
    var thresholdRule: OperatingPoint.Rule { targetFPR == nil ? rule ?? .decisionSign : .targetFPR }

    func validate() throws {
        if let c, !(c > 0) { throw ValidationError("--C must be positive") }
        if let gamma, !(gamma > 0) { throw ValidationError("--gamma must be positive") }
        if gamma != nil && classifier != .svm { throw ValidationError("--gamma applies to --classifier svm only") }
        if tune && (c != nil || gamma != nil) { throw ValidationError("--tune chooses C and gamma itself: drop --C/--gamma") }
        if let landmarks {
            guard classifier == .svm else { throw ValidationError("--landmarks applies to --classifier svm only") }
            guard (1...NystroemSolver.maximumLandmarks).contains(landmarks) else {
                throw ValidationError("--landmarks must be between 1 and \(NystroemSolver.maximumLandmarks)")
            }
            guard !tune else { throw ValidationError("--tune trains libsvm models: drop --landmarks or --tune") }
        }
        if let targetFPR, !(0...1).contains(targetFPR) { throw ValidationError("--target-fpr must be between 0 and 1") }
        if targetFPR != nil, let rule, rule != .targetFPR {
            throw ValidationError("--target-fpr goes with --threshold-rule target-fpr (or none), not \(rule.rawValue)")
        }
        if rule == .targetFPR && targetFPR == nil { throw ValidationError("give --target-fpr F for that rule") }
        if !targetFPROn.isEmpty && targetFPR == nil {
            throw ValidationError("--target-fpr-on names the reals a false-positive target counts: give --target-fpr F")
        }
    }

    /// A warning for options that train a useless model, nil if none: the published γ was
    /// chosen for raw profiles (values near 1 differing by hundredths); on standardised
    /// features squared distances are hundreds, so exp(−0.86·d²) is 0 between any two
    /// profiles and the SVM only memorises its training set.
    var warning: String? {
        guard classifier == .svm, standardize, gamma == nil, !tune else { return nil }
        return "--standardize keeps the published gamma 0.86, which suits raw profiles only: on standardised "
            + "features the RBF kernel is about 0 between any two profiles. Give --gamma (e.g. 1/bins) or use --tune"
    }

    /// The options for the trainer. The model's date is now, or `SOURCE_DATE_EPOCH` (seconds
    /// since 1970, the reproducible-builds convention) when set, so that the same data, options
    /// and seed give the same model file byte for byte.
    func trainingOptions(augmentation: String?, threads: Int) -> TrainingOptions {
        let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init)
        return TrainingOptions(
            classifier: classifier, c: c, gamma: gamma, landmarks: landmarks, standardize: standardize,
            gridSearch: tune ? GridSearch() : nil, seed: seed, toolVersion: "specdet \(Specdet.configuration.version)",
            augmentation: augmentation, date: epoch.map { Date(timeIntervalSince1970: $0) }, threads: threads)
    }
}
