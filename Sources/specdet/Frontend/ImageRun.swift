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

    /// Decodes each input and applies `work` to the image on a worker thread, then calls `emit`
    /// with each input's index and outcome, in input order; failures are also reported on
    /// stderr. Returns early only if `emit` throws.
    func run<Output: Sendable>(
        _ inputs: [InputPath],
        work: @escaping @Sendable (GrayImage, InputPath, ProfileExtractor) throws(SpecdetError) -> Output,
        emit: (Int, Result<Output, SpecdetError>) throws -> Void
    ) throws {
        let limits = options.limits
        let configuration = configuration, memoryLimit = options.maxFFTMemory, outputGuard = outputGuard
        let progress = Progress(total: inputs.count, enabled: !options.quiet)
        var indices = inputs.indices.makeIterator()
        try OrderedParallelMap.run(
            &indices, jobs: options.workerCount,
            makeState: { ProfileExtractor(configuration: configuration, memoryLimit: memoryLimit) },
            transform: { extractor, index in
                Result { () throws(SpecdetError) in
                    try outputGuard.check(inputs[index])
                    let image = try ImageDecoder.decodeDetailed(pathBytes: inputs[index].bytes, limits: limits).image
                    return try work(image, inputs[index], extractor)
                }
            },
            emit: { index, outcome in
                switch outcome {
                case .success: diagnostics.recordSuccess()
                case .failure(let failure) where !failure.code.isInputFailure:
                    throw failure
                case .failure(let failure):
                    progress.clearLine()
                    diagnostics.recordFailure(inputs[index], failure)
                }
                progress.update(done: index + 1, failed: diagnostics.failed)
                try emit(index, outcome)
            })
        progress.finish()
    }

    /// `run` with the plain profile of each image.
    func run(_ inputs: [InputPath], emit: (Int, Result<ImageProfile, SpecdetError>) throws -> Void) throws {
        try run(inputs, work: { image, _, extractor throws(SpecdetError) in try Self.profile(image, extractor) }, emit: emit)
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
