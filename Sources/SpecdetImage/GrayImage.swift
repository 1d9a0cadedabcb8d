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

extension GrayImage {
    /// The centred `width x height` window of this image, or nil if the image is smaller in
    /// either side.
    ///
    /// Convention: the window's top-left pixel is at column `(self.width − width) / 2` and row
    /// `(self.height − height) / 2` (integer division: an odd margin leaves its extra pixel on
    /// the right or at the bottom).
    package func centreCropped(width: Int, height: Int) -> GrayImage? {
        guard width <= self.width, height <= self.height else { return nil }
        if width == self.width && height == self.height { return self }
        let left = (self.width - width) / 2, top = (self.height - height) / 2
        var window = [UInt8]()
        window.reserveCapacity(width * height)
        for y in top..<(top + height) {
            let start = y * self.width + left
            window.append(contentsOf: pixels[start..<(start + width)])
        }
        return GrayImage(width: width, height: height, pixels: window)
    }
}
