import CFFTW
import Foundation

/// Per-worker FFT buffers, reused from image to image. Not thread-safe: give each worker
/// thread its own workspace. Plans are shared between workspaces through the planner.
package final class SpectrumWorkspace {
    private var input: UnsafeMutablePointer<Float>?
    private var output: UnsafeMutablePointer<fftwf_complex>?
    private var logMagnitude: UnsafeMutablePointer<Float>?
    private var capacity = 0

    package init() {}

    deinit {
        release()
    }

    /// Bytes of FFT buffers a `shape` needs: the float input, the complex half plane and its
    /// log magnitude (about 12 bytes per pixel). Callers use this to enforce a memory limit.
    package static func bufferBytes(for shape: ImageShape) -> Int {
        let half = shape.height * shape.halfWidth
        return shape.count * MemoryLayout<Float>.size
            + half * (MemoryLayout<fftwf_complex>.size + MemoryLayout<Float>.size)
    }

    /// The log magnitude of the unnormalised 2-D DFT of an 8-bit image, on the half plane.
    ///
    /// Convention (the published method's): `F(ky, kx) = Σ p(y, x)·e^{-2πi(ky·y/H + kx·x/W)}`
    /// with no normalisation, in single precision (FFTW r2c); then `20·ln|F + 1e-8|` with the
    /// constant added to the real part, natural logarithm. The result is row-major
    /// `height x (width/2 + 1)` in unshifted frequency order (row `ky` = 0…H−1, column
    /// `kx` = 0…W/2); every other coefficient is the conjugate mirror `F(−ky, −kx)` of one of
    /// these, with the same value. The buffer stays valid until the next call.
    package func logMagnitudeHalfPlane(
        of pixels: UnsafeBufferPointer<UInt8>, shape: ImageShape
    ) -> UnsafeBufferPointer<Float> {
        precondition(pixels.count == shape.count, "pixel count must equal width * height")
        let plan = FFTPlanner.plan(for: shape)
        reserve(shape)
        let input = input!, output = output!, logMagnitude = logMagnitude!
        for i in 0..<shape.count {
            input[i] = Float(pixels[i])
        }
        plan.execute(input, output)
        let half = shape.height * shape.halfWidth
        output.withMemoryRebound(to: Float.self, capacity: 2 * half) { complex in
            SpecdetSpectrum.logMagnitude(interleaved: complex, epsilon: 1e-8, into: logMagnitude, count: half)
        }
        return UnsafeBufferPointer(start: logMagnitude, count: half)
    }

    private func reserve(_ shape: ImageShape) {
        let needed = max(shape.count, 2 * shape.height * shape.halfWidth)
        guard needed > capacity else { return }
        release()
        // fftwf_malloc gives the SIMD alignment the shared plans were made with.
        input = fftwf_alloc_real(needed)
        output = fftwf_alloc_complex(needed / 2 + 1)
        logMagnitude = UnsafeMutablePointer<Float>.allocate(capacity: needed)
        guard input != nil, output != nil else { fatalError("out of memory for FFT buffers") }
        capacity = needed
    }

    private func release() {
        if let input { fftwf_free(input) }
        if let output { fftwf_free(output) }
        logMagnitude?.deallocate()
        input = nil
        output = nil
        logMagnitude = nil
        capacity = 0
    }
}
