import Foundation
import SpecdetImage
import SpecdetProfile

/// The PNG figure of `specdet fingerprint`: the mean spectrum's gray map (`Fingerprint.grayImage`)
/// fitted to `spectrumSide` pixels (`FigureScaling`), with a title (the image count and size,
/// how it was scaled), frequency axes in cycles/pixel (−0.5…0.5, DC at the centre, fy growing
/// downwards as rows do) and a scale bar from the black to the white value in dB
/// (`20·log10|F|` of the unnormalised DFT, i.e. `20·ln|F|` ÷ ln 10). Text is `BitmapFont` at
/// scale 2.
///
/// Layout: the spectrum at `(left, top)`, `left` 80 px, `top` 100 px (three lines of text and the axis names);
/// the canvas is `max(minimumWidth, left + w + right)` wide (`right` 130 px: the scale bar and
/// its labels) and `top + max(h, 120) + bottom` high (`bottom` 56 px: tick labels and the fx
/// label), where `w x h` is the fitted spectrum.
enum FingerprintFigure {
    static let spectrumSide = 512
    static let left = 80, top = 100, right = 130, bottom = 56, minimumWidth = 640, minimumPlotHeight = 120

    static func render(_ fingerprint: Fingerprint, clipPercent: Double) -> GrayImage {
        let (spectrum, scaling) = FigureScaling.fitted(fingerprint.grayImage(clipPercent: clipPercent), longestSide: spectrumSide)
        let width = max(minimumWidth, left + spectrum.width + right)
        let height = top + max(spectrum.height, minimumPlotHeight) + bottom
        var canvas = GrayCanvas(width: width, height: height)
        let count = fingerprint.imageCount
        canvas.text("Mean log spectrum, \(count) image\(count == 1 ? "" : "s") of \(fingerprint.shape)", x: 8, y: 8)
        canvas.text("DC at centre; fx, fy in cycles/pixel", x: 8, y: 30)
        canvas.text(scaling, x: 8, y: 52)
        canvas.draw(spectrum, x: left, y: top)
        canvas.frame(x: left, y: top, width: spectrum.width, height: spectrum.height)

        // Frequency f sits at column W/2 + f·W of the spectrum (row likewise), drawn at the
        // centre of its displayed pixel.
        let shape = fingerprint.shape
        func position(_ frequency: Double, samples: Int, shown: Int) -> Int {
            let column = Double(samples / 2) + frequency * Double(samples)
            return min(Int(((column + 0.5) * Double(shown) / Double(samples)).rounded(.down)), shown - 1)
        }
        let xTicks = ticks(span: spectrum.width, labelWidth: BitmapFont.width("-0.25", scale: 2) + 8)
        for frequency in xTicks {
            let x = left + position(frequency, samples: shape.width, shown: spectrum.width)
            canvas.fill(x: x, y: top + spectrum.height + 1, width: 1, height: 5, value: 0)
            canvas.text(label(frequency), centre: x, y: top + spectrum.height + 9)
        }
        canvas.text("fx (cycles/pixel)", centre: left + spectrum.width / 2, y: top + spectrum.height + 31)
        for frequency in ticks(span: spectrum.height, labelWidth: 24) {
            let y = top + position(frequency, samples: shape.height, shown: spectrum.height)
            canvas.fill(x: left - 6, y: y, width: 5, height: 1, value: 0)
            canvas.text(label(frequency), right: left - 10, y: y - 7)
        }
        canvas.text("fy", right: left - 10, y: top - 24)

        // The scale bar: white at the top (the high value) to black at the bottom.
        let (lo, hi) = fingerprint.grayRange(clipPercent: clipPercent)
        let barX = left + spectrum.width + 20, barHeight = max(spectrum.height, minimumPlotHeight)
        for row in 0..<barHeight {
            let value = UInt8((255 * Double(barHeight - 1 - row) / Double(max(barHeight - 1, 1))).rounded())
            canvas.fill(x: barX, y: top + row, width: 16, height: 1, value: value)
        }
        canvas.frame(x: barX, y: top, width: 16, height: barHeight)
        let decibels = { (value: Float) in String(format: "%.0f", Double(value) / log(10)) }
        canvas.text("dB", x: barX, y: top - 24)
        canvas.text(decibels(hi), x: barX + 22, y: top)
        canvas.text(decibels(lo), x: barX + 22, y: top + barHeight - 14)
        return canvas.image
    }

    /// The frequencies to label along a side of `span` pixels: quarters, halves or only DC,
    /// whichever leaves `labelWidth` pixels per label.
    private static func ticks(span: Int, labelWidth: Int) -> [Double] {
        if span / 4 >= labelWidth { return [-0.5, -0.25, 0, 0.25, 0.5] }
        if span / 2 >= labelWidth { return [-0.5, 0, 0.5] }
        return [0]
    }

    private static func label(_ frequency: Double) -> String {
        frequency == 0 ? "0" : String(format: "%g", frequency)
    }
}
