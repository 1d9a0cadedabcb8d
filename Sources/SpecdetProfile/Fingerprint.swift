import SpecdetImage
import SpecdetSpectrum

/// The mean centred log-magnitude spectrum of a set of equally sized images.
///
/// Convention: `values` is row-major `height x width`; the value at row `y`, column `x` is the
/// mean over the images of `20·ln|F(ky, kx) + 1e-8|` (unnormalised DFT, natural log) at
/// frequency `ky = (y − H/2) mod H`, `kx = (x − W/2) mod W` (`fftshift` order, integer
/// division), so DC is at `(H/2, W/2)`. See `SpectrumAccumulator` for how it is summed.
package struct Fingerprint: Sendable, Equatable {
    /// The size of the images and of the spectrum.
    package let shape: ImageShape
    /// How many images the mean is over.
    package let imageCount: Int
    /// The mean spectrum, row-major, centred.
    package let values: [Float]

    /// A fingerprint with the given mean spectrum.
    package init(shape: ImageShape, imageCount: Int, values: [Float]) {
        precondition(values.count == shape.count, "value count must equal width * height")
        self.shape = shape
        self.imageCount = imageCount
        self.values = values
    }

    /// The mean at row `y`, column `x` of the centred spectrum.
    package subscript(y: Int, x: Int) -> Float {
        values[y * shape.width + x]
    }

    /// The `p`-th percentile (`0 ≤ p ≤ 100`) of the values, interpolated linearly between the
    /// two nearest ranks as numpy's default (`rank = p/100 · (n − 1)` in the sorted values).
    package func percentile(_ p: Double) -> Float {
        percentiles([p])[0]
    }

    /// The spectrum as an 8-bit gray image, mapped linearly between two percentiles.
    ///
    /// Convention: `lo` is the `clipPercent`-th and `hi` the `(100 − clipPercent)`-th
    /// percentile of `values` (see `percentile`); a value `v` becomes
    /// `round(255 · (v − lo) / (hi − lo))` clamped to 0…255, so `clipPercent` percent of the
    /// values at each end saturate to black or white. `clipPercent = 0` maps min to 0 and max
    /// to 255. When `hi ≤ lo` (a spectrum flat but for a few values, as a constant image's is)
    /// the min and max are used instead; a constant spectrum maps to all 0.
    ///
    /// - Precondition: `0 ≤ clipPercent < 50`.
    package func grayImage(clipPercent: Double = 0.5) -> GrayImage {
        let (lo, hi) = grayRange(clipPercent: clipPercent)
        guard hi > lo else {
            return GrayImage(width: shape.width, height: shape.height, pixels: [UInt8](repeating: 0, count: shape.count))
        }
        let scale = 255 / (Double(hi) - Double(lo))
        let pixels = values.map { value in
            UInt8(min(max(((Double(value) - Double(lo)) * scale).rounded(), 0), 255))
        }
        return GrayImage(width: shape.width, height: shape.height, pixels: pixels)
    }

    /// The values `grayImage(clipPercent:)` maps to black (`lo`) and white (`hi`); `hi ≤ lo`
    /// only for a constant spectrum.
    ///
    /// - Precondition: `0 ≤ clipPercent < 50`.
    package func grayRange(clipPercent: Double = 0.5) -> (lo: Float, hi: Float) {
        precondition(clipPercent >= 0 && clipPercent < 50, "clipPercent must be in [0, 50)")
        let bounds = percentiles([clipPercent, 100 - clipPercent, 0, 100])
        return bounds[1] > bounds[0] ? (bounds[0], bounds[1]) : (bounds[2], bounds[3])
    }

    private func percentiles(_ ps: [Double]) -> [Float] {
        let sorted = values.sorted()
        return ps.map { p in
            precondition(p >= 0 && p <= 100, "a percentile is between 0 and 100")
            let rank = p / 100 * Double(sorted.count - 1)
            let below = Int(rank.rounded(.down))
            let above = min(below + 1, sorted.count - 1)
            let fraction = rank - Double(below)
            return Float(Double(sorted[below]) + fraction * (Double(sorted[above]) - Double(sorted[below])))
        }
    }
}
