import ArgumentParser
import Foundation
import SpecdetClassify
import SpecdetImage
import SpecdetProfile
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

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Real images: files, folders or profile CSVs.", valueName: "PATH"))
    var real: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Fake images: files, folders or profile CSVs.", valueName: "PATH"))
    var fake: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the model.", valueName: "MODEL.json"))
    var output: String

    @OptionGroup var classifier: ClassifierOptions

    @Option(help: "Cross-validation folds (0: none).")
    var folds = 5

    @Option(help: ArgumentHelp("CSV with columns path,group: inputs of one group share a fold.", valueName: "FILE"))
    var groups: String?

    @Flag(name: .customLong("group-by-folder"), help: "Group the folds by each input's folder.")
    var groupByFolder = false

    @Option(name: .customLong("folds-out"), help: ArgumentHelp("Write path,label,fold of every input to FILE.", valueName: "FILE"))
    var foldsOut: String?

    @Option(help: ArgumentHelp(
        "Augment training images: jpeg, resize, jpeg,resize or none (copies re-encoded as JPEG and/or downscaled, see above).",
        valueName: "KINDS"))
    var augment = "jpeg,resize"

    @Option(name: .customLong("augment-copies"), help: "Augmented copies per training image in each round.")
    var augmentCopies = Self.defaultCopies

    @Option(name: .customLong("augment-rounds"), help: ArgumentHelp(
        "Independent draws of the copies: one classifier is trained per round, on the images and that round's copies, and the model is their average.",
        valueName: "N"))
    var augmentRounds = Self.defaultRounds

    @Option(name: .customLong("augment-qualities"), help: ArgumentHelp("JPEG qualities of augmented copies, drawn uniformly.", valueName: "LO-HI"))
    var augmentQualities = Self.defaultQualities

    @Option(name: .customLong("augment-scales"), help: ArgumentHelp("Downscale factors of augmented copies, drawn uniformly.", valueName: "LO-HI"))
    var augmentScales = Self.defaultScales

    static let defaultCopies = 2, defaultRounds = 3
    static let defaultQualities = "\(Augmenter.defaultQualities.lowerBound)-\(Augmenter.defaultQualities.upperBound)"
    static let defaultScales = "\(Augmenter.defaultScales.lowerBound)-\(Augmenter.defaultScales.upperBound)"

    /// The augmentation options changed from their defaults that `--augment none` or
    /// `--augment-copies 0` leaves without effect.
    private var augmentationOptionsWithoutEffect: [String] {
        guard augment == "none" || augmentCopies == 0 else { return [] }
        return [
            ("--augment-copies", augment == "none" && augmentCopies != Self.defaultCopies),
            ("--augment-rounds", augmentRounds != Self.defaultRounds),
            ("--augment-qualities", augmentQualities != Self.defaultQualities),
            ("--augment-scales", augmentScales != Self.defaultScales),
        ].filter(\.1).map(\.0)
    }

    @OptionGroup var features: FeatureOptions
    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        if folds == 1 || folds < 0 { throw ValidationError("--folds must be 0 (no cross-validation) or at least 2") }
        if groups != nil && groupByFolder { throw ValidationError("give --groups or --group-by-folder, not both") }
        if augmentCopies < 0 { throw ValidationError("--augment-copies must not be negative") }
        if augmentRounds < 1 { throw ValidationError("--augment-rounds must be at least 1") }
        _ = try augmenter()
    }

    /// The augmenter of `--augment`, nil for none.
    private func augmenter() throws -> Augmenter? {
        let names = augment.split(separator: ",").map(String.init)
        if names == ["none"] || augmentCopies == 0 { return nil }
        let kinds = try names.map { name in
            guard let kind = Augmenter.Kind(rawValue: name) else {
                throw ValidationError("--augment takes jpeg, resize, jpeg,resize or none, not '\(name)'")
            }
            return kind
        }
        let qualities = try Self.range(augmentQualities, "--augment-qualities", within: 1...100) { Int($0) }
        let scales = try Self.range(augmentScales, "--augment-scales", within: 0.01...1) { Double($0) }
        return Augmenter(kinds: kinds, copies: augmentCopies, rounds: augmentRounds, seed: classifier.seed,
                         qualities: qualities, scales: scales)
    }

    /// Parses `LO-HI` (or a single value) into a range inside `bounds`.
    private static func range<Value: Comparable>(_ text: String, _ option: String, within bounds: ClosedRange<Value>,
                                                 _ parse: (Substring) -> Value?) throws -> ClosedRange<Value> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let low = parse(parts[0]), let high = parse(parts[parts.count - 1]),
              low <= high, bounds.contains(low), bounds.contains(high) else {
            throw ValidationError("\(option) takes LO-HI within \(bounds.lowerBound)-\(bounds.upperBound), not '\(text)'")
        }
        return low...high
    }

    func run() throws {
        let configuration = features.configuration()
        let inputs = try LabelledInputs(real: real, fake: fake, configuration: configuration)
        let imageRun = ImageRun(configuration: configuration, options: runOptions)
        let augmenter = try augmenter()
        if let warning = classifier.warning { StandardError.write("specdet: warning: \(warning)\n") }
        let withoutEffect = augmentationOptionsWithoutEffect
        if !withoutEffect.isEmpty {
            StandardError.write("specdet: warning: \(withoutEffect.joined(separator: ", ")) \(withoutEffect.count == 1 ? "has" : "have") "
                                + "no effect without augmented copies (--augment none or --augment-copies 0)\n")
        }
        if augmenter != nil && !inputs.profiles.isEmpty {
            StandardError.write("specdet: warning: the \(inputs.profiles.count) profiles read from CSV files are used without "
                                + "augmented copies: augmentation needs the images\n")
        }
        let data = try inputs.profile(with: imageRun, augmenter: augmenter)
        guard data.realCount > 0, data.fakeCount > 0 else {
            throw SpecdetError(.usage, "training needs profiles of both classes; got \(data.realCount) real and \(data.fakeCount) fake")
        }
        let userGroups = try groupNames(for: data)
        // An image's copies must stay with it, in the outer folds and in --tune's inner ones.
        let groupNames = userGroups ?? (data.copyCount == 0 ? nil : data.paths.map(\.display))
        // The record names the augmentation only when copies were made (not for profiles read from CSV).
        let trainer = Trainer(feature: configuration,
                              options: classifier.trainingOptions(augmentation: data.copyCount > 0 ? augmenter?.summary : nil))
        var report = "training \(classifier.classifier.rawValue) on \(data.realCount) real and \(data.fakeCount) fake images"
            + (data.copyCount == 0 ? "" : " and \(data.copyCount) augmented copies")
            + (data.roundCount > 1 ? " (\(data.roundCount) rounds: one classifier each, averaged)" : "") + "\n"
        var crossValidation: CrossValidationResult?
        do {
            if folds >= 2 {
                let assignment = try foldAssignment(data, userGroups: userGroups)
                if let foldsOut { try writeFolds(assignment, data: data, to: foldsOut) }
                // Held-out folds are scored on the original images only.
                let result = try CrossValidation.run(trainer, features: data.features, labels: data.labels,
                                                     groups: groupNames, rounds: data.rounds, folds: assignment,
                                                     grouped: userGroups != nil, scored: data.rounds.map { $0 == 0 })
                report += Self.describe(result, grouping: userGroups == nil
                    ? (data.copyCount == 0 ? "stratified" : "stratified, each image's copies in its fold")
                    : "grouped by \(groups.map { "'\($0)'" } ?? "folder")")
                crossValidation = result
            }
            let model = try trainer.train(features: data.features, labels: data.labels, groups: groupNames,
                                          rounds: data.rounds, crossValidation: crossValidation)
            let encoded = try model.encoded()
            try OutputSink.writing(to: output) { try $0.write(bytes: encoded) }
        } catch let error as SpecdetError {
            throw error.prefixed("training failed: ")
        }
        report += "model written to \(output)\n"
        print(report, terminator: "")
        try imageRun.diagnostics.finish()
    }

    /// The fold of every profile: grouped by the user's groups when given; otherwise the
    /// distinct original images are dealt into stratified folds, and each copy (copies come
    /// right after their original in `data`) and each repeat of a path follows its image.
    private func foldAssignment(_ data: LabelledProfiles, userGroups: [String]?) throws(SpecdetError) -> [Int] {
        if let userGroups {
            return try CrossValidation.folds(labels: data.labels, groups: userGroups, k: folds, seed: classifier.seed)
        }
        var distinct: [InputPath: Int] = [:], distinctLabels: [Int] = []
        for index in data.paths.indices where data.rounds[index] == 0 && distinct[data.paths[index]] == nil {
            distinct[data.paths[index]] = distinctLabels.count
            distinctLabels.append(data.labels[index])
        }
        let distinctFolds = try CrossValidation.folds(labels: distinctLabels, k: folds, seed: classifier.seed)
        return data.paths.map { distinctFolds[distinct[$0]!] }
    }

    /// Group names from `--groups` or `--group-by-folder`; nil for stratified folds. A path
    /// matches a row of the groups file when both are the same after dropping `.` components
    /// and repeated slashes (`./a//b.png` is `a/b.png`).
    private func groupNames(for profiles: LabelledProfiles) throws -> [String]? {
        let paths = profiles.paths
        if groupByFolder {
            return paths.map { path in
                let text = path.display
                return text.lastIndex(of: "/").map { String(text[..<$0]) } ?? "."
            }
        }
        guard let groups else { return nil }
        guard let data = FileManager.default.contents(atPath: groups) else {
            throw SpecdetError(.usage, "cannot read the groups file '\(groups)'")
        }
        let rows = CSV.parse(data)
        guard let header = rows.first, let pathColumn = header.firstIndex(of: "path"),
              let groupColumn = header.firstIndex(of: "group") else {
            throw SpecdetError(.usage, "the groups file '\(groups)' needs a header with columns path and group")
        }
        var table: [InputPath: String] = [:]
        for row in rows.dropFirst() where row.count > max(pathColumn, groupColumn) {
            table[InputPath(display: row[pathColumn]).lexicallyNormal] = row[groupColumn]
        }
        var missing = 0
        let names = paths.indices.map { index -> String in
            if let group = table[paths[index].lexicallyNormal] { return group }
            if profiles.rounds[index] == 0 { missing += 1 }
            return "path:" + paths[index].display
        }
        if missing > 0 {
            StandardError.write("specdet: warning: \(missing) of \(profiles.realCount + profiles.fakeCount) images are not in "
                                + "'\(groups)'; each is its own group\n")
        }
        return names
    }

    /// `path,label,fold` of every input; with augmentation a `copy` column follows (0 for the
    /// original, k for its k-th copy, counted through the rounds in order), so that a copy's
    /// fold can be checked against its source's.
    private func writeFolds(_ assignment: [Int], data: LabelledProfiles, to path: String) throws {
        let augmented = data.copyCount > 0
        try OutputSink.writing(to: path) { sink in
            try sink.write(CSV.row(["path", "label", "fold"] + (augmented ? ["copy"] : [])))
            var copyNumber = 0
            for index in assignment.indices {
                copyNumber = data.rounds[index] == 0 ? 0 : copyNumber + 1
                try sink.write(CSV.row([data.paths[index].display, data.labels[index] == 1 ? "fake" : "real",
                                        String(assignment[index])] + (augmented ? [String(copyNumber)] : [])))
            }
        }
    }

    static func describe(_ result: CrossValidationResult, grouping: String) -> String {
        var text = "cross-validation: \(result.k) folds, \(grouping)\n"
        text += "fold  n_real  n_fake  accuracy  balanced_accuracy  roc_auc\n"
        for fold in result.folds {
            text += "\(String(fold.fold).padding(4))  \(String(fold.nReal).padding(6))  \(String(fold.nFake).padding(6))  "
                + "\(format(fold.accuracy).padding(8))  \(format(fold.balancedAccuracy).padding(17))  \(fold.rocAUC.map(format) ?? "-")\n"
        }
        text += "mean  \("".padding(6))  \("".padding(6))  \(format(result.accuracy).padding(8))  "
            + "\(format(result.balancedAccuracy).padding(17))  \(result.rocAUC.map(format) ?? "-")\n"
        return text
    }
}

func format(_ value: Double) -> String {
    String(format: "%.4f", value)
}

extension String {
    /// Left-aligned in a column `width` terminal columns wide (see `terminalWidth`).
    func padding(_ width: Int) -> String {
        let own = terminalWidth
        return own >= width ? self : self + String(repeating: " ", count: width - own)
    }
}
