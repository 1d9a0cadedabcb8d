/// The size of a 2-D image or spectrum in samples.
package struct ImageShape: Hashable, Sendable, CustomStringConvertible {
    package let width: Int
    package let height: Int

    package init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Columns of the real-to-complex half plane: `width / 2 + 1` (FFTW's layout).
    package var halfWidth: Int { width / 2 + 1 }

    /// Number of samples, `width * height`.
    package var count: Int { width * height }

    package var description: String { "\(width)x\(height)" }
}
