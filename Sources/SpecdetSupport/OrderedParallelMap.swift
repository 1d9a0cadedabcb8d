import Foundation

/// Applies a transform to a stream of inputs on worker threads and hands the results back in
/// input order, on the calling thread, as soon as each one's turn comes.
///
/// Inputs are pulled from the iterator by the calling thread only while fewer than `window`
/// are in flight (taken but not yet emitted), so memory stays flat however long the stream,
/// and the first result can be emitted before the stream ends. Each worker thread owns one
/// `State` (for example its FFT buffers), made on that thread by `makeState`.
///
/// Threads are started with `pthread_create`, whose failure is checked: a process that may
/// not start as many threads as asked (a pids cgroup, `RLIMIT_NPROC`, no address space for a
/// stack) runs on the workers that did start, and with none on the calling thread itself.
/// Workers wait until all have been started; when a start failed, half of them leave before
/// doing anything and are joined, so that their stacks are unmapped before the others
/// allocate (the limit that stopped the threads, such as an address-space limit, usually also
/// bounds the memory the images need).
package enum OrderedParallelMap {
    /// Stack of every worker thread: deep enough for the decoders, small enough for thousands.
    static let stackBytes = 8 << 20

    /// Runs `transform` over `inputs` on up to `jobs` threads and calls `emit` with each input
    /// and its output in input order; returns the number of worker threads that worked (0 when
    /// none could be started and the calling thread did the work).
    ///
    /// If `emit` throws, no new input is taken, the workers finish what they hold, and the
    /// error is rethrown once they have stopped.
    @discardableResult
    package static func run<Inputs: IteratorProtocol, State, Output>(
        _ inputs: inout Inputs,
        jobs: Int,
        window: Int? = nil,
        makeState: @escaping @Sendable () -> State,
        transform: @escaping @Sendable (State, Inputs.Element) -> Output,
        emit: (Inputs.Element, Output) throws -> Void
    ) throws -> Int where Inputs.Element: Sendable {
        precondition(jobs >= 1, "at least one worker")
        let window = max(window ?? 2 * jobs, jobs)
        let queue = WorkQueue<Inputs.Element, Output>()
        let (started, working) = startWorkers(jobs, queue: queue, makeState: makeState, transform: transform)
        guard working > 0 else {
            let state = makeState()
            while let input = inputs.next() { try emit(input, transform(state, input)) }
            return 0
        }
        do {
            var exhausted = false
            while true {
                while !exhausted, queue.inFlight < window {
                    guard let input = inputs.next() else {
                        exhausted = true
                        break
                    }
                    queue.push(input)
                }
                guard let (input, output) = queue.nextResult() else { break }
                try emit(input, output)
            }
        } catch {
            queue.finish()
            queue.waitForWorkers(started)
            throw error
        }
        queue.finish()
        queue.waitForWorkers(started)
        return working
    }

    /// Starts up to `count` workers; returns how many started and how many of them work (all,
    /// or half when a start failed; the others have left).
    private static func startWorkers<Input, State, Output>(
        _ count: Int, queue: WorkQueue<Input, Output>,
        makeState: @escaping @Sendable () -> State,
        transform: @escaping @Sendable (State, Input) -> Output
    ) -> (started: Int, working: Int) {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackBytes)
        var threads: [pthread_t] = []
        threads.reserveCapacity(count)
        for worker in 0..<count {
            let body = WorkerBody {
                guard queue.waitUntilOpen(worker: worker) else {
                    queue.workerFinished()
                    return
                }
                let state = makeState()
                while let (index, input) = queue.take() {
                    queue.put(index, input, transform(state, input))
                }
                queue.workerFinished()
            }
            let context = Unmanaged.passRetained(body).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, &attributes, { context in
                let body = Unmanaged<WorkerBody>.fromOpaque(context!).takeRetainedValue()
                body.run()
                return nil
            }, context)
            guard status == 0 else {
                Unmanaged<WorkerBody>.fromOpaque(context).release()
                break
            }
            threads.append(thread)
        }
        let started = threads.count
        let working = started == count ? started : (started + 1) / 2
        queue.open(workers: working)
        // Joined, a leaver's stack is unmapped (beyond glibc's small cache of stacks); a
        // detached thread's is freed only some time after it ends.
        for thread in threads[working...] { pthread_join(thread, nil) }
        for thread in threads[..<working] { pthread_detach(thread) }
        return (started, working)
    }
}

/// A worker's closure, boxed to cross `pthread_create`.
private final class WorkerBody: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// The pending inputs and finished results of one run, guarded by one condition variable.
private final class WorkQueue<Input, Output>: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [(Int, Input)] = []
    private var pendingStart = 0
    private var results: [Int: (Input, Output)] = [:]
    private var pushed = 0
    private var emitted = 0
    private var finished = false
    private var finishedWorkers = 0
    /// Workers numbered below this work, once it is set; the others leave.
    private var workingWorkers: Int?

    /// Inputs taken from the stream and not yet emitted.
    var inFlight: Int { condition.withLock { pushed - emitted } }

    func push(_ input: Input) {
        condition.withLock {
            pending.append((pushed, input))
            pushed += 1
            condition.broadcast()
        }
    }

    /// The result of the next input in order, waiting for it; nil when every pushed input has
    /// been emitted.
    func nextResult() -> (Input, Output)? {
        condition.lock()
        defer { condition.unlock() }
        guard emitted < pushed else { return nil }
        while results[emitted] == nil { condition.wait() }
        let result = results.removeValue(forKey: emitted)!
        emitted += 1
        return result
    }

    /// Lets workers `0..<workers` begin and the others leave.
    func open(workers: Int) {
        condition.withLock {
            workingWorkers = workers
            condition.broadcast()
        }
    }

    /// Waits until the workers are opened; whether worker `index` is to work.
    func waitUntilOpen(worker index: Int) -> Bool {
        condition.withLock {
            while workingWorkers == nil { condition.wait() }
            return index < workingWorkers!
        }
    }

    /// The next pending input for a worker, waiting for one; nil once the run is finished.
    func take() -> (Int, Input)? {
        condition.lock()
        defer { condition.unlock() }
        while pendingStart == pending.count, !finished { condition.wait() }
        guard !finished, pendingStart < pending.count else { return nil }
        let next = pending[pendingStart]
        pendingStart += 1
        if pendingStart == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
        }
        return next
    }

    func put(_ index: Int, _ input: Input, _ output: Output) {
        condition.withLock {
            results[index] = (input, output)
            condition.broadcast()
        }
    }

    /// No more inputs: idle workers return, and pending ones are dropped.
    func finish() {
        condition.withLock {
            finished = true
            condition.broadcast()
        }
    }

    func workerFinished() {
        condition.withLock {
            finishedWorkers += 1
            condition.broadcast()
        }
    }

    func waitForWorkers(_ count: Int) {
        condition.withLock {
            while finishedWorkers < count { condition.wait() }
        }
    }
}
