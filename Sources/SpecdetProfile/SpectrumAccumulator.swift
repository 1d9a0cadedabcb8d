import SpecdetImage
import SpecdetSpectrum
import SpecdetSupport

/// Sums the centred log-magnitude spectra of images of one size, for their mean (a spectral
/// "fingerprint"). Holds its own FFT workspace, so it is not thread-safe: give each thread its
/// own accumulator and `merge` them at the end, or let `FingerprintBuilder` do both.
///
/// Convention: for each image, `S(ky, kx) = 20·ln|F(ky, kx) + ε|` (ε = 1e-8) of the unnormalised
/// DFT (natural log, constant added to the real part; see
/// `SpectrumWorkspace.forEachLogMagnitudeRow`), expanded from the r2c half plane to the full
/// `H x W` plane by conjugate symmetry (for `kx > W/2`, `S(ky, kx)` is the half plane's value
/// at `((H − ky) mod H, (W − kx) mod W)`), then `fftshift`ed: frequency `k` of an axis of `n`
/// samples is stored at index `(k + n/2) mod n` (integer division), so DC sits at row `H/2`,
/// column `W/2`, and frequency `+k` along x at column `W/2 + k`.
///
/// Sums are fixed point: each value is rounded to a multiple of 2⁻²⁴ (error ≤ 3e-8) and added
/// as an `Int64`. Integer addition is exact and associative, so the mean is bit-identical
/// whatever the order of the images and of the merges (and so whatever the number of
/// threads). A value is clamped to ±1,024 first; only a coefficient that cancels ε
/// exactly (log −∞) can reach that, since 8-bit images up to 65,535² give −368 ≤ S ≤ 553.
/// Up to about 5·10⁸ images fit before the sums could overflow.
package final class SpectrumAccumulator {
    /// The size of every image added, and of the spectrum.
    package let shape: ImageShape
    /// Number of images summed (including merged ones).
    package private(set) var count = 0
    private var sums: [Int64]
    private let workspace = SpectrumWorkspace()

    static let fixedPointScale = Double(1 << 24)
    static let valueBound = 1_024.0

    /// An empty accumulator for `shape` (memory: 8 bytes per pixel for the sums, plus 8 for the
    /// FFT buffers of the first `add`).
    package init(shape: ImageShape) {
        self.shape = shape
        self.sums = [Int64](repeating: 0, count: shape.count)
    }

    /// Bytes one accumulator needs for `shape` once it has added an image: its sums (8 bytes
    /// per pixel) plus its FFT buffers (`SpectrumWorkspace.bufferBytes(for:)`, about 8 bytes
    /// per pixel).
    ///
    /// - Throws: `.memoryLimitExceeded` when the shape is beyond the FFT's reach or the bytes
    ///   overflow `Int`.
    package static func bytes(for shape: ImageShape) throws(SpecdetError) -> Int {
        let buffers = try SpectrumWorkspace.bufferBytes(for: shape)
        guard let sums = shape.checkedCount.flatMap({ Checked.product($0, MemoryLayout<Int64>.stride) }),
              let total = Checked.sum(sums, buffers) else {
            throw SpecdetError(.memoryLimitExceeded, "a \(shape) fingerprint's sums would exceed the address space")
        }
        return total
    }

    /// Adds the centred log-magnitude spectrum of `image` (see the type's convention).
    ///
    /// - Precondition: `image` is `shape.width x shape.height`.
    /// - Throws: `.memoryLimitExceeded` when the FFT buffers cannot be allocated (nothing is
    ///   added then).
    package func add(_ image: GrayImage) throws(SpecdetError) {
        precondition(image.width == shape.width && image.height == shape.height,
                     "a \(image.width)x\(image.height) image added to a \(shape) accumulator")
        let width = shape.width, height = shape.height
        // Row ky of the half plane is S(ky, kx) for kx = 0…W/2 and, by conjugate symmetry,
        // S(−ky, −kx) at full-plane row (H − ky) mod H, column W − kx, for the columns
        // W − kx > W/2 (kx = 1…W − W/2 − 1).
        let mirrored = width - shape.halfWidth
        try sums.withUnsafeMutableBufferPointer { sums throws(SpecdetError) in
            try image.pixels.withUnsafeBufferPointer { pixels throws(SpecdetError) in
                try workspace.forEachLogMagnitudeRow(of: pixels, shape: shape) { ky, values in
                    let own = ((ky + height / 2) % height) * width
                    for kx in 0..<values.count {
                        sums[own + (kx + width / 2) % width] += Self.fixedPoint(values[kx])
                    }
                    let mirror = ((height - ky + height / 2) % height) * width
                    for kx in stride(from: 1, through: mirrored, by: 1) {
                        sums[mirror + (width - kx + width / 2) % width] += Self.fixedPoint(values[kx])
                    }
                }
            }
        }
        count += 1
    }

    /// Adds the sums and count of `other`, which must have the same shape.
    package func merge(_ other: SpectrumAccumulator) {
        precondition(other.shape == shape, "merging a \(other.shape) accumulator into a \(shape) one")
        for index in sums.indices {
            sums[index] += other.sums[index]
        }
        count += other.count
    }

    /// The mean spectrum of the images added so far, or nil if there are none.
    package var fingerprint: Fingerprint? {
        guard count > 0 else { return nil }
        let divisor = Self.fixedPointScale * Double(count)
        return Fingerprint(shape: shape, imageCount: count, values: sums.map { Float(Double($0) / divisor) })
    }

    private static func fixedPoint(_ value: Float) -> Int64 {
        Int64((min(max(Double(value), -valueBound), valueBound) * fixedPointScale).rounded())
    }
}
