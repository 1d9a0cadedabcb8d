import SpecdetImage
import Testing
import SpecdetSupport

/// One row of `Fixtures/luma_reference.tsv`, made by `Fixtures/make_luma_reference.py` from
/// OpenCV's grayscale read (and libpng's 16-bit conversion, scaled, for 16-bit PNGs), or of
/// `Fixtures/formats/luma_reference.tsv`, made by `Fixtures/make_format_fixtures.py` from the
/// reference decoders' Y planes (dwebp, heif-convert, avifdec) and Pillow's samples.
struct LumaReference: Sendable, CustomStringConvertible {
    let path: String
    let width: Int
    let height: Int
    let sum: Int
    let fnv1a64: UInt64

    var description: String { path }

    static let all: [LumaReference] = (Fixtures.table("luma_reference.tsv") + Fixtures.table("formats/luma_reference.tsv")).map { fields in
        LumaReference(
            path: fields[0], width: Int(fields[1])!, height: Int(fields[2])!, sum: Int(fields[3])!,
            fnv1a64: UInt64(fields[4], radix: 16)!)
    }
}

/// FNV-1a, 64 bits, the hash the reference script stores.
func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
    bytes.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
}

@Suite struct LumaReferenceTests {
    /// The reference covers the conversions that matter: 8- and 16-bit RGB, palette + tRNS,
    /// gray + alpha, gamma, and baseline, progressive, one-component and CMYK JPEG.
    @Test func referenceCoversEachConversion() {
        let paths = Set(LumaReference.all.map(\.path))
        for path in [
            "malformed/png/png_rgba_8.png", "malformed/png/png_16bit_rgb.png", "malformed/pngsuite/tbbn3p08.png",
            "malformed/pngsuite/basn4a08.png", "malformed/pngsuite/g03n2c08.png", "malformed/jpeg/jpeg_baseline_420.jpg",
            "malformed/jpeg/jpeg_progressive.jpg", "malformed/jpeg/jpeg_cmyk_adobe.jpg",
            "images/jpeg/mate_raindrops_96x96_q90_baseline_gray.jpg",
            "formats/lossy_q90_97x61.webp", "formats/lossless_alpha_128x96.webp", "formats/q90_97x61.heic",
            "formats/q90_10bit_128x96.heic", "formats/gray_128x96.heic", "formats/q_10bit_128x96.avif",
            "formats/gray_128x96.avif", "formats/lossless_128x96.avif", "formats/tiled_lzw_rgb_97x61.tif",
            "formats/lzw_gray16_128x96.tif", "formats/deflate_rgb16_128x96.tif", "formats/palette_128x96.tif",
            "formats/g4_bilevel_128x96.tif", "formats/miniswhite_gray_128x96.tif",
        ] {
            #expect(paths.contains(path), "\(path)")
        }
    }

    @Test(arguments: LumaReference.all)
    func lumaEqualsTheReferenceExactly(reference: LumaReference) throws {
        let image = try ImageDecoder.decode(path: Fixtures.path(reference.path))
        #expect(image.width == reference.width && image.height == reference.height)
        #expect(image.pixels.reduce(0) { $0 + Int($1) } == reference.sum)
        #expect(fnv1a64(image.pixels) == reference.fnv1a64)
    }

    /// libpng's integer weights by hand, on the stored samples (read with `cv2.imread(path,
    /// IMREAD_UNCHANGED)`): 8-bit (9797 R + 19234 G + 3737 B) >> 15; 16-bit rounded (+16384)
    /// before `>> 15`, then scaled to 8 bits as `(v * 255 + 32895) >> 16` (OpenCV would
    /// truncate, `v >> 8`, giving 209 here).
    @Test func singlePixelsFollowLibpngsIntegerFormula() throws {
        let rgb8 = (r: 204, g: 213, b: 197)
        let gray8 = (9797 * rgb8.r + 19234 * rgb8.g + 3737 * rgb8.b) >> 15
        #expect(try ImageDecoder.decode(path: Fixtures.path("malformed/png/png_1x1_rgb.png")).pixels == [UInt8(gray8)])

        let rgb16 = (r: 52345, g: 54650, b: 50659)
        let gray16 = (9797 * rgb16.r + 19234 * rgb16.g + 3737 * rgb16.b + 16384) >> 15
        let scaled = (gray16 * 255 + 32895) >> 16
        #expect(scaled == 208 && gray16 >> 8 == 209)
        #expect(try ImageDecoder.decode(path: Fixtures.path("malformed/png/png_interlaced_1x1_16bit.png")).pixels == [UInt8(scaled)])
    }
}
