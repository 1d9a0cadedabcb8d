import Foundation
import SpecdetImage
import Testing
import SpecdetSupport

/// The code each `reject` row of MANIFEST.tsv must get, decided from the row's reason (not
/// from what the decoder returns). Code meanings: `invalid_header` = the file's structure or
/// metadata is invalid (signature, chunk/marker layout, IHDR/SOF fields, tables);
/// `corrupt_data` = the compressed pixel data is damaged in a complete file; `truncated` =
/// the data ends before the image does.
let expectedRejections: [String: ErrorCode] = [
    // CRC of a critical chunk: the stored checksum does not match.
    "png/png_ihdr_bad_crc.png": .checksumMismatch,
    "png/png_iend_bad_crc.png": .checksumMismatch,
    "pngsuite/xcsn0g01.png": .checksumMismatch,
    "pngsuite/xhdn0g08.png": .checksumMismatch,
    // IHDR fields out of range, wrong IHDR length, IHDR missing.
    "png/png_ihdr_width0.png": .invalidHeader,
    "png/png_ihdr_height0.png": .invalidHeader,
    "png/png_ihdr_colortype5.png": .invalidHeader,
    "png/png_ihdr_rgb_depth4.png": .invalidHeader,
    "png/png_ihdr_compression1.png": .invalidHeader,
    "png/png_ihdr_filter1.png": .invalidHeader,
    "png/png_ihdr_length12.png": .invalidHeader,
    "png/png_no_ihdr.png": .invalidHeader,
    "png/png_width_2147483648.png": .invalidHeader,  // over the PNG format's 2^31-1, not a limit of ours
    "pngsuite/xc1n0g08.png": .invalidHeader,
    "pngsuite/xc9n2c08.png": .invalidHeader,
    "pngsuite/xd0n2c08.png": .invalidHeader,
    "pngsuite/xd3n2c08.png": .invalidHeader,
    "pngsuite/xd9n2c08.png": .invalidHeader,
    // Chunk layout: PLTE after IDAT, no IDAT, a chunk length over 2^31-1.
    "png/png_plte_after_idat.png": .invalidHeader,
    "png/png_no_idat.png": .invalidHeader,
    "pngsuite/xdtn0g01.png": .invalidHeader,
    "png/png_chunk_length_2GiB.png": .invalidHeader,
    // The 8-byte PNG signature damaged (IHDR still at offset 12): identifiable as a PNG with a
    // bad header, not an unknown file.
    "pngsuite/xcrn0g04.png": .invalidHeader,
    "pngsuite/xlfn0g04.png": .invalidHeader,
    "pngsuite/xs1n0g01.png": .invalidHeader,
    "pngsuite/xs2n0g01.png": .invalidHeader,
    "pngsuite/xs4n0g01.png": .invalidHeader,
    "pngsuite/xs7n0g01.png": .invalidHeader,
    // Damaged pixel data in a complete file: filter type, deflate stream, and a valid zlib
    // stream that holds only 30 of 48 rows (nothing was cut off: the file ends with IEND).
    "png/png_row_filter_7.png": .corruptData,
    "png/png_idat_bitflips.png": .corruptData,
    "png/png_idat_too_little_data.png": .corruptData,
    // The file ends early.
    "png/png_trunc_signature_only.png": .truncated,
    "png/png_trunc_in_ihdr.png": .truncated,
    "png/png_trunc_after_ihdr.png": .truncated,
    "png/png_trunc_idat_10pct.png": .truncated,
    "png/png_trunc_idat_50pct.png": .truncated,
    "png/png_trunc_idat_99pct.png": .truncated,
    "jpeg/jpeg_trunc_soi_only.jpg": .truncated,
    "jpeg/jpeg_trunc_in_dqt.jpg": .truncated,
    "jpeg/jpeg_trunc_after_sos_header.jpg": .truncated,
    "jpeg/jpeg_trunc_scan_10pct.jpg": .truncated,
    "jpeg/jpeg_trunc_scan_50pct.jpg": .truncated,
    "jpeg/jpeg_trunc_scan_95pct.jpg": .truncated,
    "jpeg/jpeg_app1_length_past_eof.jpg": .truncated,
    "jpeg/jpeg_missing_eoi.jpg": .truncated,
    // 400 scans without entropy-coded data: the first scan's data ends before its first MCU
    // (libjpeg hits the next SOS marker), the condition of jpeg_trunc_after_sos_header. It is
    // rejected there, at scan 1, before any of the CPU cost the scans were made to cause.
    "jpeg/jpeg_progressive_empty_scans_4096.jpg": .truncated,
    // Declared size over the limits, rejected from the header.
    "png/png_bomb_100000x100000_tiny_data.png": .pixelLimitExceeded,
    "png/png_width_2147483647.png": .pixelLimitExceeded,
    "png/png_bomb_16000x16000_1bit.png": .pixelLimitExceeded,
    "jpeg/jpeg_bomb_progressive_60000x60000.jpg": .pixelLimitExceeded,
    // JPEG markers and tables.
    "jpeg/jpeg_sof_width0.jpg": .invalidHeader,
    "jpeg/jpeg_no_dqt.jpg": .invalidHeader,
    "jpeg/jpeg_bad_dht_counts.jpg": .invalidHeader,
    "jpeg/jpeg_sof_sampling_zero.jpg": .invalidHeader,
    "jpeg/jpeg_sof_precision12_marker.jpg": .unsupportedFormat,
    // Content sniffing: recognised other formats are unsupported, the rest unknown. A JPEG
    // behind garbage, gzip of a PNG and a BOM before a PNG do not start with a signature.
    "mislabeled/gif_content.png": .unsupportedFormat,
    "mislabeled/bmp_content.png": .unsupportedFormat,
    "mislabeled/gzip_of_png.png": .unknownFormat,
    "jpeg/jpeg_garbage_before_soi.jpg": .unknownFormat,
    "not-image/text.png": .unknownFormat,
    "not-image/html_404.jpg": .unknownFormat,
    "not-image/zeros_4096.jpg": .unknownFormat,
    "not-image/random_1024.png": .unknownFormat,
    "not-image/utf8_bom_then_png.png": .unknownFormat,
    "not-image/empty.png": .emptyFile,
    "not-image/empty.jpg": .emptyFile,
    "fs/dir_named.png": .notRegularFile,
    // WebP, HEIF, AVIF and TIFF (Fixtures/make_format_fixtures.py). A file cut anywhere is
    // truncated: the RIFF size, the top-level ISO boxes and TIFF's first directory and strip
    // extents are checked against the file before the library decodes.
    "webp/webp_lossy_trunc_10pct.webp": .truncated,
    "webp/webp_lossy_trunc_50pct.webp": .truncated,
    "webp/webp_lossy_trunc_99pct.webp": .truncated,
    "webp/webp_lossless_trunc_10pct.webp": .truncated,
    "webp/webp_lossless_trunc_50pct.webp": .truncated,
    "webp/webp_lossless_trunc_99pct.webp": .truncated,
    "heif/heif_trunc_10pct.heic": .truncated,
    "heif/heif_trunc_50pct.heic": .truncated,
    "heif/heif_trunc_99pct.heic": .truncated,
    "avif/avif_trunc_10pct.avif": .truncated,
    "avif/avif_trunc_50pct.avif": .truncated,
    "avif/avif_trunc_99pct.avif": .truncated,
    "tiff/tiff_lzw_trunc_10pct.tif": .truncated,
    "tiff/tiff_lzw_trunc_50pct.tif": .truncated,
    "tiff/tiff_lzw_trunc_99pct.tif": .truncated,
    "tiff/tiff_tiled_trunc_10pct.tif": .truncated,
    "tiff/tiff_tiled_trunc_50pct.tif": .truncated,
    "tiff/tiff_tiled_trunc_99pct.tif": .truncated,
    "tiff/tiff_directory_first_trunc_50pct.tif": .truncated,
    // Damaged entropy-coded data in a complete file.
    "webp/webp_lossless_bitflips.webp": .corruptData,
    "tiff/tiff_lzw_bitflips.tif": .corruptData,
    "avif/avif_bitflips.avif": .corruptData,
    // Declared sizes over the limits, refused from the header.
    "webp/webp_canvas_60000x60000.webp": .pixelLimitExceeded,
    "webp/webp_bomb_16383x16383.webp": .pixelLimitExceeded,
    "heif/heif_ispe_60000x60000.heic": .pixelLimitExceeded,
    "heif/heif_bomb_ispe_16384x16384.heic": .pixelLimitExceeded,
    "avif/avif_ispe_60000x60000.avif": .pixelLimitExceeded,
    "avif/avif_bomb_ispe_16384x16384.avif": .pixelLimitExceeded,
    "tiff/tiff_60000x60000.tif": .pixelLimitExceeded,
    "tiff/tiff_bomb_g4_16384x16384.tif": .pixelLimitExceeded,
    // HEIF/AVIF whose coded stream or grid disagrees with its container, refused from the
    // stream headers before libheif decodes (Sources/_SpecdetCodecC/sd_heif_streams.c): sizes
    // that disagree are corrupt data, a stream over the limits is a bomb, a derivation cycle
    // is a broken structure.
    "heif/heif_sps_256x192_ispe_128x96.heic": .corruptData,
    "heif/heif_grid_tile_sps_2048x2048.heic": .corruptData,
    "heif/heif_grid_30000x30000_ispe_97x61.heic": .corruptData,
    "avif/avif_seq_64x48_ispe_97x61.avif": .corruptData,
    "heif/heif_sps_16384x16384.heic": .pixelLimitExceeded,
    "heif/heif_data_sps_16384x16384.heic": .pixelLimitExceeded,
    "avif/avif_seq_16384x16384.avif": .pixelLimitExceeded,
    "heif/heif_grid_tile_is_itself.heic": .invalidHeader,
    // Recognised, decodable files of kinds specdet refuses.
    "webp/webp_animated_2frames.webp": .unsupportedFormat,
    "tiff/tiff_float32.tif": .unsupportedFormat,
    "tiff/tiff_cmyk.tif": .unsupportedFormat,
    "tiff/tiff_jpeg_ycbcr.tif": .unsupportedFormat,
    "tiff/tiff_planar_separate.tif": .unsupportedFormat,
]

