import CFFTW
import Foundation
import SpecdetSupport

/// A single-precision real-to-complex 2-D DFT as two FFTW plans shared by every worker: a
/// real-to-complex transform of every row, then an in-place complex transform of every
/// column of the half plane. With `FFTW_ESTIMATE` this row-column split runs about 1.5x
/// faster than FFTW's own 2-D r2c plan (3.9 vs 5.9 ms at 1024x1024) and slightly faster
/// than its `FFTW_MEASURE` plan, and the result is the same transform.
///
/// Executed only through FFTW's new-array functions on per-worker `fftwf_malloc` buffers,
/// which FFTW documents as thread-safe; creation and destruction go through `FFTPlanner`.
final class FFTPlan: @unchecked Sendable {
    let rows: fftwf_plan
    let columns: fftwf_plan
    let shape: ImageShape

    init(rows: fftwf_plan, columns: fftwf_plan, shape: ImageShape) {
        self.rows = rows
        self.columns = columns
        self.shape = shape
    }

    /// Transforms `input` (row-major `height x width`) into `output` (row-major
    /// `height x (width/2 + 1)`).
    func execute(_ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<fftwf_complex>) {
        fftwf_execute_dft_r2c(rows, input, output)
        fftwf_execute_dft(columns, output, output)
    }

    deinit {
        FFTPlanner.lock.withLock {
            fftwf_destroy_plan(rows)
            fftwf_destroy_plan(columns)
        }
    }
}

/// Creates and caches plans. FFTW's planner is not thread-safe, so every planner call runs
/// under one process-wide lock, and a plan is made once per image size and shared.
///
/// Plans use `FFTW_ESTIMATE`: planning takes no measurements and, unlike `FFTW_MEASURE`, picks
/// the same algorithm on every run and machine, so a file's features are identical bit for
/// bit whatever the run's history, parallelism or wisdom. Its cost is in planning the row
/// transform of a new width (about 0.5–1.5 ms); FFTW remembers the 1-D sub-plans, so a new
/// height for a width already seen costs about 0.1–0.3 ms (docs/BENCHMARKS.md).
enum FFTPlanner {
    static let lock = NSLock()
    /// Plans kept at most; the least recently used is dropped beyond that.
    static let capacity = 64

    nonisolated(unsafe) private static var plans: [ImageShape: (plan: FFTPlan, lastUse: UInt64)] = [:]
    nonisolated(unsafe) private static var clock: UInt64 = 0

    /// The shared plan for `shape`, made on first use with `input` and `output` (buffers from
    /// `fftwf_malloc` of `shape.count` reals and `shape.checkedHalfCount` complex values, which
    /// estimate planning neither reads nor writes; only their alignment matters, the same for
    /// every `fftwf_malloc` buffer).
    ///
    /// - Throws: `.memoryLimitExceeded` when FFTW cannot plan the transform.
    static func plan(for shape: ImageShape, input: UnsafeMutablePointer<Float>,
                     output: UnsafeMutablePointer<fftwf_complex>) throws(SpecdetError) -> FFTPlan {
        // A dropped plan's deinit takes the lock, so it is released only after unlocking.
        var dropped: FFTPlan?
        lock.lock()
        defer {
            lock.unlock()
            withExtendedLifetime(dropped) {}
        }
        clock &+= 1
        let plan: FFTPlan
        if let cached = plans[shape]?.plan {
            plan = cached
        } else {
            plan = try makePlan(shape, input, output)
        }
        plans[shape] = (plan, clock)
        if plans.count > capacity, let oldest = plans.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            dropped = plans.removeValue(forKey: oldest.key)?.plan
        }
        return plan
    }

    /// Bytes that must be free before FFTW plans a `shape` transform: 1 MiB plus 64 bytes per
    /// point of a row and a column, many times the twiddle tables an estimate plan makes.
    private static func planningHeadroom(_ shape: ImageShape) -> Int {
        (1 << 20) + 64 * (shape.width + shape.height)
    }

    /// Must be called with `lock` held.
    private static func makePlan(_ shape: ImageShape, _ input: UnsafeMutablePointer<Float>,
                                 _ output: UnsafeMutablePointer<fftwf_complex>) throws(SpecdetError) -> FFTPlan {
        // FFTW takes sizes and strides as C ints.
        guard let height = Int32(exactly: shape.height), let width = Int32(exactly: shape.width),
              let halfWidth = Int32(exactly: shape.halfWidth) else {
            throw SpecdetError(.memoryLimitExceeded, "a \(shape) transform is larger than FFTW can plan")
        }
        // FFTW aborts the process when its own malloc fails (fftwf_malloc_plain), so the
        // planner runs only when far more than its tables (a few complex values per point of
        // a row and a column) could be allocated: under an address-space limit the image is
        // then an error row. A best effort: other threads allocate meanwhile, and under a
        // cgroup memory limit malloc does not fail (the OOM killer acts instead).
        guard let headroom = malloc(planningHeadroom(shape)) else {
            throw SpecdetError(.memoryLimitExceeded, "no memory left to plan a \(shape) transform")
        }
        free(headroom)
        var rowLength = width, columnLength = height
        let rows = fftwf_plan_many_dft_r2c(
            1, &rowLength, height, input, nil, 1, width, output, nil, 1, halfWidth, FFTW_ESTIMATE)
        let columns = fftwf_plan_many_dft(
            1, &columnLength, halfWidth, output, nil, halfWidth, 1, output, nil, halfWidth, 1,
            FFTW_FORWARD, FFTW_ESTIMATE)
        guard let rows, let columns else {
            if let rows { fftwf_destroy_plan(rows) }
            if let columns { fftwf_destroy_plan(columns) }
            throw SpecdetError(.memoryLimitExceeded, "FFTW could not plan a \(shape) transform")
        }
        return FFTPlan(rows: rows, columns: columns, shape: shape)
    }
}
