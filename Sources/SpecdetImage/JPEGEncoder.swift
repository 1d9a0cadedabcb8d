import _SpecdetCodecC
import SpecdetSupport

/// Encodes gray images as JPEG in memory (for re-compression experiments and augmentation).
///
/// Convention: libjpeg-turbo, one component, baseline, `jpeg_set_quality(quality, TRUE)` with
/// `quality` clamped to 1...100 as libjpeg does, standard Huffman tables, ISLOW DCT. Images
/// wider or taller than JPEG's 65,500 fail with `pixel_limit_exceeded`.
package enum JPEGEncoder {
    /// The JPEG file bytes of `image` at `quality`.
    package static func encode(_ image: GrayImage, quality: Int) throws(SpecdetError) -> [UInt8] {
        let quality = Int32(clamping: quality)
        return try encoded(image) { sd_encode_jpeg($0, $1, $2, quality, $3, $4, $5, $6) }
    }
}
