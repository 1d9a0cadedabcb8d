/// An 8-bit luma image, row-major, `width * height` samples, top row first.
///
/// Luma convention (the published pipeline's, see `PIPELINE.md`): JPEG gives the decoder's
/// Y plane (`JCS_GRAYSCALE`); PNG gives libpng's integer `png_set_rgb_to_gray(png, 1, 0.299,
/// 0.587)` (blue 0.114) after palette/tRNS expansion, 16-bit samples scaled to 8 bits, alpha
/// dropped without compositing.
public struct GrayImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height, "pixel count must equal width * height")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
