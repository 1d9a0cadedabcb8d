import _SpecdetCodecC
import SpecdetSupport

/// Encodes gray images as PNG in memory.
///
/// Convention: libpng, 8-bit gray, not interlaced, libpng's default filters and zlib level;
/// decoding the result gives back the same pixels.
package enum PNGEncoder {
    /// The PNG file bytes of `image`.
    package static func encode(_ image: GrayImage) throws(SpecdetError) -> [UInt8] {
        try encoded(image) { sd_encode_png($0, $1, $2, $3, $4, $5, $6) }
    }
}
