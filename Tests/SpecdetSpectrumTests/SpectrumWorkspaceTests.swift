import Foundation
import Testing
@testable import SpecdetSpectrum

/// Naive O(N⁴) DFT in double precision: the independent oracle for the FFTW path.
private func naiveLogMagnitude(_ pixels: [UInt8], _ shape: ImageShape, ky: Int, kx: Int) -> Double {
    var re = 0.0, im = 0.0
    for y in 0..<shape.height {
        for x in 0..<shape.width {
            let phase = -2 * Double.pi * (Double(ky * y) / Double(shape.height) + Double(kx * x) / Double(shape.width))
            re += Double(pixels[y * shape.width + x]) * cos(phase)
            im += Double(pixels[y * shape.width + x]) * sin(phase)
        }
    }
    re += 1e-8
    return 20 * log(hypot(re, im))
}

private func randomImage(_ shape: ImageShape, seed: UInt64) -> [UInt8] {
    var state = seed
    return (0..<shape.count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 56)
    }
}

@Suite struct SpectrumWorkspaceTests {
    @Test(arguments: [
        ImageShape(width: 8, height: 8), ImageShape(width: 7, height: 5), ImageShape(width: 6, height: 9),
        ImageShape(width: 9, height: 4), ImageShape(width: 1, height: 6), ImageShape(width: 5, height: 1),
    ])
    func halfPlaneMatchesFullComplexDFT(shape: ImageShape) {
        let pixels = randomImage(shape, seed: UInt64(shape.count))
        let workspace = SpectrumWorkspace()
        let result = pixels.withUnsafeBufferPointer { Array(workspace.logMagnitudeHalfPlane(of: $0, shape: shape)) }
        #expect(result.count == shape.height * shape.halfWidth)
        for ky in 0..<shape.height {
            for kx in 0..<shape.halfWidth {
                let expected = naiveLogMagnitude(pixels, shape, ky: ky, kx: kx)
                let got = Double(result[ky * shape.halfWidth + kx])
                #expect(abs(got - expected) < 1e-3, "\(shape) at (\(ky), \(kx)): \(got) vs \(expected)")
            }
        }
        // The coefficients outside the half plane are conjugate mirrors: same magnitude.
        for ky in 0..<shape.height {
            for kx in shape.halfWidth..<shape.width {
                let mirror = result[((shape.height - ky) % shape.height) * shape.halfWidth + (shape.width - kx)]
                #expect(abs(Double(mirror) - naiveLogMagnitude(pixels, shape, ky: ky, kx: kx)) < 1e-3)
            }
        }
    }

    @Test func constantImageHasAllItsEnergyAtDC() {
        let shape = ImageShape(width: 32, height: 24)
        let workspace = SpectrumWorkspace()
        let pixels = [UInt8](repeating: 77, count: shape.count)
        let result = pixels.withUnsafeBufferPointer { Array(workspace.logMagnitudeHalfPlane(of: $0, shape: shape)) }
        #expect(abs(Double(result[0]) - 20 * log(77.0 * Double(shape.count))) < 1e-3)
        // Every other coefficient is (numerically) zero: at most |F| = 1e-3, i.e. 20·ln ≤ −138.
        #expect(result.dropFirst().allSatisfy { $0 < -138 })
    }

    @Test(arguments: [1, 3, 10])
    func cosineOfKCyclesPeaksAtFrequencyK(k: Int) {
        let shape = ImageShape(width: 64, height: 48)
        var pixels = [UInt8](repeating: 0, count: shape.count)
        for y in 0..<shape.height {
            for x in 0..<shape.width {
                pixels[y * shape.width + x] = UInt8((127.5 + 100 * cos(2 * Double.pi * Double(k * x) / Double(shape.width))).rounded())
            }
        }
        let workspace = SpectrumWorkspace()
        let result = pixels.withUnsafeBufferPointer { Array(workspace.logMagnitudeHalfPlane(of: $0, shape: shape)) }
        let peak = result.indices.dropFirst().max { result[$0] < result[$1] }!
        #expect(peak == k, "peak at half-plane index \(peak) (row \(peak / shape.halfWidth), column \(peak % shape.halfWidth))")
        // |F(0, k)| = 100 · W · H / 2 for a cosine of amplitude 100, up to 8-bit rounding.
        #expect(abs(Double(result[k]) - 20 * log(50.0 * Double(shape.count))) < 0.05)
    }

    @Test func onePlanPerSizeIsShared() {
        let shape = ImageShape(width: 20, height: 12)
        #expect(FFTPlanner.plan(for: shape) === FFTPlanner.plan(for: shape))
        #expect(FFTPlanner.plan(for: ImageShape(width: 12, height: 20)) !== FFTPlanner.plan(for: shape))
    }
}

@Suite struct LogMagnitudeTests {
    /// Within 2e-7 relative (or absolute, near 0) of `10·logf(|z|²)` over many decades, and
    /// exactly `logf`'s value for zero, subnormal, infinite and NaN magnitudes.
    @Test func matchesLogfAcrossTheFloatRange() {
        var complex: [Float] = []
        var value: Float = 1e-18
        while value < 1e18 {
            complex += [value, value * 0.37, -value, 0]
            value *= 1.37
        }
        complex += [0, 0, 1e-30, 0, .infinity, 0, .nan, 0, -1e-8, 0]
        let count = complex.count / 2
        var result = [Float](repeating: 0, count: count)
        logMagnitude(interleaved: complex, epsilon: 0, into: &result, count: count)
        var worst: Float = 0
        for i in 0..<count {
            let re = complex[2 * i], im = complex[2 * i + 1]
            let exact = 10 * logf(re * re + im * im)
            if exact.isFinite {
                worst = max(worst, abs(result[i] - exact) / max(abs(exact), 10))
            } else {
                #expect(result[i] == exact || (result[i].isNaN && exact.isNaN), "at \(i)")
            }
        }
        #expect(worst < 2e-7, "worst relative error \(worst)")
    }
}
