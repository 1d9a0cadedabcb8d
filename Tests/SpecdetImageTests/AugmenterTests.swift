import Foundation
import Testing
@testable import SpecdetImage
import SpecdetSupport

@Suite struct AugmenterTests {
    static let image: GrayImage = {
        var generator = SplitMix64(seed: 5)
        return GrayImage(width: 96, height: 80, pixels: (0..<96 * 80).map { _ in UInt8(generator.next() >> 56) })
    }()
    static let key = Array("photos/a.png".utf8)

    @Test func eachRoundDrawsItsOwnCopiesAndRoundOneIsTheOneRoundDraw() throws {
        let three = Augmenter(kinds: [.jpeg, .resize], copies: 2, rounds: 3, seed: 7)
        let copies = try three.copies(of: Self.image, key: Self.key)
        #expect(copies.map(\.round) == [1, 1, 2, 2, 3, 3])
        let single = try Augmenter(kinds: [.jpeg, .resize], copies: 2, seed: 7).copies(of: Self.image, key: Self.key)
        #expect(single.map(\.round) == [1, 1])
        #expect(copies.prefix(2).map(\.image) == single.map(\.image))
        // Copy 0 of each round is a JPEG round trip at that round's quality, copy 1 a downscale
        // by that round's factor: the rounds differ in what they drew.
        let images = copies.map(\.image)
        #expect(images.indices.allSatisfy { i in images.indices.allSatisfy { j in i == j || images[i] != images[j] } })
        #expect(copies.filter { $0.image.width == Self.image.width }.count == 3)
        #expect(try three.copies(of: Self.image, key: Self.key).map(\.image) == copies.map(\.image))
        #expect(three.summary.hasSuffix("2 copies per image in each of 3 rounds, seed 7"))
        #expect(!Augmenter(kinds: [.jpeg], seed: 7).summary.contains("round"))
        // One copy of both kinds is a JPEG round trip (copy 0), and the summary says so.
        #expect(Augmenter(kinds: [.jpeg, .resize], copies: 1).summary == "jpeg q60-95, 1 copy per image, seed 0")
    }

    @Test func anotherKeyOrSeedDrawsOtherCopies() throws {
        let augmenter = Augmenter(kinds: [.jpeg, .resize], copies: 2, rounds: 2, seed: 7)
        let copies = try augmenter.copies(of: Self.image, key: Self.key).map(\.image)
        #expect(try augmenter.copies(of: Self.image, key: Array("photos/b.png".utf8)).map(\.image) != copies)
        var other = augmenter
        other.seed = 8
        #expect(try other.copies(of: Self.image, key: Self.key).map(\.image) != copies)
    }
}
