import Foundation
import Testing
import SpecdetSupport
@testable import SpecdetSpectrum
import _SpecdetVectorC
import CFFTW

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
    re += Double(SpectrumWorkspace.epsilon)
    return 20 * log(hypot(re, im))
}

/// The half plane row by row, as one row-major array.
private func halfPlane(_ workspace: SpectrumWorkspace, _ pixels: [UInt8], _ shape: ImageShape) throws -> [Float] {
    var result: [Float] = []
    var nextRow = 0
    try pixels.withUnsafeBufferPointer { pixels in
        try workspace.forEachLogMagnitudeRow(of: pixels, shape: shape) { row, values in
            #expect(row == nextRow && values.count == shape.halfWidth)
            nextRow += 1
            result += values
        }
    }
    #expect(nextRow == shape.height)
    return result
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
    func halfPlaneMatchesFullComplexDFT(shape: ImageShape) throws {
        let pixels = randomImage(shape, seed: UInt64(shape.count))
        let workspace = SpectrumWorkspace()
        let result = try halfPlane(workspace, pixels, shape)
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

    @Test func constantImageHasAllItsEnergyAtDC() throws {
        let shape = ImageShape(width: 32, height: 24)
        let workspace = SpectrumWorkspace()
        let pixels = [UInt8](repeating: 77, count: shape.count)
        let result = try halfPlane(workspace, pixels, shape)
        #expect(abs(Double(result[0]) - 20 * log(77.0 * Double(shape.count))) < 1e-3)
        // Every other coefficient is (numerically) zero: at most |F| = 1e-3, i.e. 20·ln ≤ −138.
        #expect(result.dropFirst().allSatisfy { $0 < -138 })
    }

    @Test(arguments: [1, 3, 10])
    func cosineOfKCyclesPeaksAtFrequencyK(k: Int) throws {
        let shape = ImageShape(width: 64, height: 48)
        var pixels = [UInt8](repeating: 0, count: shape.count)
        for y in 0..<shape.height {
            for x in 0..<shape.width {
                pixels[y * shape.width + x] = UInt8((127.5 + 100 * cos(2 * Double.pi * Double(k * x) / Double(shape.width))).rounded())
            }
        }
        let result = try halfPlane(SpectrumWorkspace(), pixels, shape)
        let peak = result.indices.dropFirst().max { result[$0] < result[$1] }!
        #expect(peak == k, "peak at half-plane index \(peak) (row \(peak / shape.halfWidth), column \(peak % shape.halfWidth))")
        // |F(0, k)| = 100 · W · H / 2 for a cosine of amplitude 100, up to 8-bit rounding.
        #expect(abs(Double(result[k]) - 20 * log(50.0 * Double(shape.count))) < 0.05)
    }

    @Test func onePlanPerSizeIsShared() throws {
        let shape = ImageShape(width: 20, height: 12), other = ImageShape(width: 12, height: 20)
        let input = try #require(fftwf_alloc_real(240)), output = try #require(fftwf_alloc_complex(20 * 11))
        defer {
            fftwf_free(input)
            fftwf_free(output)
        }
        let plan = try FFTPlanner.plan(for: shape, input: input, output: output)
        #expect(try FFTPlanner.plan(for: shape, input: input, output: output) === plan)
        #expect(try FFTPlanner.plan(for: other, input: input, output: output) !== plan)
    }

    /// A shape FFTW cannot plan (its sizes are C ints) is an error, not a crash.
    @Test func aShapeFFTWCannotPlanIsAMemoryError() throws {
        let input = try #require(fftwf_alloc_real(16)), output = try #require(fftwf_alloc_complex(16))
        defer {
            fftwf_free(input)
            fftwf_free(output)
        }
        #expect(throws: SpecdetError(.memoryLimitExceeded, "a 2147483648x1 transform is larger than FFTW can plan")) {
            try FFTPlanner.plan(for: ImageShape(width: 1 << 31, height: 1), input: input, output: output)
        }
    }

    /// `bufferBytes` is what a fresh workspace allocates (about 8 bytes per pixel), and a
    /// workspace grows only for a larger shape.
    @Test(arguments: [ImageShape(width: 64, height: 48), ImageShape(width: 1, height: 9), ImageShape(width: 1023, height: 5)])
    func bufferBytesAreWhatTheWorkspaceAllocates(shape: ImageShape) throws {
        let workspace = SpectrumWorkspace()
        #expect(workspace.allocatedBytes == 0)
        _ = try halfPlane(workspace, randomImage(shape, seed: 3), shape)
        let bytes = try SpectrumWorkspace.bufferBytes(for: shape)
        #expect(workspace.allocatedBytes == bytes)
        #expect(bytes == 4 * shape.count + 8 * shape.height * shape.halfWidth + 4 * shape.halfWidth)
        let smaller = ImageShape(width: 1, height: 1)
        _ = try halfPlane(workspace, [9], smaller)
        #expect(workspace.allocatedBytes == bytes)
    }

    @Test(arguments: [ImageShape(width: 0, height: 5), ImageShape(width: 5, height: -1),
                      ImageShape(width: SpectrumWorkspace.maximumSide + 1, height: 1),
                      ImageShape(width: SpectrumWorkspace.maximumSide, height: SpectrumWorkspace.maximumSide),
                      ImageShape(width: Int.max, height: Int.max)])
    func shapesBeyondTheFFTAreMemoryErrors(shape: ImageShape) {
        #expect(throws: SpecdetError.self) { try SpectrumWorkspace.bufferBytes(for: shape) }
        do {
            _ = try SpectrumWorkspace.bufferBytes(for: shape)
        } catch {
            #expect(error.code == .memoryLimitExceeded)
        }
    }

    /// An allocation that fails leaves the buffer empty and usable, instead of stopping.
    @Test func aBufferThatCannotBeAllocatedReportsIt() {
        var buffer = FFTWBuffer<Float>()
        let huge = buffer.reserve(1 << 60), overflowing = buffer.reserve(Int.max)
        #expect(!huge && !overflowing)
        #expect(buffer.base == nil && buffer.bytes == 0)
        let small = buffer.reserve(16)
        #expect(small && buffer.base != nil && buffer.bytes == 64)
    }
}

