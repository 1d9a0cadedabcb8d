import Foundation
import SpecdetImage
import SpecdetSupport
import Testing

/// One row of `Fixtures/formats/TWINS.tsv`: a WebP, HEIF, AVIF or TIFF file and a PNG of the
/// same pixels (made by `Fixtures/make_format_fixtures.py`).
struct FormatTwin: Sendable, CustomStringConvertible {
    let file: String
    let twin: String
    /// `identical` (lossless files; lossy files beside their decoder's own Y plane) or
    /// `rgb_decode` (HEIF/AVIF beside the PNG of the reference decoder's RGB).
    let relation: String

    var description: String { file }
    var path: String { Fixtures.path("formats/" + file) }
    var twinPath: String { Fixtures.path("formats/" + twin) }

    static let all: [FormatTwin] = Fixtures.table("formats/TWINS.tsv").map {
        FormatTwin(file: $0[0], twin: $0[1], relation: $0[2])
    }
}

@Suite struct FormatTests {
    /// Every format and variant the twins table promises is there.
    @Test func twinsCoverEachFormatAndVariant() {
        let files = Set(FormatTwin.all.map(\.file))
        for file in [
            "lossy_q90_97x61.webp", "lossless_alpha_128x96.webp", "q90_10bit_128x96.heic", "gray_128x96.heic",
            "lossless_128x96.avif", "q_10bit_128x96.avif", "none_rgb_128x96.tif", "lzw_rgb_97x61.tif",
            "tiled_lzw_rgb_97x61.tif", "strips7_rgb_97x61.tif", "palette_128x96.tif", "twopage_rgb_128x96.tif",
        ] {
            #expect(files.contains(file), "\(file)")
        }
    }

    /// A lossless file gives exactly the luma of its PNG twin, pixel for pixel.
    @Test(arguments: FormatTwin.all.filter { $0.relation == "identical" })
    func losslessFilesGiveTheLumaOfTheirPNGTwin(twin: FormatTwin) throws {
        let image = try ImageDecoder.decode(path: twin.path)
        let png = try ImageDecoder.decodeDetailed(path: twin.twinPath)
        #expect(png.format == .png)
        #expect(image == png.image)
    }

    /// A HEIF/AVIF file's Y plane stays within about a level of the PNG luma of the reference
    /// decoder's RGB (the colour conversions' rounding; one level of white noise moves the
    /// normalised profile by up to a few 1e-2 on these small, smooth images).
    @Test(arguments: FormatTwin.all.filter { $0.relation == "rgb_decode" })
    func lossyFilesStayCloseToTheirTwin(twin: FormatTwin) throws {
        let image = try ImageDecoder.decode(path: twin.path)
        let png = try ImageDecoder.decode(path: twin.twinPath)
        #expect(image.width == png.width && image.height == png.height)
        let differences = zip(image.pixels, png.pixels).map { abs(Int($0) - Int($1)) }
        #expect(Double(differences.reduce(0, +)) / Double(differences.count) < 1, "mean difference")
        #expect(differences.max()! <= 3, "largest difference")
    }

    @Test(arguments: [
        ("lossy_q90_97x61.webp", ImageFormat.webp, 3), ("lossy_alpha_128x96.webp", .webp, 4),
        ("lossless_128x96.webp", .webp, 3), ("lossless_alpha_128x96.webp", .webp, 4),
        ("q90_97x61.heic", .heif, 3), ("gray_128x96.heic", .heif, 1), ("alpha_128x96.heic", .heif, 4),
        ("q_97x61.avif", .avif, 3), ("gray_128x96.avif", .avif, 1), ("alpha_128x96.avif", .avif, 4),
        ("lossless_128x96.avif", .avif, 3), ("none_rgb_128x96.tif", .tiff, 3), ("deflate_rgba_128x96.tif", .tiff, 4),
        ("packbits_gray_128x96.tif", .tiff, 1), ("palette_128x96.tif", .tiff, 3), ("g4_bilevel_128x96.tif", .tiff, 1),
    ])
    func formatAndSourceChannels(file: String, format: ImageFormat, channels: Int) throws {
        let decoded = try ImageDecoder.decodeDetailed(path: Fixtures.path("formats/" + file))
        #expect(decoded.format == format)
        #expect(decoded.sourceChannels == channels)
        #expect(decoded.warnings == 0)
    }

    /// From memory and from the file: the same result.
    @Test(arguments: FormatTwin.all)
    func memoryDecodeAgreesWithFileDecode(twin: FormatTwin) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: twin.path)))
        #expect(try ImageDecoder.decodeDetailed(data: bytes) == ImageDecoder.decodeDetailed(path: twin.path))
    }

    /// The decoder-memory limit is checked from the header: a lossless WebP needs 7 bytes a
    /// pixel beside the output, a HEIF its planes, a TIFF one strip or tile.
    @Test(arguments: ["lossless_128x96.webp", "q90_128x96.heic", "lossless_128x96.avif", "none_rgb_128x96.tif"])
    func decoderMemoryLimitIsCheckedBeforeDecoding(file: String) {
        let limits = DecodeLimits(maxDecoderMemoryBytes: 1000)
        let error = #expect(throws: SpecdetError.self) { _ = try ImageDecoder.decode(path: Fixtures.path("formats/" + file), limits: limits) }
        #expect(error?.code == .pixelLimitExceeded, "\(error?.description ?? "")")
    }

    /// The pixel and side limits apply to every format.
    @Test(arguments: ["lossy_q90_97x61.webp", "q90_97x61.heic", "q_97x61.avif", "lzw_rgb_97x61.tif"])
    func pixelAndSideLimitsApply(file: String) throws {
        for limits in [DecodeLimits(maxPixels: 97 * 61 - 1), DecodeLimits(maxSide: 96)] {
            let error = #expect(throws: SpecdetError.self) { _ = try ImageDecoder.decode(path: Fixtures.path("formats/" + file), limits: limits) }
            #expect(error?.code == .pixelLimitExceeded, "\(file): \(error?.description ?? "")")
            #expect(error?.width == 97 && error?.height == 61)
        }
        #expect(try ImageDecoder.decode(path: Fixtures.path("formats/" + file), limits: DecodeLimits(maxPixels: 97 * 61, maxSide: 97)).width == 97)
    }

    /// GIF, BMP, JPEG 2000 and JPEG XL stay unsupported, named in the message.
    @Test func otherFormatsStayUnsupported() throws {
        for (bytes, name) in [
            (Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 20), "GIF"),
            ([0, 0, 0, 0x0C] + Array("jP  ".utf8) + [0x0D, 0x0A, 0x87, 0x0A] + [UInt8](repeating: 0, count: 8), "JPEG 2000"),
            ([0xFF, 0x0A] + [UInt8](repeating: 0, count: 20), "JPEG XL"),
        ] {
            let error = #expect(throws: SpecdetError.self) { _ = try ImageDecoder.decode(data: bytes) }
            #expect(error?.code == .unsupportedFormat)
            #expect(error?.message.hasPrefix(name) == true, "\(error?.message ?? "")")
        }
    }
}
