/// The one error type of the classification layer: a machine-readable kind and a one-line
/// human message (no trailing period, no file name unless the message is about a file).
public struct ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, stable for scripts and tests; the CLI maps every kind to exit code 2.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// A model file could not be read from disk.
        case unreadableFile = "unreadable_file"
        /// The bytes are not valid JSON (truncated, garbled, not UTF-8).
        case malformedJSON = "malformed_json"
        /// Valid JSON, but not a specdet model (`format` is missing or not `specdet-model`).
        case wrongFormat = "wrong_format"
        /// The model was written by a newer specdet (or names a version below 1).
        case unsupportedSchemaVersion = "unsupported_schema_version"
        /// The model asks for a feature set this build does not compute.
        case unknownFeatureSet = "unknown_feature_set"
        /// The model names a classifier this build does not know.
        case unknownClassifier = "unknown_classifier"
        /// Vector lengths disagree (weights, support vectors, scaler or input vs `bins`).
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
    }

    /// What went wrong.
    public let kind: Kind
    /// One line for a human.
    public let message: String

    /// Makes an error of the given kind.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// `message`, as printed by the CLI after `error: `.
    public var description: String { message }
}
