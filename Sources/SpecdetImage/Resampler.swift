import Foundation

/// Separable image resampling with an antialiasing kernel, as Pillow's `Image.resize` does.
package enum Resampler {
    /// Interpolation kernels, each with its support radius in source pixels at scale 1.
    package enum Filter: String, Sendable, CaseIterable {
        /// Area averaging (box kernel, support 0.5): OpenCV's `INTER_AREA` for downscaling.
        case box
        /// Triangle kernel (support 1): Pillow's `BILINEAR`.
        case bilinear
        /// Keys cubic with a = −0.5 (support 2): Pillow's `BICUBIC`.
        case bicubic
        /// Lanczos with 3 lobes (support 3): Pillow's `LANCZOS`.
        case lanczos

        var support: Double {
            switch self {
            case .box: 0.5
            case .bilinear: 1
            case .bicubic: 2
            case .lanczos: 3
            }
        }

        func weight(_ x: Double) -> Double {
            let x = abs(x)
            switch self {
            case .box:
                return x < 0.5 ? 1 : 0
            case .bilinear:
                return max(0, 1 - x)
            case .bicubic:
                let a = -0.5
                if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
                if x < 2 { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
                return 0
            case .lanczos:
                guard x < 3 else { return 0 }
                guard x > 0 else { return 1 }
                let px = Double.pi * x
                return 3 * sin(px) * sin(px / 3) / (px * px)
            }
        }
    }

    /// `image` resized to `width x height` with `filter`.
    ///
    /// Convention (Pillow's): output pixel `i` samples the source at centre `(i + 0.5)·s`,
    /// `s = source size / output size`; when downscaling the kernel is stretched by `s`
    /// (antialiasing); weights are normalised to sum 1; horizontal pass first, then vertical,
    /// in double precision, rounded to the nearest integer and clamped to 0…255 once at the end.
    package static func resize(_ image: GrayImage, width: Int, height: Int, filter: Filter) -> GrayImage {
        precondition(width >= 1 && height >= 1, "the output needs at least one pixel")
        let horizontal = weights(from: image.width, to: width, filter: filter)
        let vertical = weights(from: image.height, to: height, filter: filter)
        var rows = [Double](repeating: 0, count: width * image.height)
        for y in 0..<image.height {
            let source = y * image.width
            for x in 0..<width {
                let (start, taps) = horizontal[x]
                var sum = 0.0
                for (k, w) in taps.enumerated() { sum += w * Double(image.pixels[source + start + k]) }
                rows[y * width + x] = sum
            }
        }
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            let (start, taps) = vertical[y]
            for x in 0..<width {
                var sum = 0.0
                for (k, w) in taps.enumerated() { sum += w * rows[(start + k) * width + x] }
                pixels[y * width + x] = UInt8(min(max(sum.rounded(), 0), 255))
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// For each output index: the first source index and the normalised weights from there.
    private static func weights(from source: Int, to output: Int, filter: Filter) -> [(Int, [Double])] {
        let scale = Double(source) / Double(output)
        let stretch = max(scale, 1)
        let support = filter.support * stretch
        return (0..<output).map { i in
            let centre = (Double(i) + 0.5) * scale
            let first = max(0, Int((centre - support + 0.5).rounded(.down)))
            let last = min(source, Int((centre + support + 0.5).rounded(.down)))
            var taps = (first..<max(last, first + 1)).map { filter.weight((Double($0) - centre + 0.5) / stretch) }
            let total = taps.reduce(0, +)
            if total > 0 { taps = taps.map { $0 / total } } else { taps = [1] + taps.dropFirst().map { _ in 0 } }
            return (min(first, source - 1), taps)
        }
    }
}
