import SpecdetDecode
import SpecdetProfile

/// The spectral profile of one decoded input.
struct ImageProfile: Sendable {
    let width: Int
    let height: Int
    let features: [Float]
}

/// Why one input has no profile: a stable code, a message, and the size when it decoded.
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

    /// Decodes `path` and computes its profile with `extractor`.
    static func profile(_ path: InputPath, limits: DecodeLimits, extractor: ProfileExtractor) -> Result<ImageProfile, InputFailure> {
        let image: GrayImage
        do {
            image = try ImageDecoder.decodeDetailed(pathBytes: path.bytes, limits: limits).image
        } catch {
            return .failure(InputFailure(code: error.code.rawValue, message: error.message))
        }
        do {
            let features = try extractor.profile(of: image)
            return .success(ImageProfile(width: image.width, height: image.height, features: features))
        } catch {
            return .failure(InputFailure(code: error.code.rawValue, message: error.message,
                                         width: image.width, height: image.height))
        }
    }

    /// Profiles `inputs` and calls `emit` with each one's index and outcome, in input order;
    /// failures are also reported on stderr. Returns early only if `emit` throws.
    func run(_ inputs: [InputPath], emit: (Int, Result<ImageProfile, InputFailure>) throws -> Void) throws {
        let profiler = ParallelProfiler(configuration: configuration, jobs: options.workerCount)
        let limits = options.limits
        let progress = Progress(total: inputs.count, enabled: !options.quiet)
        try profiler.map(count: inputs.count) { extractor, index in
            Self.profile(inputs[index], limits: limits, extractor: extractor)
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
}