/// Reads a fixture's bytes, or nil for a directory.
func fixtureBytes(_ path: String) -> [UInt8]? {
    FileManager.default.contents(atPath: path).map { [UInt8]($0) }
}

@Suite struct ManifestTests {
    @Test(arguments: ManifestRow.all.filter(\.decodes))
    func decodeRowDecodesToTheStatedSize(row: ManifestRow) throws {
        let decoded = try ImageDecoder.decodeDetailed(path: row.path)
        let size = row.size
        #expect(decoded.image.width == size.width)
        #expect(decoded.image.height == size.height)
        #expect(decoded.sourceChannels == size.channels)
        #expect(decoded.image.pixels.count == size.width * size.height)
    }

    @Test(arguments: ManifestRow.all.filter { !$0.decodes })
    func rejectRowFailsWithItsExpectedCode(row: ManifestRow) throws {
        let expected = try #require(expectedRejections[row.file], "no expected code for \(row.file) (\(row.detail))")
        let error = #expect(throws: SpecdetError.self) { _ = try ImageDecoder.decode(path: row.path) }
        #expect(error?.code == expected, "\(row.detail): \(error?.description ?? "")")
        #expect(error?.message.isEmpty == false)
        #expect(error?.message.contains("\n") == false)
    }

    @Test func expectationTableCoversExactlyTheRejectRows() {
        let rejectFiles = Set(ManifestRow.all.filter { !$0.decodes }.map(\.file))
        #expect(Set(expectedRejections.keys) == rejectFiles)
    }

