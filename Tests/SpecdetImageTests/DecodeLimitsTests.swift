import Dispatch
import Foundation
import SpecdetImage
import Testing
import SpecdetSupport

@Suite(.timeLimit(.minutes(1))) struct DecodeLimitsTests {
    static let png = "malformed/png/png_rgba_8.png"  // 64x48, 9,269 bytes
    static let jpeg = "malformed/jpeg/jpeg_baseline_420.jpg"  // 64x48
    static let progressive = "malformed/jpeg/jpeg_progressive.jpg"  // 64x48

    @Test func defaultsAreTheDocumentedOnes() {
        let limits = DecodeLimits()
        #expect(limits.maxPixels == 178_956_970)
        #expect(limits.maxSide == 65_535)
        #expect(limits.maxFileBytes == 256 << 20)
        #expect(limits.maxProgressiveScans == 500)
        #expect(limits.maxDecoderMemoryBytes == 1 << 30)
        #expect(limits.maxDecodeMilliseconds == 0)
    }

    @Test(arguments: [png, jpeg])
    func pixelLimitIsInclusive(file: String) throws {
        let path = Fixtures.path(file)
        #expect(try ImageDecoder.decode(path: path, limits: DecodeLimits(maxPixels: 64 * 48)).width == 64)
        let error = decodeFailure(path, limits: DecodeLimits(maxPixels: 64 * 48 - 1))
        #expect(error?.code == .pixelLimitExceeded)
        #expect(error?.width == 64 && error?.height == 48, "the refusal says how large the image is")
    }

    @Test(arguments: [png, jpeg])
    func sideLimitIsInclusive(file: String) throws {
        let path = Fixtures.path(file)
        #expect(try ImageDecoder.decode(path: path, limits: DecodeLimits(maxSide: 64)).width == 64)
        let error = decodeFailure(path, limits: DecodeLimits(maxSide: 63))
        #expect(error?.code == .pixelLimitExceeded)
        // The same words for both formats (libpng stops inside IHDR with its own).
        #expect(error?.message == "64x48 image: a side is over the 63-pixel limit")
        #expect(error?.width == 64 && error?.height == 48)
    }

    /// libjpeg refuses a side over 65,500 inside its header reader, before specdet's own check:
    /// the refusal still names the size, in specdet's words, and carries it.
    @Test func libjpegsOwnSideLimitKeepsTheSize() throws {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(Self.jpeg))))
        // SOF0: FF C0, length (2), precision (1), height (2), width (2).
        let sof = try #require(bytes.indices.dropLast().first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        bytes[sof + 7] = 0xFF
        bytes[sof + 8] = 0xFF
        let error = #expect(throws: SpecdetError.self) { _ = try ImageDecoder.decode(data: bytes) }
        #expect(error?.code == .pixelLimitExceeded)
        #expect(error?.message == "65535x48 image: a side is over libjpeg's 65500-pixel limit")
        #expect(error?.width == 65535 && error?.height == 48)
    }

    @Test func fileSizeLimitIsInclusive() throws {
        let path = Fixtures.path(Self.png)
        let size = try #require(fixtureBytes(path)).count
        #expect(try ImageDecoder.decode(path: path, limits: DecodeLimits(maxFileBytes: size)).width == 64)
        #expect(decodeFailure(path, limits: DecodeLimits(maxFileBytes: size - 1))?.code == .fileTooLarge)
    }

    /// The smallest scan limit that decodes the progressive file equals its number of SOS
    /// markers (counted in the bytes: entropy-coded data stuffs every 0xFF with a 0x00).
    @Test func scanLimitCountsSOSMarkers() throws {
        let bytes = try #require(fixtureBytes(Fixtures.path(Self.progressive)))
        let sosMarkers = zip(bytes, bytes.dropFirst()).filter { $0 == 0xFF && $1 == 0xDA }.count
        #expect(sosMarkers > 2)
        let decodes = { (scans: Int) in (try? ImageDecoder.decode(data: bytes, limits: DecodeLimits(maxProgressiveScans: scans))) != nil }
        #expect(decodes(sosMarkers))
        let error = #expect(throws: SpecdetError.self) {
            _ = try ImageDecoder.decode(data: bytes, limits: DecodeLimits(maxProgressiveScans: sosMarkers - 1))
        }
        #expect(error?.code == .scanLimitExceeded)
    }

    /// The memory limit bounds the whole-image coefficient buffer of multi-scan files, before
    /// any scan is read: the 4096x4096 one-component progressive file needs 32 MiB (128 bytes
    /// per 8x8 block). Under that it fails on memory; over it, on its own damage (truncated).
    /// A baseline file has no such buffer and decodes under any limit.
    @Test func decoderMemoryLimitBoundsTheCoefficientBuffer() throws {
        let path = Fixtures.path("malformed/jpeg/jpeg_progressive_empty_scans_4096.jpg")
        #expect(decodeFailure(path, limits: DecodeLimits(maxDecoderMemoryBytes: 16 << 20))?.code == .pixelLimitExceeded)
        #expect(decodeFailure(path, limits: DecodeLimits(maxDecoderMemoryBytes: 64 << 20))?.code == .truncated)
        #expect(try ImageDecoder.decode(path: Fixtures.path(Self.jpeg), limits: DecodeLimits(maxDecoderMemoryBytes: 1)).width == 64)
    }

    /// With the pixel and side limits off, the 60000x60000 progressive bomb still fails at once:
    /// its ~20 GB coefficient buffer is over the memory limit and never allocated.
    @Test func progressiveBombFailsFastOnMemoryAlone() {
        let limits = DecodeLimits(maxPixels: 0, maxSide: 0)
        let error = decodeFailure(Fixtures.path("malformed/jpeg/jpeg_bomb_progressive_60000x60000.jpg"), limits: limits)
        #expect(error?.code == .pixelLimitExceeded)
    }

    @Test func timeBudgetStopsALongDecode() {
        let path = Fixtures.path("malformed/png/png_bomb_10000x10000_1bit.png")
        let error = decodeFailure(path, limits: DecodeLimits(maxDecodeMilliseconds: 1))
        #expect(error?.code == .timeLimitExceeded)
    }

    /// Many threads decoding at once get exactly what one thread gets (no shared state).
    @Test func concurrentDecodesAgreeWithSerialOnes() throws {
        let paths = ManifestRow.all.filter { $0.decodes && !$0.file.contains("bomb") }.map(\.path)
        let serial = paths.map { try? ImageDecoder.decodeDetailed(path: $0) }
        #expect(serial.allSatisfy { $0 != nil })
        let results = ResultBox(count: paths.count * 4)
        DispatchQueue.concurrentPerform(iterations: paths.count * 4) { index in
            results.set(index, try? ImageDecoder.decodeDetailed(path: paths[index % paths.count]))
        }
        for index in 0..<paths.count * 4 {
            #expect(results.get(index) == serial[index % paths.count], "\(paths[index % paths.count])")
        }
    }
}

/// Slots written by concurrent workers, each slot by one worker.
final class ResultBox: @unchecked Sendable {
    private var slots: [DecodedImage?]
    private let lock = DispatchQueue(label: "ResultBox")

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: DecodedImage?) { lock.sync { slots[index] = value } }
    func get(_ index: Int) -> DecodedImage? { lock.sync { slots[index] } }
}
