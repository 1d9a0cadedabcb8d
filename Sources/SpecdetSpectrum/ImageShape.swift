/// The size of a 2-D image or spectrum in samples.
public struct ImageShape: Hashable, Sendable, CustomStringConvertible {
    public let width: Int
    public let height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Columns of the real-to-complex half plane: `width / 2 + 1` (FFTW's layout).
    public var halfWidth: Int { width / 2 + 1 }

    /// Number of samples, `width * height`.
    public var count: Int { width * height }

    public var description: String { "\(width)x\(height)" }
}
