import ArgumentParser
import SpecdetImage

/// How `train` augments its training images.
struct AugmentationOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Augment training images: jpeg, resize, jpeg,resize or none (copies re-encoded as JPEG and/or downscaled).",
        valueName: "KINDS"))
    var augment = "jpeg,resize"

    @Option(name: .customLong("augment-copies"), help: ArgumentHelp(
        "Augmented copies per training image in each round, 0 to \(Self.maximumCopies).", valueName: "N"))
    var copies = Self.defaultCopies

    @Option(name: .customLong("augment-rounds"), help: ArgumentHelp(
        "Independent draws of the copies, 1 to \(Self.maximumRounds): one classifier is trained per round, on the images and that round's copies, and the model is their average.",
        valueName: "N"))
    var rounds = Self.defaultRounds

    @Option(name: .customLong("augment-qualities"), help: ArgumentHelp("JPEG qualities of augmented copies, drawn uniformly.", valueName: "LO-HI"))
    var qualities = Self.defaultQualities

    @Option(name: .customLong("augment-scales"), help: ArgumentHelp("Downscale factors of augmented copies, drawn uniformly.", valueName: "LO-HI"))
    var scales = Self.defaultScales

    static let defaultCopies = 2, defaultRounds = 3
    /// Bounds that keep the work and memory of training proportional to the images given.
    static let maximumCopies = 8, maximumRounds = 10
    static let defaultQualities = "\(Augmenter.defaultQualities.lowerBound)-\(Augmenter.defaultQualities.upperBound)"
    static let defaultScales = "\(Augmenter.defaultScales.lowerBound)-\(Augmenter.defaultScales.upperBound)"

    func validate() throws {
        guard (0...Self.maximumCopies).contains(copies) else {
            throw ValidationError("--augment-copies must be between 0 and \(Self.maximumCopies)")
        }
        guard (1...Self.maximumRounds).contains(rounds) else {
            throw ValidationError("--augment-rounds must be between 1 and \(Self.maximumRounds)")
        }
        _ = try augmenter(seed: 0)
    }

    /// The augmenter these options describe, nil for none.
    func augmenter(seed: UInt64) throws -> Augmenter? {
        let names = augment.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let kinds = try names.map { name in
            guard name == "none" && names.count == 1 || Augmenter.Kind(rawValue: name) != nil else {
                throw ValidationError("--augment takes jpeg, resize, jpeg,resize or none, not '\(augment)'")
            }
            return Augmenter.Kind(rawValue: name)
        }.compactMap { $0 }
        let qualities = try Self.range(qualities, "--augment-qualities", within: 1...100) { Int($0) }
        let scales = try Self.range(scales, "--augment-scales", within: 0.01...1) { Double($0) }
        guard !kinds.isEmpty, copies > 0 else { return nil }
        return Augmenter(kinds: kinds, copies: copies, rounds: rounds, seed: seed, qualities: qualities, scales: scales)
    }

    /// The options changed from their defaults that `--augment none` or `--augment-copies 0`
    /// leaves without effect.
    var optionsWithoutEffect: [String] {
        guard augment == "none" || copies == 0 else { return [] }
        return [
            ("--augment-copies", augment == "none" && copies != Self.defaultCopies),
            ("--augment-rounds", rounds != Self.defaultRounds),
            ("--augment-qualities", qualities != Self.defaultQualities),
            ("--augment-scales", scales != Self.defaultScales),
        ].filter(\.1).map(\.0)
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
}