    /// The in-memory entry point gives the same result as the file one for every file.
    @Test(arguments: ManifestRow.all)
    func memoryDecodeAgreesWithFileDecode(row: ManifestRow) throws {
        guard let bytes = fixtureBytes(row.path) else { return }  // the directory
        let fromFile = Result { () throws(SpecdetError) in try ImageDecoder.decodeDetailed(path: row.path) }
        let fromMemory = Result { () throws(SpecdetError) in try ImageDecoder.decodeDetailed(data: bytes) }
        #expect(fromFile == fromMemory)
    }

    /// Clean files decode without warnings; the manifest's damaged-but-decodable JPEG is flagged.
    @Test func warningsFlagOnlyDamagedFiles() throws {
        for row in ManifestRow.all where row.decodes && row.category.hasPrefix("valid-") && row.category != "valid-lenient" {
            #expect(try ImageDecoder.decodeDetailed(path: row.path).warnings == 0, "\(row.file)")
        }
        let resynchronised = try ImageDecoder.decodeDetailed(path: Fixtures.path("malformed/jpeg/jpeg_rst_out_of_order.jpg"))
        #expect(resynchronised.warnings > 0)
    }

    @Test func formatComesFromTheContentNotTheName() throws {
        #expect(try ImageDecoder.decodeDetailed(path: Fixtures.path("malformed/mislabeled/png_content.jpg")).format == .png)
        #expect(try ImageDecoder.decodeDetailed(path: Fixtures.path("malformed/mislabeled/jpeg_content.png")).format == .jpeg)
        #expect(try ImageDecoder.decodeDetailed(path: Fixtures.path("malformed/mislabeled/png_content_no_extension")).format == .png)
        #expect(try ImageDecoder.decodeDetailed(path: Fixtures.path("malformed/mislabeled/webp_content.jpg")).format == .webp)
        #expect(try ImageDecoder.decodeDetailed(path: Fixtures.path("malformed/mislabeled/tiff_content.jpg")).format == .tiff)
    }

    /// A bomb refused from its header keeps the declared size, so the row can say it.
    @Test(arguments: [
        ("webp/webp_canvas_60000x60000.webp", 60000, 60000), ("webp/webp_bomb_16383x16383.webp", 16383, 16383),
        ("heif/heif_ispe_60000x60000.heic", 60000, 60000), ("avif/avif_bomb_ispe_16384x16384.avif", 16384, 16384),
        ("tiff/tiff_60000x60000.tif", 60000, 60000), ("tiff/tiff_bomb_g4_16384x16384.tif", 16384, 16384),
    ])
    func refusedBombsReportTheDeclaredSize(file: String, width: Int, height: Int) {
        let error = #expect(throws: SpecdetError.self) { _ = try ImageDecoder.decode(path: Fixtures.path("malformed/" + file)) }
        #expect(error?.code == .pixelLimitExceeded)
        #expect(error?.width == width && error?.height == height, "\(error?.description ?? "")")
    }
}
