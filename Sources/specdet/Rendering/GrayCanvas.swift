import SpecdetImage

/// An 8-bit gray image to draw a figure on: rectangles, images and `BitmapFont` text.
/// Everything drawn is clipped to the canvas.
struct GrayCanvas {
    let width: Int
    let height: Int
    private(set) var pixels: [UInt8]

    init(width: Int, height: Int, background: UInt8 = 255) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: background, count: width * height)
    }

    var image: GrayImage { GrayImage(width: width, height: height, pixels: pixels) }

    mutating func fill(x: Int, y: Int, width: Int, height: Int, value: UInt8) {
        for row in max(y, 0)..<max(min(y + height, self.height), max(y, 0)) {
            for column in max(x, 0)..<max(min(x + width, self.width), max(x, 0)) {
                pixels[row * self.width + column] = value
            }
        }
    }

    /// A black one-pixel frame just outside the rectangle at `(x, y)`, `width x height`.
    mutating func frame(x: Int, y: Int, width: Int, height: Int) {
        fill(x: x - 1, y: y - 1, width: width + 2, height: 1, value: 0)
        fill(x: x - 1, y: y + height, width: width + 2, height: 1, value: 0)
        fill(x: x - 1, y: y - 1, width: 1, height: height + 2, value: 0)
        fill(x: x + width, y: y - 1, width: 1, height: height + 2, value: 0)
    }

    /// Copies `image` with its top-left corner at `(x, y)`.
    mutating func draw(_ image: GrayImage, x: Int, y: Int) {
        for row in 0..<image.height where (0..<height).contains(y + row) {
            for column in 0..<image.width where (0..<width).contains(x + column) {
                pixels[(y + row) * width + x + column] = image.pixels[row * image.width + column]
            }
        }
    }

    /// `text` in `BitmapFont` at `scale`, its cell's top-left corner at `(x, y)`.
    mutating func text(_ text: String, x: Int, y: Int, scale: Int = 2, value: UInt8 = 0) {
        for (index, character) in text.unicodeScalars.enumerated() {
            let left = x + index * BitmapFont.cellWidth * scale
            for column in 0..<BitmapFont.glyphWidth {
                for row in 0..<BitmapFont.glyphHeight where BitmapFont.isSet(character, column: column, row: row) {
                    fill(x: left + column * scale, y: y + row * scale, width: scale, height: scale, value: value)
                }
            }
        }
    }

    /// `text` right-aligned so that it ends at `right`.
    mutating func text(_ text: String, right: Int, y: Int, scale: Int = 2) {
        self.text(text, x: right - BitmapFont.width(text, scale: scale) + scale, y: y, scale: scale)
    }

    /// `text` centred on `centre`.
    mutating func text(_ text: String, centre: Int, y: Int, scale: Int = 2) {
        self.text(text, x: centre - (BitmapFont.width(text, scale: scale) - scale) / 2, y: y, scale: scale)
    }
}

/// How an image (a spectrum, a thumbnail) is fitted into a figure: small ones are enlarged by the largest whole
/// factor that keeps the longer side within the target (nearest neighbour: each frequency
/// stays a sharp square), larger ones reduced to the target by area averaging
/// (`Resampler`'s box filter), so no frequency is dropped.
enum FigureScaling {
    /// `image` fitted to `target` pixels on its longer side, and a few words saying how.
    static func fitted(_ image: GrayImage, longestSide target: Int) -> (image: GrayImage, note: String) {
        let side = max(image.width, image.height)
        guard side > target else {
            let factor = max(1, target / side)
            guard factor > 1 else { return (image, "shown 1:1") }
            var pixels = [UInt8](repeating: 0, count: image.width * factor * image.height * factor)
            let width = image.width * factor
            for y in 0..<image.height * factor {
                for x in 0..<width { pixels[y * width + x] = image.pixels[(y / factor) * image.width + x / factor] }
            }
            return (GrayImage(width: width, height: image.height * factor, pixels: pixels),
                    "enlarged \(factor)x (nearest neighbour)")
        }
        let width = max(1, image.width * target / side), height = max(1, image.height * target / side)
        return (Resampler.resize(image, width: width, height: height, filter: .box),
                "reduced to \(width)x\(height) (area averaging)")
    }
}
