import Foundation
import Testing
@testable import SpecdetImage
import SpecdetSupport

@Suite struct AugmenterTests {
    static let image: GrayImage = {
        var generator = SplitMix64(seed: 5)
        return GrayImage(width: 96, height: 80, pixels: (0..<96 * 80).map { _ in UInt8(generator.next() >> 56) })
    }()

    @Test func eachRoundDrawsItsOwnCopiesAndRoundOneIsTheOneRoundDraw() throws {
        let three = Augmenter(kinds: [.jpeg, .resize], copies: 2, rounds: 3, seed: 7)
        let copies = try three.copies(of: Self.image)
        #expect(copies.map(\.round) == [1, 1, 2, 2, 3, 3])
        let single = try Augmenter(kinds: [.jpeg, .resize], copies: 2, seed: 7).copies(of: Self.image)
        #expect(single.map(\.round) == [1, 1])
        #expect(copies.prefix(2).map(\.image) == single.map(\.image))
        // Copy 0 of each round is a JPEG round trip at that round's quality, copy 1 a downscale
        // by that round's factor: the rounds differ in what they drew.
        let images = copies.map(\.image)
        #expect(images.indices.allSatisfy { i in images.indices.allSatisfy { j in i == j || images[i] != images[j] } })
        #expect(copies.filter { $0.image.width == Self.image.width }.count == 3)
        #expect(try three.copies(of: Self.image).map(\.image) == copies.map(\.image))
        #expect(three.summary.hasSuffix("2 copies per image in each of 3 rounds, seed 7"))
        #expect(!Augmenter(kinds: [.jpeg], seed: 7).summary.contains("round"))
        // One copy of both kinds is a JPEG round trip (copy 0), and the summary says so.
        #expect(Augmenter(kinds: [.jpeg, .resize], copies: 1).summary == "jpeg q60-95, 1 copy per image, seed 0")
    }

    /// The draws follow the image's content and the seed, never where the image came from.
    @Test func anotherImageOrSeedDrawsOtherCopies() throws {
        let augmenter = Augmenter(kinds: [.jpeg, .resize], copies: 2, rounds: 2, seed: 7)
        let copies = try augmenter.copies(of: Self.image).map(\.image)
        var changed = Self.image
        changed.pixels[0] ^= 1
        #expect(Augmenter.contentKey(of: changed) != Augmenter.contentKey(of: Self.image))
        let transposed = GrayImage(width: Self.image.height, height: Self.image.width, pixels: Self.image.pixels)
        #expect(Augmenter.contentKey(of: transposed) != Augmenter.contentKey(of: Self.image))
        #expect(try augmenter.copies(of: changed).map(\.image) != copies)
        var other = augmenter
        other.seed = 8
        #expect(try other.copies(of: Self.image).map(\.image) != copies)
    }
}
