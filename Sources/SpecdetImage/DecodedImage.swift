/// A decoded luma image and what its file said about itself.
///
/// Convention: `image` follows `GrayImage`'s luma rules; the other fields describe the source
/// and never change the pixels.
public struct DecodedImage: Sendable, Equatable {
    /// The 8-bit luma image, in stored orientation (EXIF orientation is not applied).
    public let image: GrayImage

    /// The format sniffed from the content (never from the file name).
    public let format: ImageFormat

    /// Channels of the source before the luma conversion: PNG after libpng's expansion
    /// (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA; a tRNS chunk counts as alpha, a palette as
    /// RGB); JPEG components (1 gray, 3 colour, 4 CMYK / YCCK).
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
}
