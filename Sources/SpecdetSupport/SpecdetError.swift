/// The one error shape of every layer: a stable code, a one-line human message and, for an
/// image, the size it had or declared when that size is the point.
///
/// Convention: the message names no file (the caller that knows the path adds it), has no
/// trailing period and fits one line. The command line maps a code to an exit status in one
/// place (`ErrorCode.isInputFailure`).
public struct SpecdetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong; the raw value is written in outputs and never renamed.
    public let code: ErrorCode
    /// One line for a human.
    public let message: String
    /// The image's width: decoded (a profile error), or declared in a header that was
    /// refused for its size; nil otherwise.
    public let width: Int?
    /// The image's height, under the same condition as `width`.
    public let height: Int?

    /// An error with the given code and message, and the image size when it is known.
    public init(_ code: ErrorCode, _ message: String, width: Int? = nil, height: Int? = nil) {
        self.code = code
        self.message = message
        self.width = width
        self.height = height
    }

    /// The same error with `context` before its message (e.g. which file or step).
    public func prefixed(_ context: String) -> SpecdetError {
        SpecdetError(code, context + message, width: width, height: height)
    }

    /// The same error with the size of the image it concerns.
    public func sized(width: Int, height: Int) -> SpecdetError {
        SpecdetError(code, message, width: width, height: height)
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// Every error code specdet writes or reports. Input codes are the `status` of a failed row;
/// the others end a run with exit status 2.
public enum ErrorCode: String, Sendable, CaseIterable, Codable {
    // An input that could not be read or decoded.
    /// No file at the path (a typo, a file removed while the run went on).
    case notFound = "not_found"
    case notRegularFile = "not_regular_file"
    case permissionDenied = "permission_denied"
    case symlinkLoop = "symlink_loop"
    case danglingSymlink = "dangling_symlink"
    case emptyFile = "empty_file"
    case fileTooLarge = "file_too_large"
    case unknownFormat = "unknown_format"
    case unsupportedFormat = "unsupported_format"
    case truncated = "truncated"
    case checksumMismatch = "checksum_mismatch"
    case corruptData = "corrupt_data"
    case invalidHeader = "invalid_header"
    case pixelLimitExceeded = "pixel_limit_exceeded"
    case scanLimitExceeded = "scan_limit_exceeded"
    case timeLimitExceeded = "time_limit_exceeded"
    case decoderError = "decoder_error"
    case ioError = "io_error"
    // An input that decoded but gives no result.
    /// Too few spectral rings for a profile (an image under 9x9 pixels), or smaller than a
    /// requested crop.
    case tooSmall = "too_small"
    /// The memory the image would need exceeds a limit, or an allocation failed.
    case memoryLimitExceeded = "memory_limit_exceeded"
    /// The spectrum cannot be normalised (a constant image, a non-finite value).
    case degenerateSpectrum = "degenerate_spectrum"
    /// Another size than the run's images (a fingerprint averages one size).
    case sizeMismatch = "size_mismatch"

    // A model file or training.
    /// A model file could not be read.
    case unreadableFile = "unreadable_file"
    /// The bytes are not valid JSON (truncated, garbled, not UTF-8).
    case malformedJSON = "malformed_json"
    /// Valid JSON, but not a specdet model (`format` missing or not `specdet-model`).
    case wrongFormat = "wrong_format"
    /// A model written by a newer specdet, or naming a schema below 1.
    case unsupportedSchemaVersion = "unsupported_schema_version"
    /// A feature set this build does not compute.
    case unknownFeatureSet = "unknown_feature_set"
    /// A classifier this build does not know.
    case unknownClassifier = "unknown_classifier"
    /// Vector lengths disagree (weights, support vectors, scaler or input vs the features).
    case dimensionMismatch = "dimension_mismatch"
    /// A NaN or infinite number where a finite one is required.
    case nonFiniteValue = "non_finite_value"
    /// Any other inconsistency in a model: missing key, wrong type, impossible value.
    case invalidModel = "invalid_model"
    /// Training or metric input that cannot be used (labels not 0/1, one class only...).
    case invalidInput = "invalid_input"
    /// Training options that cannot be used together or are out of range.
    case invalidOptions = "invalid_options"
    /// liblinear or libsvm refused the problem or returned no model.
    case solverFailed = "solver_failed"

    // The run itself.
    /// The command line, or a file it names for configuration, cannot be used.
    case usage = "usage"
    /// An output cannot be written.
    case outputFailed = "output_failed"

    /// Whether the code is the status of one failed input (the run goes on, exit status 1)
    /// rather than an error that ends the run (exit status 2).
    public var isInputFailure: Bool {
        switch self {
        case .notFound, .notRegularFile, .permissionDenied, .symlinkLoop, .danglingSymlink, .emptyFile, .fileTooLarge,
             .unknownFormat, .unsupportedFormat, .truncated, .checksumMismatch, .corruptData, .invalidHeader,
             .pixelLimitExceeded, .scanLimitExceeded, .timeLimitExceeded, .decoderError, .ioError,
             .tooSmall, .memoryLimitExceeded, .degenerateSpectrum, .sizeMismatch:
            true
        default:
            false
        }
    }
}
