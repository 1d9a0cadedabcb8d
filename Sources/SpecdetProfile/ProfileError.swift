/// Why an image that decoded gave no profile. Raw values are stable error codes.
public enum ProfileErrorCode: String, Sendable {
    /// Fewer than four rings (about 6x6 pixels): the spline needs four points.
    case tooSmall = "too_small"
    /// The FFT buffers would exceed the configured memory limit.
    case memoryLimitExceeded = "memory_limit_exceeded"
    /// The first ring's mean is zero or a value is not finite, so the profile cannot be
    /// normalised.
    case degenerateSpectrum = "degenerate_spectrum"
}

/// A failed profile: a stable code and a one-line message (without the path).
public struct ProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: ProfileErrorCode
    public let message: String

    public init(_ code: ProfileErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
