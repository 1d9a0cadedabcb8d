import SpecdetImage
import SpecdetProfile
import SpecdetSupport

/// The spectral profile of one decoded input.
struct ImageProfile: Sendable {
    let width: Int
    let height: Int
    let features: [Float]
}

/// Decodes and profiles a list of inputs on all workers, handing each outcome back in input
/// order and recording it in the diagnostics.
struct ImageRun {
    let configuration: ProfileConfiguration
    let options: RunOptions
    let diagnostics: Diagnostics
    /// The command's existing outputs: an input that is one of them ends the run.
    let outputGuard: OutputGuard

    init(configuration: ProfileConfiguration, options: RunOptions, protecting outputs: [FileIdentity] = []) {
        self.configuration = configuration
        self.options = options
        self.diagnostics = Diagnostics(quiet: options.quiet)
        self.outputGuard = OutputGuard(outputs)
    }

    /// Decodes each input of `inputs` and applies `work` to the image on a worker thread, then
    /// calls `emit` with each input and its outcome, in input order; failures are also reported
    /// on stderr. Inputs are pulled from the iterator as workers free up. Returns early only if
    /// `emit` throws (or an input is one of the outputs).
    func run<Inputs: IteratorProtocol, Output: Sendable>(
        _ inputs: inout Inputs, total: () -> Int? = { nil },
        work: @escaping @Sendable (GrayImage, InputPath, ProfileExtractor) throws(SpecdetError) -> Output,
        emit: (InputPath, Result<Output, SpecdetError>) throws -> Void
    ) throws where Inputs.Element == InputPath {
        let limits = options.limits
        let configuration = configuration, memoryLimit = options.maxFFTMemory, outputGuard = outputGuard
        let progress = Progress(enabled: !options.quiet)
        var done = 0
        try OrderedParallelMap.run(
            &inputs, jobs: options.workerCount,
            makeState: { ProfileExtractor(configuration: configuration, memoryLimit: memoryLimit) },
            transform: { extractor, path in
                Result { () throws(SpecdetError) in
                    try outputGuard.check(path)
                    let image = try ImageDecoder.decodeDetailed(pathBytes: path.bytes, limits: limits).image
                    return try work(image, path, extractor)
                }
            },
            emit: { path, outcome in
                switch outcome {
                case .success: diagnostics.recordSuccess()
                case .failure(let failure) where !failure.code.isInputFailure:
                    throw failure
                case .failure(let failure):
                    progress.clearLine()
                    diagnostics.recordFailure(path, failure)
                }
                done += 1
                progress.update(done: done, total: total(), failed: diagnostics.failed)
                try emit(path, outcome)
            })
        progress.finish()
    }

    /// `run` over a list held in memory.
    func run<Output: Sendable>(
        _ inputs: [InputPath],
        work: @escaping @Sendable (GrayImage, InputPath, ProfileExtractor) throws(SpecdetError) -> Output,
        emit: (InputPath, Result<Output, SpecdetError>) throws -> Void
    ) throws {
        var iterator = inputs.makeIterator()
        try run(&iterator, total: { inputs.count }, work: work, emit: emit)
    }

    /// `run` over a stream of inputs: the total is known once the stream has ended.
    func run<Output: Sendable>(
        _ stream: InputStream,
        work: @escaping @Sendable (GrayImage, InputPath, ProfileExtractor) throws(SpecdetError) -> Output,
        emit: (InputPath, Result<Output, SpecdetError>) throws -> Void
    ) throws {
        var iterator = stream
        try run(&iterator, total: { stream.total }, work: work, emit: emit)
    }

    /// The plain profile of each image.
    static let profileWork: @Sendable (GrayImage, InputPath, ProfileExtractor) throws(SpecdetError) -> ImageProfile = {
        image, _, extractor throws(SpecdetError) in try profile(image, extractor)
    }

    /// The profile of a decoded image; a profile error keeps the image's size.
    static func profile(_ image: GrayImage, _ extractor: ProfileExtractor) throws(SpecdetError) -> ImageProfile {
        do {
            return ImageProfile(width: image.width, height: image.height, features: try extractor.profile(of: image))
        } catch {
            throw error.sized(width: image.width, height: image.height)
        }
    }
}
