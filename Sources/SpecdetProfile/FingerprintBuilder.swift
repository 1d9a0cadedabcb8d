import Foundation
import SpecdetImage
import SpecdetSpectrum
import SpecdetSupport

/// Averages the centred log-magnitude spectra of images added from any number of threads.
///
/// Each call to `add` borrows an idle `SpectrumAccumulator` from a pool (or makes one when all
/// are busy) and returns it afterwards, so there are never more accumulators than threads that
/// added at the same time: one per worker, not one per image. `fingerprint()` merges them. The
/// result is bit-identical whatever the threads and their timing (see `SpectrumAccumulator`).
package final class FingerprintBuilder: @unchecked Sendable {
    /// The size every image must have.
    package let shape: ImageShape
    private let lock = NSLock()
    private var idle: [SpectrumAccumulator] = []

    /// A builder for `width x height` images.
    ///
    /// - Throws: `.memoryLimitExceeded` if one accumulator (sums and FFT buffers, see
    ///   `SpectrumAccumulator.bytes(for:)`) would need more than `memoryLimit` bytes
    ///   (default 4 GiB, as `ProfileExtractor`'s), or more than an `Int` counts.
    package init(width: Int, height: Int, memoryLimit: Int = ProfileExtractor.defaultMemoryLimit) throws(SpecdetError) {
        let shape = ImageShape(width: width, height: height)
        guard try SpectrumAccumulator.bytes(for: shape) <= memoryLimit else {
            throw SpecdetError(.memoryLimitExceeded,
                               "a \(shape) fingerprint needs more memory per worker than the \(memoryLimit >> 20) MiB limit")
        }
        self.shape = shape
    }

    /// Adds the spectrum of `image`; safe to call from several threads at once.
    ///
    /// - Precondition: `image` is `shape.width x shape.height`.
    /// - Throws: `.degenerateSpectrum` for a nearly constant image (as a profile would:
    ///   `ProfileExtractor.smallestLumaDeviation`), `.memoryLimitExceeded` when the FFT buffers
    ///   cannot be allocated; the image is then not counted.
    package func add(_ image: GrayImage) throws(SpecdetError) {
        try ProfileExtractor.requireSpectrum(image)
        let accumulator = lock.withLock { idle.popLast() } ?? SpectrumAccumulator(shape: shape)
        defer { lock.withLock { idle.append(accumulator) } }
        try accumulator.add(image)
    }

    /// The mean of every image added so far, or nil if none was. Call it once the `add` calls
    /// have returned.
    package func fingerprint() -> Fingerprint? {
        lock.withLock {
            let total = SpectrumAccumulator(shape: shape)
            for accumulator in idle {
                total.merge(accumulator)
            }
            return total.fingerprint
        }
    }
}
