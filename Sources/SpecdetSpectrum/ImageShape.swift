import SpecdetSupport

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

    /// Number of samples, `width * height`. Only for shapes whose samples exist in memory
    /// (a decoded image); for a size read from user input use `checkedCount`.
    package var count: Int { width * height }

    /// `width * height`, or nil when a side is not positive or the product overflows `Int`.
    package var checkedCount: Int? { positive ? Checked.product(width, height) : nil }

    /// Coefficients of the half plane, `height * halfWidth`, or nil under the same conditions
    /// as `checkedCount`.
    package var checkedHalfCount: Int? { positive ? Checked.product(height, halfWidth) : nil }

    package var description: String { "\(width)x\(height)" }

    private var positive: Bool { width > 0 && height > 0 }
}
