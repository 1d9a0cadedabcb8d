import Foundation
import Testing
import SpecdetImage
import SpecdetSpectrum
@testable import SpecdetProfile
import SpecdetSupport

@Suite struct FingerprintTests {
    /// A cosine of `k` cycles per width with the given phase, over faint white noise (so the
    /// spectrum away from the peaks is noise, not exact zeros).
    private func cosineImage(width: Int, height: Int, cycles k: Int, phase: Double, seed: UInt64) -> GrayImage {
        var generator = SplitMix64(seed: seed)
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let noise = Double(generator.next() >> 61) - 3.5
                let wave = 100 * cos(2 * Double.pi * Double(k * x) / Double(width) + phase)
                pixels[y * width + x] = UInt8((127.5 + noise + wave).rounded())
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    private func randomImage(width: Int, height: Int, seed: UInt64) -> GrayImage {
        var generator = SplitMix64(seed: seed)
        return GrayImage(width: width, height: height, pixels: (0..<width * height).map { _ in UInt8(generator.next() >> 56) })
    }

    private func fingerprint(of images: [GrayImage]) throws -> Fingerprint {
        let accumulator = SpectrumAccumulator(shape: ImageShape(width: images[0].width, height: images[0].height))
        for image in images { try accumulator.add(image) }
        return try #require(accumulator.fingerprint)
    }

    /// Frequency ±k along x lands at columns W/2 ± k of the centre row (DC's row), for even and
    /// odd sizes; apart from DC nothing is higher, in the mean and in the 8-bit image.
    @Test(arguments: [(64, 48, 3), (64, 48, 10), (63, 31, 5), (65, 40, 17)])
    func cosineOfKCyclesPeaksAtColumnsHalfWidthPlusMinusK(width: Int, height: Int, k: Int) throws {
        let images = (0..<4).map { cosineImage(width: width, height: height, cycles: k, phase: Double($0), seed: UInt64($0)) }
        let print = try fingerprint(of: images)
        #expect(print.imageCount == 4)
        let centreRow = height / 2, centreColumn = width / 2
        var others: [(y: Int, x: Int)] = []
        for y in 0..<height {
            for x in 0..<width where !(y == centreRow && x == centreColumn) { others.append((y, x)) }
        }
        let top2 = others.sorted { print[$0.y, $0.x] > print[$1.y, $1.x] }.prefix(2)
        #expect(Set(top2.map { $0.y }) == [centreRow])
        #expect(Set(top2.map { $0.x }) == [centreColumn - k, centreColumn + k])
        // A coefficient and its conjugate mirror have the same magnitude.
        #expect(print[centreRow, centreColumn - k] == print[centreRow, centreColumn + k])
        let gray = print.grayImage()
        #expect(gray.pixels[centreRow * width + centreColumn - k] == 255)
        #expect(gray.pixels[centreRow * width + centreColumn + k] == 255)
    }

    @Test(arguments: [(40, 30), (33, 21), (1, 8)])
    func constantImagePeaksAtDC(width: Int, height: Int) throws {
        let image = GrayImage(width: width, height: height, pixels: [UInt8](repeating: 200, count: width * height))
        let print = try fingerprint(of: [image, image])
        let peak = print.values.indices.max { print.values[$0] < print.values[$1] }!
        #expect(peak == (height / 2) * width + width / 2)
        // DC is 20·ln(200·W·H); every other coefficient is 20·ln(1e-8) up to FFT rounding.
        #expect(abs(Double(print[height / 2, width / 2]) - 20 * log(200 * Double(width * height))) < 1e-3)
        #expect(print.grayImage().pixels[peak] == 255)
    }

    /// The expansion from the half plane and the shift agree with a direct DFT in `Double`
    /// placed by the documented rule, on sizes of every parity.
    @Test(arguments: [(6, 5), (5, 4), (7, 7), (8, 6)])
    func valuesMatchADirectDFTAtTheirShiftedPlace(width: Int, height: Int) throws {
        let image = randomImage(width: width, height: height, seed: 7)
        let print = try fingerprint(of: [image])
        for ky in 0..<height {
            for kx in 0..<width {
                var re = 0.0, im = 0.0
                for y in 0..<height {
                    for x in 0..<width {
                        let angle = -2 * Double.pi * (Double(ky * y) / Double(height) + Double(kx * x) / Double(width))
                        re += Double(image.pixels[y * width + x]) * cos(angle)
                        im += Double(image.pixels[y * width + x]) * sin(angle)
                    }
                }
                let epsilon = Double(SpectrumWorkspace.epsilon)
                let expected = 10 * log((re + epsilon) * (re + epsilon) + im * im)
                let value = print[(ky + height / 2) % height, (kx + width / 2) % width]
                #expect(abs(Double(value) - expected) < 1e-3, "at frequency (\(ky), \(kx))")
            }
        }
    }

    /// Fixed-point sums make the mean independent of how the images were split and merged.
    @Test func mergedAndConcurrentMeansAreBitIdenticalToSequential() throws {
        let images = (0..<12).map { randomImage(width: 24, height: 18, seed: UInt64($0)) }
        let sequential = try fingerprint(of: images)
        let shape = ImageShape(width: 24, height: 18)
        let first = SpectrumAccumulator(shape: shape), second = SpectrumAccumulator(shape: shape)
        for image in images.suffix(5) { try first.add(image) }
        for image in images.prefix(7) { try second.add(image) }
        first.merge(second)
        #expect(first.fingerprint == sequential)

        let builder = try FingerprintBuilder(width: 24, height: 18)
        DispatchQueue.concurrentPerform(iterations: images.count) { index in
            do { try builder.add(images[index]) } catch { Issue.record(error) }
        }
        #expect(builder.fingerprint() == sequential)
        #expect(builder.fingerprint() == sequential)
    }

    @Test func emptyAccumulatorHasNoFingerprint() throws {
        #expect(SpectrumAccumulator(shape: ImageShape(width: 4, height: 4)).fingerprint == nil)
        #expect(try FingerprintBuilder(width: 4, height: 4).fingerprint() == nil)
    }

    @Test func builderRefusesAShapeOverItsMemoryLimit() {
        #expect(throws: SpecdetError(.memoryLimitExceeded, "a 1024x1024 fingerprint needs more memory per worker than the 1 MiB limit")) {
            try FingerprintBuilder(width: 1024, height: 1024, memoryLimit: 1 << 20)
        }
    }

