import SpecdetSupport

/// Training-time augmentation: copies of an image as it might be found in the wild,
/// re-encoded as JPEG and/or downscaled, so that a model learns what survives both.
package struct Augmenter: Sendable, Equatable {
    /// What a copy may go through.
    package enum Kind: String, Sendable, CaseIterable {
        /// An in-memory JPEG round trip (libjpeg-turbo, gray, 4:4:4) at a random quality.
        case jpeg
        /// A downscale by a random factor with a random Pillow-style filter.
        case resize
    }

    /// The transformations in use; empty means no augmentation.
    package var kinds: [Kind]
    /// Augmented copies per image in each round.
    package var copies: Int
    /// Independent draws of the copies (`copies` each), e.g. for a trainer that fits one
    /// classifier per round on the originals and that round's copies.
    package var rounds: Int
    /// Seeds every random choice, together with each image's content (`contentKey`).
    package var seed: UInt64
    /// JPEG qualities drawn from (uniformly, inclusive).
    package var qualities: ClosedRange<Int>
    /// Downscale factors drawn from (uniformly).
    package var scales: ClosedRange<Double>

    /// Default JPEG qualities: from visibly compressed to a camera's "fine".
    package static let defaultQualities = 60...95
    /// Default downscale factors. The low end is under ½ so that halving, the commonest
    /// downscale, lies inside the training range rather than on its edge (where it was, at
    /// 0.5–0.9, a model still called a third of halved fakes real; docs/ACCURACY.md).
    package static let defaultScales = 0.4...0.9

    package init(kinds: [Kind], copies: Int = 2, rounds: Int = 1, seed: UInt64 = 0,
                qualities: ClosedRange<Int> = defaultQualities, scales: ClosedRange<Double> = defaultScales) {
        precondition(copies >= 0, "copies must not be negative")
        precondition(rounds >= 1, "there is at least one round")
        self.kinds = kinds
        self.copies = copies
        self.rounds = rounds
        self.seed = seed
        self.qualities = qualities
        self.scales = scales
    }

    /// A one-line description for the model file, naming the transformations the copies go
    /// through (with both kinds and one copy per round, that copy is a JPEG round trip only).
    package var summary: String {
        let used = kinds.count > 1 && copies == 1 ? [Kind.jpeg] : kinds
        var parts: [String] = []
        if used.contains(.jpeg) { parts.append("jpeg q\(qualities.lowerBound)-\(qualities.upperBound)") }
        if used.contains(.resize) {
            parts.append("resize x\(scales.lowerBound)-\(scales.upperBound) (box/bilinear/bicubic/lanczos)")
        }
        return parts.joined(separator: " + ") + ", \(copies) \(copies == 1 ? "copy" : "copies") per image"
            + (rounds > 1 ? " in each of \(rounds) rounds" : "") + ", seed \(seed)"
    }

    /// One augmented copy and the round it was drawn in.
    package struct Copy: Sendable {
        /// The round, 1 … `rounds`.
        package var round: Int
        /// The copy.
        package var image: GrayImage
    }

    /// The augmented copies of `image`, round by round; each round's from a generator seeded
    /// by `seed`, the round and the image's content (`contentKey`): the copies depend neither on
    /// the order or parallelism of a run nor on the path the image was found under; round 1
    /// draws what a one-round augmenter draws.
    ///
    /// With both kinds, copy `i` of a round is a JPEG round trip (i mod 3 = 0), a downscale
    /// (1), or a downscale then a JPEG round trip (2). A downscale below 8x8 is left out of its copy.
    package func copies(of image: GrayImage) throws(SpecdetError) -> [Copy] {
        guard !kinds.isEmpty else { return [] }
        let key = Self.contentKey(of: image)
        var result: [Copy] = []
        for round in 1...rounds {
            for copy in try copies(of: image, key: key, round: round) { result.append(Copy(round: round, image: copy)) }
        }
        return result
    }

    /// The 64-bit FNV-1a hash of the width and height (each 8 bytes, little-endian) followed by
    /// the pixels, row by row.
    package static func contentKey(of image: GrayImage) -> UInt64 {
        let size = [image.width, image.height].flatMap { side in (0..<8).map { UInt8(truncatingIfNeeded: UInt64(side) >> (8 * $0)) } }
        return fnv1a64(image.pixels, continuing: fnv1a64(size))
    }

    /// One round's copies.
    private func copies(of image: GrayImage, key: UInt64, round: Int) throws(SpecdetError) -> [GrayImage] {
        // Round r ≥ 2 adds r − 1 times an odd 64-bit constant (the golden ratio's) to the seed, so
        // that the rounds of one image start their generators far apart.
        var generator = SplitMix64(seed: (seed &+ UInt64(round - 1) &* 0x9E37_79B9_7F4A_7C15) ^ key)
        var result: [GrayImage] = []
        for index in 0..<copies {
            let steps: [Kind]
            if kinds.count == 1 {
                steps = kinds
            } else {
                steps = [[.jpeg], [.resize], [.resize, .jpeg]][index % 3]
            }
            var copy = image
            for step in steps {
                switch step {
                case .jpeg:
                    let quality = qualities.lowerBound + Int(generator.next() % UInt64(qualities.count))
                    copy = try ImageDecoder.decode(data: try JPEGEncoder.encode(copy, quality: quality))
                case .resize:
                    let unit = Double(generator.next() >> 11) / Double(1 << 53)
                    let scale = scales.lowerBound + unit * (scales.upperBound - scales.lowerBound)
                    let filter = Resampler.Filter.allCases[Int(generator.next() % 4)]
                    let width = Int((Double(copy.width) * scale).rounded())
                    let height = Int((Double(copy.height) * scale).rounded())
                    guard width >= 8, height >= 8 else { continue }
                    copy = Resampler.resize(copy, width: width, height: height, filter: filter)
                }
            }
            result.append(copy)
        }
        return result
    }
}
