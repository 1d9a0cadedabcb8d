import CFFTW
import Foundation

/// One FFTW single-precision real-to-complex 2-D plan, shared by every worker.
///
/// Executed only through `fftwf_execute_dft_r2c` on per-worker `fftwf_malloc` buffers,
/// which FFTW documents as thread-safe; creation and destruction go through `FFTPlanner`.
final class FFTPlan: @unchecked Sendable {
    let handle: fftwf_plan
    let shape: ImageShape

    init(handle: fftwf_plan, shape: ImageShape) {
        self.handle = handle
        self.shape = shape
    }

    deinit {
        FFTPlanner.lock.withLock { fftwf_destroy_plan(handle) }
    }
}

/// Creates and caches plans. FFTW's planner is not thread-safe, so every planner call runs
/// under one process-wide lock, and a plan is made once per image size and shared.
///
/// Plans use `FFTW_ESTIMATE`: planning is instant and, unlike `FFTW_MEASURE`, picks the same
/// algorithm on every run and machine, so a file's features are identical bit for bit
/// whatever the run's history, parallelism or wisdom.
enum FFTPlanner {
    static let lock = NSLock()
    /// Plans kept at most; the least recently used is dropped beyond that.
    static let capacity = 64

    nonisolated(unsafe) private static var plans: [ImageShape: (plan: FFTPlan, lastUse: UInt64)] = [:]
    nonisolated(unsafe) private static var clock: UInt64 = 0

    static func plan(for shape: ImageShape) -> FFTPlan {
        // A dropped plan's deinit takes the lock, so it is released only after unlocking.
        var dropped: FFTPlan?
        lock.lock()
        clock &+= 1
        let plan = plans[shape]?.plan ?? makePlan(shape)
        plans[shape] = (plan, clock)
        if plans.count > capacity, let oldest = plans.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            dropped = plans.removeValue(forKey: oldest.key)?.plan
        }
        lock.unlock()
        withExtendedLifetime(dropped) {}
        return plan
    }

    /// Must be called with `lock` held.
    private static func makePlan(_ shape: ImageShape) -> FFTPlan {
        let input = fftwf_alloc_real(shape.count)!
        let output = fftwf_alloc_complex(shape.height * shape.halfWidth)!
        defer {
            fftwf_free(input)
            fftwf_free(output)
        }
        guard let handle = fftwf_plan_dft_r2c_2d(Int32(shape.height), Int32(shape.width), input, output, FFTW_ESTIMATE)
        else { fatalError("FFTW could not plan a \(shape) transform") }
        return FFTPlan(handle: handle, shape: shape)
    }
}
