import SpecdetSpectrum

/// The ring and the sector of every offset from the centre of a shifted spectrum, for one
/// parity of width and height, over a rectangle of offsets large enough for many image sizes.
///
/// The ring of a sample follows the published method: after `fftshift` (frequency `k` moves
/// to index `(k + n/2) mod n`, integer division), a sample at `(x, y)` lies in ring
/// `floor(hypot(x − (W−1)/2, y − (H−1)/2))`. Its sector (for the `sectors` feature set) is
/// *diagonal* when its direction from the centre is more than 22.5° from both axes,
/// *axis-aligned* otherwise. Both depend only on the offsets `|x − (W−1)/2|` and
/// `|y − (H−1)/2|`, multiples of ½; in doubled units they are integers
/// `X = 2j + (W + 1) mod 2` and `Y = 2i + (H + 1) mod 2` (odd for even sides, even for odd
/// ones), `j = 0…(W−1)/2`, `i = 0…(H−1)/2`. So one grid of *cells* `(j, i)` serves every size
/// whose sides have its parities and whose quadrant, `(W+1)/2` by `(H+1)/2` cells, it covers.
///
/// Each cell holds the slot `2·ring + (diagonal ? 1 : 0)`, computed exactly in integers:
/// - `ring = floor(√(X² + Y²) / 2) = isqrt(X² + Y²) >> 1`. This is the floating-point
///   `floor(hypot(x, y))` of the reference too: `X² + Y²` is an integer `n`, and `√n / 2` is
///   either an integer `k` (when `n = 4k²`, which `hypot` and `sqrt` return exactly) or at least
///   `1 / (8k)` from the next one, far more than their rounding error.
/// - diagonal when `min(X, Y) > tan 22.5° · max(X, Y)`, i.e. with `a = min`, `b = max`,
///   `a + b > √2·b`, i.e. `(a + b)² > 2b²` (all terms non-negative). Equality holds only at
///   DC, so the floating-point test used before (`min > (√2 − 1)·max` in `Double`, whose error
///   is about 1e-16·max while `|a + b − √2·b| ≥ 1 / (3.5·b)`) agrees with it for every side
///   below 3·10⁷.
/// Offsets up to `SpectrumWorkspace.maximumSide` (2³⁰) keep every square below 2⁶².
final class QuadrantGrid: Sendable {
    /// `(W + 1) mod 2` and `(H + 1) mod 2` of the sizes served: 1 for even sides.
    let xParity: Int, yParity: Int
    /// Cells per row and rows.
    let width: Int, height: Int
    /// Slot of each cell, row-major: cell `(j, i)` at `i·width + j`.
    let slots: [UInt32]

    /// Bytes held.
    var byteCount: Int { slots.count * MemoryLayout<UInt32>.stride }

    /// The grid of `width x height` cells for parities `xParity`, `yParity` (0 or 1), as large
    /// as the quadrant of a `SpectrumWorkspace.maximumSide` side at most.
    init(xParity: Int, yParity: Int, width: Int, height: Int) {
        let cells = 1...(SpectrumWorkspace.maximumSide + 1) / 2
        precondition(cells ~= width && cells ~= height, "grids take \(cells) cells a side")
        self.xParity = xParity
        self.yParity = yParity
        self.width = width
        self.height = height
        slots = [UInt32](unsafeUninitializedCapacity: width * height) { cells, initialized in
            for i in 0..<height {
                let y = 2 &* i &+ yParity
                let row = cells.baseAddress! + i &* width
                let diagonal = Self.diagonalColumns(y: y, xParity: xParity, width: width)
                // Along a row X grows by 2 (one pixel), so the radius by at most one and the
                // ring by at most one per cell: no square root past the first cell.
                var ring = Self.integerSquareRoot(xParity &* xParity &+ y &* y) >> 1
                for j in 0..<width {
                    let x = 2 &* j &+ xParity
                    let next = 2 &* ring &+ 2
                    ring &+= x &* x &+ y &* y >= next &* next ? 1 : 0
                    row[j] = UInt32(truncatingIfNeeded: 2 &* ring &+ (diagonal.contains(j) ? 1 : 0))
                }
            }
            initialized = width * height
        }
    }

    /// `floor(√n)` for `0 ≤ n < 2⁶²`, exact: the `Double` square root of `n` is within one of
    /// it, and one step corrects that.
    static func integerSquareRoot(_ n: Int) -> Int {
        var root = Int(Double(n).squareRoot())
        if root &* root > n {
            root &-= 1
        } else if (root &+ 1) &* (root &+ 1) <= n {
            root &+= 1
        }
        return root
    }

    /// Whether doubled offsets `(x, y)` are diagonal: `(a + b)² > 2b²` for `a = min`, `b = max`.
    static func isDiagonal(_ x: Int, _ y: Int) -> Bool {
        let (a, b) = x < y ? (x, y) : (y, x)
        return (a &+ b) &* (a &+ b) > 2 &* b &* b
    }

    /// The columns `j < width` (doubled offset `X = 2j + xParity`) of row `y` whose cells are
    /// diagonal. They are one run, `(√2 − 1)·Y < X < (√2 + 1)·Y`: found from a floating-point
    /// estimate and settled by the exact `isDiagonal`.
    static func diagonalColumns(y: Int, xParity: Int, width: Int) -> Range<Int> {
        func diagonal(_ j: Int) -> Bool { isDiagonal(2 &* j &+ xParity, y) }
        func column(_ x: Double) -> Int { min(max(Int(((x - Double(xParity)) / 2).rounded(.down)), 0), width) }
        var first = column((2.0.squareRoot() - 1) * Double(y))
        while first < width && !diagonal(first) && 2 &* first &+ xParity <= y { first += 1 }
        while first > 0 && diagonal(first - 1) { first -= 1 }
        guard first < width, diagonal(first) else { return 0..<0 }
        var end = max(column((2.0.squareRoot() + 1) * Double(y)), first + 1)
        while end < width && diagonal(end) { end += 1 }
        while end > first + 1 && !diagonal(end - 1) { end -= 1 }
        return first..<end
    }
}
