import CFFTW
import SpecdetSupport
import _SpecdetVectorC

/// Per-worker FFT buffers, reused from image to image. Not thread-safe: give each worker
/// thread its own workspace. Plans are shared between workspaces through the planner.
package final class SpectrumWorkspace {
    /// ε of the log magnitude `20·ln|F + ε|`: added to the real part of every coefficient
    /// before the logarithm, as the published code adds `1e-8` to the shifted spectrum, so that
    /// a zero coefficient gives `20·ln 1e-8 ≈ −368` rather than −∞. The one definition of it.
    package static let epsilon: Float = 1e-8

    private var input = FFTWBuffer<Float>()
    private var output = FFTWBuffer<fftwf_complex>()
    private var row = FFTWBuffer<Float>()

    /// Largest width or height transformed: 2³⁰ (FFTW takes C `int` sizes; the ring
    /// arithmetic of the profile layer stays exact in 64 bits up to here). Such an image
    /// needs over 4 GiB of FFT buffers, the default limit.
    package static let maximumSide = 1 << 30

    package init() {}

    /// Bytes of FFT buffers a `shape` needs, exactly what a workspace allocates for it: the
    /// float input (4 bytes per pixel), the complex half plane (8 bytes per coefficient,
    /// `height x (width/2 + 1)`: about 4 bytes per pixel) and one row of its log magnitude
    /// (4 bytes per coefficient of a row), so about 8 bytes per pixel in all. Callers use this
    /// to enforce a memory limit before anything is allocated.
    ///
    /// - Throws: `.memoryLimitExceeded` when a side is not positive or over `maximumSide`, or
    ///   the bytes overflow `Int`.
    package static func bufferBytes(for shape: ImageShape) throws(SpecdetError) -> Int {
        let sides = 1...maximumSide
        guard sides ~= shape.width, sides ~= shape.height,
              let count = shape.checkedCount, let half = shape.checkedHalfCount else {
            throw SpecdetError(.memoryLimitExceeded, "a \(shape) image is larger than the FFT can take")
        }
        guard let input = Checked.product(count, MemoryLayout<Float>.stride),
              let output = Checked.product(half, MemoryLayout<fftwf_complex>.stride),
              let total = Checked.sum(input, output, shape.halfWidth * MemoryLayout<Float>.stride) else {
            throw SpecdetError(.memoryLimitExceeded, "a \(shape) image's FFT buffers would exceed the address space")
        }
        return total
    }

    /// Bytes of buffers this workspace holds now (for tests of `bufferBytes`).
    var allocatedBytes: Int { input.bytes + output.bytes + row.bytes }

    /// The log magnitude of the unnormalised 2-D DFT of an 8-bit image, one row of the half
    /// plane at a time: `body(ky, values)` is called for `ky = 0…height−1` in order, with the
    /// `width/2 + 1` values of row `ky`, valid only during the call.
    ///
    /// Convention (the published method's): `F(ky, kx) = Σ p(y, x)·e^{-2πi(ky·y/H + kx·x/W)}`
    /// with no normalisation, in single precision (FFTW r2c); then `20·ln|F + ε|` (ε =
    /// `epsilon`, added to the real part; natural logarithm) by Cephes' `logf` polynomial:
    /// within 2e-7 relative of `logf` (see `sd_vector.h`), the same bits whatever vector
    /// instructions the processor has.
    /// Rows are in unshifted frequency order (`ky` = 0…H−1, column `kx` = 0…W/2); every other
    /// coefficient is the conjugate mirror `F(−ky, −kx)` of one of these, with the same value.
    ///
    /// - Throws: `.memoryLimitExceeded` when the buffers cannot be allocated or FFTW cannot plan
    ///   the transform; the workspace stays usable.
    package func forEachLogMagnitudeRow(
        of pixels: UnsafeBufferPointer<UInt8>, shape: ImageShape,
        _ body: (_ row: Int, _ values: UnsafeBufferPointer<Float>) -> Void
    ) throws(SpecdetError) {
        guard let count = shape.checkedCount, let half = shape.checkedHalfCount, count == pixels.count,
              let pixelBytes = pixels.baseAddress else {
            preconditionFailure("pixel count must equal width * height, both positive")
        }
        guard input.reserve(count), output.reserve(half), row.reserve(shape.halfWidth),
              let real = input.base, let complex = output.base, let logRow = row.base else {
            throw SpecdetError(.memoryLimitExceeded,
                               "could not allocate \((try? Self.bufferBytes(for: shape)) ?? Int.max) bytes of FFT buffers for a \(shape) image")
        }
        let plan = try FFTPlanner.plan(for: shape, input: real, output: complex)
        sd_widen_bytes(pixelBytes, real, count)
        plan.execute(real, complex)
        let halfWidth = shape.halfWidth
        complex.withMemoryRebound(to: Float.self, capacity: 2 * half) { interleaved in
            for ky in 0..<shape.height {
                sd_log_magnitude(interleaved + 2 * ky * halfWidth, Self.epsilon, logRow, halfWidth)
                body(ky, UnsafeBufferPointer(start: logRow, count: halfWidth))
            }
        }
    }
}

/// A buffer from `fftwf_malloc` (aligned for FFTW's SIMD code) that only grows.
struct FFTWBuffer<Element>: ~Copyable {
    private(set) var base: UnsafeMutablePointer<Element>?
    private var capacity = 0

    var bytes: Int { capacity * MemoryLayout<Element>.stride }

    /// Makes room for `count` elements; false (and no buffer) when that many bytes overflow
    /// or cannot be allocated.
    mutating func reserve(_ count: Int) -> Bool {
        guard count > capacity else { return true }
        release()
        guard let bytes = Checked.product(count, MemoryLayout<Element>.stride),
              let raw = fftwf_malloc(bytes) else { return false }
        base = raw.bindMemory(to: Element.self, capacity: count)
        capacity = count
        return true
    }

    mutating func release() {
        if let base { fftwf_free(base) }
        base = nil
        capacity = 0
    }

    deinit {
        if let base { fftwf_free(base) }
    }
}
