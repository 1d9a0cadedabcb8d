import SpecdetDecode
import SpecdetProfile

/// The spectral profile of one decoded input.
struct ImageProfile: Sendable {
    let width: Int
    let height: Int
    let features: [Float]
}

/// Why one input has no result: a stable code, a message, and the size when it decoded or
/// was refused for its size.
struct InputFailure: Error, Sendable {
    let code: String
    let message: String
    var width: Int?
    var height: Int?
}

/// Decodes and profiles a list of inputs on all workers, handing each outcome back in input
/// order and recording it in the diagnostics.
struct ImageRun {
    let configuration: ProfileConfiguration
    let options: RunOptions
    let diagnostics: Diagnostics

    init(configuration: ProfileConfiguration, options: RunOptions) {
        self.configuration = configuration
        self.options = options
        self.diagnostics = Diagnostics(quiet: options.quiet)
    }

    /// Decodes each input and applies `work` to the image on a worker thread, then calls `emit`
    /// with each input's index and outcome, in input order; failures are also reported on
    /// stderr. Returns early only if `emit` throws.
    func run<Output: Sendable>(
        _ inputs: [InputPath],
        work: @escaping @Sendable (GrayImage, InputPath, ProfileExtractor) throws(InputFailure) -> Output,
        emit: (Int, Result<Output, InputFailure>) throws -> Void
    ) throws {
        let profiler = ParallelProfiler(configuration: configuration, jobs: options.workerCount,
                                        memoryLimit: options.maxFFTMemory)
        let limits = options.limits
        let progress = Progress(total: inputs.count, enabled: !options.quiet)
        try profiler.map(count: inputs.count) { extractor, index -> Result<Output, InputFailure> in
            let path = inputs[index]
            do {
                let image = try ImageDecoder.decodeDetailed(pathBytes: path.bytes, limits: limits).image
                return .success(try work(image, path, extractor))
            } catch let error as DecodeError {
                return .failure(InputFailure(code: error.code.rawValue, message: error.message,
                                             width: error.width, height: error.height))
            } catch let error as InputFailure {
                return .failure(error)
            } catch {
                return .failure(InputFailure(code: "decoder_error", message: "\(error)"))
            }
        } emit: { index, outcome in
            switch outcome {
            case .success: diagnostics.recordSuccess()
            case .failure(let failure):
                progress.clearLine()
                diagnostics.recordFailure(inputs[index], code: failure.code, message: failure.message)
            }
            progress.update(done: index + 1, failed: diagnostics.failed)
            try emit(index, outcome)
        }
        progress.finish()
    }

    /// `run` with the plain profile of each image.
    func run(_ inputs: [InputPath], emit: (Int, Result<ImageProfile, InputFailure>) throws -> Void) throws {
        try run(inputs, work: { image, _, extractor throws(InputFailure) in try Self.profile(image, extractor) }, emit: emit)
    }

    /// The profile of a decoded image; a profile error keeps the image's size.
    static func profile(_ image: GrayImage, _ extractor: ProfileExtractor) throws(InputFailure) -> ImageProfile {
        do {
            return ImageProfile(width: image.width, height: image.height, features: try extractor.profile(of: image))
        } catch {
            throw InputFailure(code: error.code.rawValue, message: error.message, width: image.width, height: image.height)
        }
    }
}