/// The Cephes loop that computed the log magnitude in Swift before the vector kernels, kept
/// as their oracle: they must give its bits.
private func swiftLogMagnitude(_ complex: [Float], epsilon: Float) -> [Float] {
    (0..<complex.count / 2).map { i in
        let re = complex[2 * i] + epsilon
        let im = complex[2 * i + 1]
        let value = re * re + im * im
        guard value.isNormal else { return 10 * logf(value) }
        let bits = value.bitPattern
        var exponent = Float(Int32(bitPattern: bits >> 23) &- 126)
        var mantissa = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F00_0000)
        let small = mantissa < 0.707106781186547524
        exponent = small ? exponent - 1 : exponent
        mantissa = small ? mantissa + mantissa : mantissa
        let x = mantissa - 1
        let z = x * x
        var y: Float = 7.0376836292e-2
        y = y * x - 1.1514610310e-1
        y = y * x + 1.1676998740e-1
        y = y * x - 1.2420140846e-1
        y = y * x + 1.4249322787e-1
        y = y * x - 1.6668057665e-1
        y = y * x + 2.0000714765e-1
        y = y * x - 2.4999993993e-1
        y = y * x + 3.3333331174e-1
        y = y * x * z
        y += -2.12194440e-4 * exponent
        y += -0.5 * z
        return 10 * (x + y + 0.693359375 * exponent)
    }
}

@Suite struct LogMagnitudeTests {
    /// Interleaved complex values over many decades, signs and both kinds of special values.
    private static let values: [Float] = {
        var complex: [Float] = []
        var value: Float = 1e-18
        while value < 1e18 {
            complex += [value, value * 0.37, -value, 0, 0, value, value.nextUp, -value.nextDown]
            value *= 1.37
        }
        var generator = SplitMix64(seed: 9)
        for _ in 0..<4_000 {
            complex.append(Float(bitPattern: UInt32(truncatingIfNeeded: generator.next())))
        }
        return complex + [0, 0, 1e-30, 0, .infinity, 0, .nan, 0, -1e-8, 0, .leastNormalMagnitude, 0,
                          .greatestFiniteMagnitude, 0, -.infinity, 1]
    }()

    private func kernel(level: Int32, _ complex: [Float], epsilon: Float) -> [Float] {
        var result = [Float](repeating: 0, count: complex.count / 2)
        sd_log_magnitude_at_level(level, complex, epsilon, &result, result.count)
        return result
    }

    /// Within 2e-7 relative (or absolute, near 0) of `10·logf(|z|²)` over many decades, and
    /// exactly `logf`'s value for zero, subnormal, infinite and NaN magnitudes.
    @Test func matchesLogfAcrossTheFloatRange() {
        let complex = Self.values
        let result = kernel(level: sd_simd_level(), complex, epsilon: 0)
        var worst: Float = 0
        for i in result.indices {
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

    /// Every instruction set this processor has gives the bits of the former Swift loop, for
    /// every length (the tail of an array goes through the vector code on a padded copy).
    @Test func everyInstructionSetGivesTheFormerLoopsBits() {
        let levels = (Int32(SD_SIMD_BASELINE)...sd_simd_level())
        #expect(!levels.isEmpty)
        for epsilon: Float in [0, SpectrumWorkspace.epsilon] {
            let expected = swiftLogMagnitude(Self.values, epsilon: epsilon)
            for level in levels {
                let got = kernel(level: level, Self.values, epsilon: epsilon)
                #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "level \(level), epsilon \(epsilon)")
                for count in 0...40 {
                    let prefix = Array(Self.values.prefix(2 * count))
                    #expect(kernel(level: level, prefix, epsilon: epsilon).map(\.bitPattern)
                            == expected.prefix(count).map(\.bitPattern), "level \(level), \(count) values")
                }
            }
        }
    }

    @Test func bytesWidenExactly() {
        for count in [0, 1, 3, 15, 16, 17, 63, 256, 1_000] {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37) }
            var result = [Float](repeating: -1, count: count)
            sd_widen_bytes(bytes, &result, count)
            #expect(result == bytes.map(Float.init))
        }
    }
}
