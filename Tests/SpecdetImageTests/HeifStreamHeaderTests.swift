import Foundation
import SpecdetImage
import SpecdetSupport
import Testing

/// HEIF/AVIF files whose coded stream, or grid, declares another size than the container's
/// `ispe`: libheif 1.15 lets libde265 allocate the picture an SPS declares, libaom the largest
/// frame a sequence header allows, and its own grid code the output its grid data declares,
/// before anything compares them with ispe. The glue reads every one of those headers first
/// (Sources/_SpecdetCodecC/sd_heif_streams.c) and refuses such a file before decoding. Its
/// messages ("… stream of item N declares …", "grid item N declares …") come only from that
/// check: the check after decoding says "decoded plane is …".
///
/// The files are made by Fixtures/make_format_fixtures.py (the stream headers of committed
/// files rewritten bit by bit); the valid files' decoding is held by FormatTests,
/// LumaReferenceTests and ManifestTests.
@Suite struct HeifStreamHeaderTests {
    struct Case: Sendable, CustomStringConvertible {
        let file: String
        let code: ErrorCode
        let message: String
        var description: String { file }
        var path: String { Fixtures.path(file) }
    }

    static let refused: [Case] = [
        Case(file: "malformed/heif/heif_sps_256x192_ispe_128x96.heic", code: .corruptData,
             message: "HEVC stream of item 1 declares a 256x192 picture, its ispe says 128x96"),
        Case(file: "malformed/heif/heif_sps_16384x16384.heic", code: .pixelLimitExceeded,
             message: "HEVC stream of item 1 declares a 16384x16384 picture, over the pixel or side limit"),
        Case(file: "malformed/heif/heif_data_sps_16384x16384.heic", code: .pixelLimitExceeded,
             message: "HEVC stream of item 1 declares a 16384x16384 picture, over the pixel or side limit"),
        Case(file: "malformed/heif/heif_grid_tile_sps_2048x2048.heic", code: .corruptData,
             message: "HEVC stream of item 1 declares a 2048x2048 picture, its ispe says 98x64"),
        Case(file: "malformed/heif/heif_grid_30000x30000_ispe_97x61.heic", code: .corruptData,
             message: "grid item 2 declares 30000x30000, its ispe says 97x61"),
        Case(file: "malformed/heif/heif_grid_tile_is_itself.heic", code: .invalidHeader,
             message: "item 2 is derived from itself"),
        Case(file: "malformed/avif/avif_seq_16384x16384.avif", code: .pixelLimitExceeded,
             message: "AV1 stream of item 1 declares a 16384x16384 picture, over the pixel or side limit"),
        Case(file: "malformed/avif/avif_seq_64x48_ispe_97x61.avif", code: .corruptData,
             message: "AV1 stream of item 1 declares a 64x48 picture, its ispe says 97x61"),
        // The fuzz find: one byte of the grid item's iloc extent moved its data one byte on, so
        // libheif read the output size 0x6100 x 0x3D00 (the tile's SPS is intact).
        Case(file: "fuzz-regressions/oom-37f8787d6759ce9417082325f7778ea5189eac8e", code: .corruptData,
             message: "grid item 2 declares 24832x15616, its ispe says 97x61"),
    ]

    /// Refused with its code and the stream check's message, with the default limits and the
    /// fuzzer's, from the file and from memory.
    @Test(arguments: refused)
    func refusedFromItsStreamHeader(test: Case) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: test.path)))
        for limits in [DecodeLimits(), FuzzRegressionTests.fuzzLimits] {
            let decoders: [(String, () throws -> GrayImage)] = [
                ("file", { try ImageDecoder.decode(path: test.path, limits: limits) }),
                ("memory", { try ImageDecoder.decode(data: bytes, limits: limits) }),
            ]
            for (label, decode) in decoders {
                let error = #expect(throws: SpecdetError.self, "\(label)") { _ = try decode() }
                #expect(error?.code == test.code, "\(label): \(error?.description ?? "")")
                #expect(error?.message.contains(test.message) == true, "\(label): \(error?.message ?? "")")
            }
        }
    }

    /// A stream that disagrees with ispe is refused even when the limits would let its size
    /// through: the disagreement itself is the damage.
    @Test func aDisagreeingStreamWithinTheLimitsIsStillCorrupt() {
        let limits = DecodeLimits(maxPixels: 1 << 30, maxDecoderMemoryBytes: 1 << 40)
        let error = #expect(throws: SpecdetError.self) {
            _ = try ImageDecoder.decode(path: Fixtures.path("malformed/heif/heif_sps_16384x16384.heic"), limits: limits)
        }
        #expect(error?.code == .corruptData, "\(error?.description ?? "")")
        #expect(error?.message.contains("declares a 16384x16384 picture, its ispe says 128x96") == true)
    }

    /// A refused file keeps the image's size from the header (the CSV row shows it).
    @Test func aStreamOverTheLimitsKeepsTheImageSize() {
        let error = #expect(throws: SpecdetError.self) {
            _ = try ImageDecoder.decode(path: Fixtures.path("malformed/avif/avif_seq_16384x16384.avif"))
        }
        #expect(error?.width == 97 && error?.height == 61)
    }

    /// A grid's decoder memory counts its largest tile beside the grid's own planes:
    /// q90_97x61.heic is one 98x64 tile (coded 104x64) in a 97x61 grid, 23,668 bytes of planes
    /// at 4 a pixel, 26,624 more for the tile.
    @Test func aGridsTileCountsInTheDecoderMemory() throws {
        let path = Fixtures.path("formats/q90_97x61.heic")
        let error = #expect(throws: SpecdetError.self) {
            _ = try ImageDecoder.decode(path: path, limits: DecodeLimits(maxDecoderMemoryBytes: 40_000))
        }
        #expect(error?.code == .pixelLimitExceeded, "\(error?.description ?? "")")
        #expect(try ImageDecoder.decode(path: path, limits: DecodeLimits(maxDecoderMemoryBytes: 60_000)).width == 97)
    }

    /// Every valid HEIF/AVIF fixture still decodes with the fuzzer's limits (its stream
    /// headers agree with its ispe; a tile may be larger than the grid's output).
    @Test func validFilesPassTheStreamCheck() throws {
        for file in ["q90_97x61.heic", "q90_128x96.heic", "q90_10bit_128x96.heic", "gray_128x96.heic", "alpha_128x96.heic",
                     "q_97x61.avif", "q_10bit_128x96.avif", "gray_128x96.avif", "alpha_128x96.avif", "lossless_128x96.avif"] {
            let image = try ImageDecoder.decode(path: Fixtures.path("formats/" + file), limits: FuzzRegressionTests.fuzzLimits)
            #expect(image.width > 0, "\(file)")
        }
    }
}
