/// Why an input produced no image. The raw values are the stable error codes written in
/// the `status` column of every output; never rename one.
public enum DecodeErrorCode: String, Sendable, CaseIterable {
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
    case tooSmall = "too_small"
    case timeLimitExceeded = "time_limit_exceeded"
    case decoderError = "decoder_error"
    case ioError = "io_error"
}

/// A failed decode: a stable code, a one-line human message (without the path; the
/// caller names the file) and, for an image refused for its size, that size.
public struct DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: DecodeErrorCode
    public let message: String
    /// The header's width of an image refused by `DecodeLimits` (`pixel_limit_exceeded`
    /// after the header was read); nil for every other failure.
    public let width: Int?
    /// The height in the header, under the same condition as `width`.
    public let height: Int?

    public init(_ code: DecodeErrorCode, _ message: String, width: Int? = nil, height: Int? = nil) {
        self.code = code
        self.message = message
        self.width = width
        self.height = height
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
