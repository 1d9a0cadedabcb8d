import Foundation

/// Runs per-image work on several threads, each with its own `ProfileExtractor`, and hands
/// the results back in input order on the calling thread as soon as their turn comes.
///
/// At most `window` inputs are in flight (taken but not yet emitted), so memory does not
/// grow with the number of inputs.
public final class ParallelProfiler: @unchecked Sendable {
    public let configuration: ProfileConfiguration
    public let jobs: Int
    /// Inputs in flight at most: by default twice the number of workers.
    public let window: Int
    private let memoryLimit: Int

    public init(configuration: ProfileConfiguration, jobs: Int, memoryLimit: Int = ProfileExtractor.defaultMemoryLimit,
                window: Int? = nil) {
        precondition(jobs >= 1, "at least one worker")
        self.configuration = configuration
        self.jobs = jobs
        self.window = max(window ?? 2 * jobs, jobs)
        self.memoryLimit = memoryLimit
    }

    /// Applies `transform` to inputs `0..<count` and calls `emit` with each result in order.
    ///
    /// `transform` runs on worker threads; `emit` runs on the calling thread. If `emit`
    /// throws, the workers take no new input and the error is rethrown once they have stopped.
    public func map<Output>(
        count: Int,
        transform: @escaping @Sendable (ProfileExtractor, Int) -> Output,
        emit: (Int, Output) throws -> Void
    ) rethrows {
        let state = MapState<Output>()
        let workers = min(jobs, max(count, 1))
        for _ in 0..<workers {
            let thread = Thread { [configuration, memoryLimit, window] in
                let extractor = ProfileExtractor(configuration: configuration, memoryLimit: memoryLimit)
                while let index = state.take(count: count, window: window) {
                    state.put(index, transform(extractor, index))
                }
                state.workerFinished()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        var emitted = 0
        while emitted < count, let output = state.next(emitted, workers: workers) {
            do {
                try emit(emitted, output)
            } catch {
                state.stop()
                state.waitForWorkers(workers)
                throw error
            }
            emitted += 1
        }
        state.waitForWorkers(workers)
    }
}

/// Shared state of one `map` call, guarded by one condition variable.
private final class MapState<Output>: @unchecked Sendable {
    private let condition = NSCondition()
    private var nextInput = 0
    private var nextOutput = 0
    private var results: [Int: Output] = [:]
    private var finishedWorkers = 0
    private var stopped = false

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next input index for a worker, waiting while the window is full; nil when done.
    func take(count: Int, window: Int) -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while nextInput < count, nextInput - nextOutput >= window, !stopped {
            condition.wait()
        }
        guard nextInput < count, !stopped else { return nil }
        nextInput += 1
        return nextInput - 1
    }

    func put(_ index: Int, _ output: Output) {
        condition.lock()
        results[index] = output
        condition.broadcast()
        condition.unlock()
    }

    func workerFinished() {
        condition.lock()
        finishedWorkers += 1
        condition.broadcast()
        condition.unlock()
    }

    /// The result for `index` once computed; nil if every worker stopped without it.
    func next(_ index: Int, workers: Int) -> Output? {
        condition.lock()
        defer { condition.unlock() }
        while results[index] == nil {
            if finishedWorkers == workers { return nil }
            condition.wait()
        }
        nextOutput = index + 1
        condition.broadcast()
        return results.removeValue(forKey: index)
    }

    func waitForWorkers(_ workers: Int) {
        condition.lock()
        while finishedWorkers < workers { condition.wait() }
        condition.unlock()
    }
}
