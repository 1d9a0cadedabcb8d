import _SpecdetCodecC

/// A decoded luma image and what its file said about itself.
///
/// Convention: `image` follows `GrayImage`'s luma rules; the other fields describe the source
/// and never change the pixels.
public struct DecodedImage: Sendable, Equatable {
    /// The 8-bit luma image, in stored orientation (EXIF orientation is not applied).
    public let image: GrayImage

    /// The format sniffed from the content (never from the file name).
    public let format: ImageFormat

    /// Channels of the source before the luma conversion:
    /// - PNG: after libpng's expansion (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA; a tRNS chunk
    ///   counts as alpha, a palette as RGB);
    /// - JPEG: its components (1 gray, 3 colour, 4 CMYK / YCCK);
    /// - WebP: 3, or 4 with alpha (lossy and lossless alike; WebP has no gray mode);
    /// - HEIF and AVIF: 1 for a monochrome image, 3 for colour (YCbCr or RGB), one more when
    ///   the primary image has an alpha image;
    /// - TIFF: 1 gray, 3 RGB or palette, one more when the pixel has extra (alpha) samples.
    public let sourceChannels: Int

    /// Library warnings accepted while decoding: 0 for a clean file; more means the pixels
    /// were kept but parts may be wrong (e.g. a JPEG restart interval resynchronised).
    public let warnings: Int
}

/// An image container format that specdet decodes.
public enum ImageFormat: String, Sendable {
    /// PNG, decoded with libpng.
    case png
    /// JPEG (baseline, progressive, arithmetic-coded; 8-bit), decoded with libjpeg-turbo.
    case jpeg
    /// WebP, lossy or lossless, still images only, decoded with libwebp.
    case webp
    /// HEIF with HEVC coding (HEIC), decoded with libheif (libde265).
    case heif
    /// AVIF (HEIF with AV1 coding), decoded with libheif (dav1d or libaom).
    case avif
    /// TIFF (first page; gray, RGB, palette), decoded with libtiff.
    case tiff

    /// The format the C glue reports.
    init(_ format: sd_format) {
        switch format {
        case SD_FORMAT_PNG: self = .png
        case SD_FORMAT_JPEG: self = .jpeg
        case SD_FORMAT_WEBP: self = .webp
        case SD_FORMAT_HEIF: self = .heif
        case SD_FORMAT_AVIF: self = .avif
        default: self = .tiff
        }
    }
}
