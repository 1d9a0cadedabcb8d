import CFFTW
import Foundation

/// One FFTW single-precision real-to-complex 2-D plan, shared by every worker.
///
/// Executed only through `fftwf_execute_dft_r2c` on per-worker `fftwf_malloc` buffers,
/// which FFTW documents as thread-safe; creation and destruction go through `FFTPlanner`.
final class FFTPlan: @unchecked Sendable {
    let handle: fftwf_plan
    let shape: ImageShape
    let measured: Bool

    init(handle: fftwf_plan, shape: ImageShape, measured: Bool) {
        self.handle = handle
        self.shape = shape
        self.measured = measured
    }

    deinit {
        FFTPlanner.lock.withLock { fftwf_destroy_plan(handle) }
    }
}

/// Creates and caches plans. FFTW's planner is not thread-safe, so every planner call runs
/// under one process-wide lock, and plans are made once per image size, off the per-image path
/// after the first.
///
/// A size seen once gets an `FFTW_ESTIMATE` plan (instant). A size seen
/// `measureAfterSightings` times, or one the loaded wisdom already knows, gets an
/// `FFTW_MEASURE` plan (about 0.3 s for 1024x1024, faster execution) which then replaces it.
enum FFTPlanner {
    static let lock = NSLock()
    /// How many times a size must be requested before a measured plan pays off.
    static let measureAfterSightings = 3
    /// Plans kept at most; the least recently used is dropped beyond that.
    static let capacity = 64

    nonisolated(unsafe) private static var plans: [ImageShape: FFTPlan] = [:]
    nonisolated(unsafe) private static var sightings: [ImageShape: Int] = [:]
    nonisolated(unsafe) private static var lastUse: [ImageShape: UInt64] = [:]
    nonisolated(unsafe) private static var clock: UInt64 = 0

    static func plan(for shape: ImageShape) -> FFTPlan {
        // Plans dropped from the cache: their deinit takes the lock, so they are released
        // only after unlocking.
        var dropped: [FFTPlan] = []
        lock.lock()
        clock &+= 1
        lastUse[shape] = clock
        let seen = (sightings[shape] ?? 0) + 1
        sightings[shape] = min(seen, measureAfterSightings)
        if let cached = plans[shape], cached.measured || seen < measureAfterSightings {
            lock.unlock()
            return cached
        }
        let plan = makePlan(shape, measure: seen >= measureAfterSightings)
        if let replaced = plans.updateValue(plan, forKey: shape) { dropped.append(replaced) }
        if plans.count > capacity,
           let oldest = lastUse.filter({ plans[$0.key] != nil && $0.key != shape })
               .min(by: { $0.value < $1.value })?.key {
            dropped.append(plans.removeValue(forKey: oldest)!)
            lastUse.removeValue(forKey: oldest)
            sightings.removeValue(forKey: oldest)
        }
        lock.unlock()
        withExtendedLifetime(dropped) {}
        return plan
    }

    /// Must be called with `lock` held.
    private static func makePlan(_ shape: ImageShape, measure: Bool) -> FFTPlan {
        let input = fftwf_alloc_real(shape.count)!
        let output = fftwf_alloc_complex(shape.height * shape.halfWidth)!
        defer {
            fftwf_free(input)
            fftwf_free(output)
        }
        // Try the loaded wisdom first: a measured plan at no planning cost.
        var flags = FFTW_MEASURE | FFTW_WISDOM_ONLY
        var handle = fftwf_plan_dft_r2c_2d(Int32(shape.height), Int32(shape.width), input, output, flags)
        if handle == nil {
            flags = measure ? FFTW_MEASURE : FFTW_ESTIMATE
            handle = fftwf_plan_dft_r2c_2d(Int32(shape.height), Int32(shape.width), input, output, flags)
        }
        guard let handle else { fatalError("FFTW could not plan a \(shape) transform") }
        return FFTPlan(handle: handle, shape: shape, measured: flags != FFTW_ESTIMATE)
    }
}