    /// numpy's linear percentile, and the 8-bit map between the clip percentiles.
    @Test func percentilesAndGrayMapping() {
        let print = Fingerprint(shape: ImageShape(width: 5, height: 1), imageCount: 1, values: [0, 10, 20, 30, 400])
        #expect(print.percentile(0) == 0)
        #expect(print.percentile(50) == 20)
        #expect(print.percentile(100) == 400)
        #expect(print.percentile(10) == 4)  // rank 0.4 between 0 and 10
        #expect(print.grayImage(clipPercent: 0).pixels == [0, 6, 13, 19, 255])
        // lo = 4, hi = 30 + 0.6 · 370 = 252: 0 and 400 saturate.
        #expect(print.grayImage(clipPercent: 10).pixels == [0, 6, 16, 27, 255])
        let flat = Fingerprint(shape: ImageShape(width: 2, height: 2), imageCount: 1, values: [3, 3, 3, 3])
        #expect(flat.grayImage().pixels == [0, 0, 0, 0])
    }

    @Test func centreCropTakesTheMiddleWindow() {
        let image = GrayImage(width: 5, height: 4, pixels: Array(0..<20))
        #expect(image.centreCropped(width: 2, height: 2)?.pixels == [6, 7, 11, 12])
        #expect(image.centreCropped(width: 5, height: 4) == image)
        #expect(image.centreCropped(width: 6, height: 4) == nil)
        #expect(image.centreCropped(width: 5, height: 5) == nil)
    }
}
