import Foundation
import SpecdetSpectrum

/// For one image size, the rings and sectors of its shifted spectrum (see `QuadrantGrid` for
/// the convention), how many samples each ring holds, and how to add a half-plane row of
/// spectrum values to per-ring sums.
///
/// The centre is half a pixel off DC for even sizes, so a coefficient of the half plane and
/// its conjugate mirror can fall in different rings and sectors; each is added to its own.
struct RingTable: Sendable {
    let shape: ImageShape
    /// Largest ring index present (the corner ring).
    let outerRing: Int
    /// The rings and sectors, shared with other sizes of the same parities; it covers this
    /// size's quadrant.
    let grid: QuadrantGrid
    /// Number of samples of the full spectrum in each ring `0…outerRing`.
    let sampleCounts: [Int]
    /// Number of diagonal samples in each ring `0…outerRing` (the rest are axis-aligned).
    let diagonalSampleCounts: [Int]

    /// Rings kept in a profile: `1…outerRing − 1` (DC and the corner ring dropped).
    var keptRings: Int { max(outerRing - 1, 0) }

    /// Sums needed by `add(row:…)`: one per slot, `2·(outerRing + 1)`.
    var slotCount: Int { 2 * (outerRing + 1) }

    /// Bytes of the counts (the grid is counted where it is kept).
    var byteCount: Int { 2 * sampleCounts.count * MemoryLayout<Int>.stride }

    /// The cells of `shape`'s quadrant: `(W + 1) / 2` by `(H + 1) / 2`.
    static func quadrant(of shape: ImageShape) -> (width: Int, height: Int) {
        ((shape.width + 1) / 2, (shape.height + 1) / 2)
    }

    /// The table of `shape` (sides `1…SpectrumWorkspace.maximumSide`) on `grid`, which must
    /// have its parities and cover its quadrant; counts every sample of the full spectrum once.
    init(shape: ImageShape, grid: QuadrantGrid) {
        let quadrant = Self.quadrant(of: shape)
        precondition(grid.xParity == (shape.width + 1) % 2 && grid.yParity == (shape.height + 1) % 2
                     && grid.width >= quadrant.width && grid.height >= quadrant.height,
                     "the grid does not cover a \(shape) spectrum")
        self.shape = shape
        self.grid = grid
        // Rings grow along rows and columns: the far corner holds the largest.
        let outerRing = Int(grid.slots[(quadrant.height - 1) * grid.width + quadrant.width - 1] >> 1)
        self.outerRing = outerRing
        var slotCounts = [Int](repeating: 0, count: 2 * (outerRing + 1))
        slotCounts.withUnsafeMutableBufferPointer { counts in
            grid.slots.withUnsafeBufferPointer { slots in
                for i in 0..<quadrant.height {
                    let row = slots.baseAddress! + i &* grid.width
                    // A cell stands for 1, 2 or 4 samples: (±X, ±Y), X = 0 and Y = 0 once.
                    let rowWeight = 2 &* i &+ grid.yParity == 0 ? 1 : 2
                    var first = 0
                    if grid.xParity == 0 {
                        counts[Int(row[0])] &+= rowWeight
                        first = 1
                    }
                    for j in first..<quadrant.width {
                        counts[Int(row[j])] &+= 2 &* rowWeight
                    }
                }
            }
        }
        diagonalSampleCounts = (0...outerRing).map { slotCounts[2 * $0 + 1] }
        sampleCounts = (0...outerRing).map { slotCounts[2 * $0] + slotCounts[2 * $0 + 1] }
    }

    /// The grid row of unshifted frequency `k` on an axis of `n` samples: `|D| / 2` (integer
    /// division) for the doubled offset `D = 2·((k + n/2) mod n) − (n − 1)`.
    static func quadrantIndex(_ k: Int, of n: Int) -> Int {
        abs(2 * ((k + n / 2) % n) - (n - 1)) / 2
    }

    /// Adds row `ky` of a half-plane spectrum (`width/2 + 1` values in unshifted order, as
    /// `SpectrumWorkspace.forEachLogMagnitudeRow` gives them) to `sums`, indexed by slot
    /// (`2·ring + diagonal`; with `bySector` false every value goes to `2·ring`): each
    /// coefficient in column order, then its mirror `F(−ky, −kx)` when that lies outside the
    /// half plane (every column but `kx = 0` and, for even widths, `kx = W/2`).
    ///
    /// Rows added in order `0…H−1` give every slot its values in the same order as a pass over
    /// the half plane in memory order, so the double-precision sums do not depend on how the
    /// rings are stored.
    func add(row ky: Int, _ values: UnsafeBufferPointer<Float>, to sums: UnsafeMutableBufferPointer<Double>, bySector: Bool) {
        let width = shape.width, height = shape.height
        let ownRow = Self.quadrantIndex(ky, of: height) * grid.width
        let mirrorRow = Self.quadrantIndex((height - ky) % height, of: height) * grid.width
        // Own column kx is grid column kx (kx = W/2 of an even width: W/2 − 1); its mirror
        // column W − kx is grid column kx − 1 for even widths, kx for odd ones.
        let even = width % 2 == 0
        let mirrored = even ? width / 2 : shape.halfWidth
        let mirrorShift = even ? 1 : 0
        let mask: UInt32 = bySector ? ~0 : ~1
        grid.slots.withUnsafeBufferPointer { slots in
            let own = UnsafeBufferPointer(rebasing: slots[ownRow..<ownRow + grid.width])
            let mirror = UnsafeBufferPointer(rebasing: slots[mirrorRow..<mirrorRow + grid.width])
            sums[Int(own[0] & mask)] += Double(values[0])
            for kx in 1..<mirrored {
                let value = Double(values[kx])
                sums[Int(own[kx] & mask)] += value
                sums[Int(mirror[kx &- mirrorShift] & mask)] += value
            }
            if even {
                sums[Int(own[width / 2 - 1] & mask)] += Double(values[width / 2])
            }
        }
    }
}

/// Ring tables by image size, shared by all workers, bounded in memory (least recently used
/// tables are dropped first). Sizes of the same parities share one `QuadrantGrid`, grown to
/// cover the largest quadrant seen, so a new size costs only its counts; a size that would
/// grow the shared grid past `max(4 × its own quadrant, 4·2²⁰ cells)` (a 70000x1 image after a
/// 1024x1024 one) gets a grid of its own instead. A shared grid thus holds at most 16 MiB or
/// 4 bytes per pixel of the largest image.
final class RingTableCache: @unchecked Sendable {
    static let shared = RingTableCache(byteBudget: 256 << 20)

    private let lock = NSLock()
    private let byteBudget: Int
    /// Tables, with the bytes each one holds (its counts, and its grid when not shared).
    private var tables: [ImageShape: (table: RingTable, bytes: Int, lastUse: UInt64)] = [:]
    /// The shared grid of each parity class, index `2·xParity + yParity`.
    private var grids: [QuadrantGrid?] = [nil, nil, nil, nil]
    private var bytes = 0
    private var clock: UInt64 = 0

    init(byteBudget: Int) {
        self.byteBudget = byteBudget
    }

    func table(for shape: ImageShape) -> RingTable {
        if let table = lookUp(shape) { return table }
        // Built outside the lock: two workers may build the same table (or grid) once, which
        // is harmless.
        let xParity = (shape.width + 1) % 2, yParity = (shape.height + 1) % 2
        let quadrant = RingTable.quadrant(of: shape)
        let shared = lock.withLock { grids[2 * xParity + yParity] }
        var grid: QuadrantGrid, ownsGrid = false
        if let shared, shared.width >= quadrant.width, shared.height >= quadrant.height {
            grid = shared
        } else {
            // Grown in steps of 256 cells (512 pixels) a side, so that sizes growing one by one
            // rebuild it rarely.
            func grown(_ cells: Int, _ current: Int?) -> Int { max((cells + 255) / 256 * 256, current ?? 0) }
            let width = min(grown(quadrant.width, shared?.width), (SpectrumWorkspace.maximumSide + 1) / 2)
            let height = min(grown(quadrant.height, shared?.height), (SpectrumWorkspace.maximumSide + 1) / 2)
            if width * height <= max(4 * quadrant.width * quadrant.height, 1 << 22) {
                grid = QuadrantGrid(xParity: xParity, yParity: yParity, width: width, height: height)
            } else {
                grid = QuadrantGrid(xParity: xParity, yParity: yParity, width: quadrant.width, height: quadrant.height)
                ownsGrid = true
            }
        }
        let table = RingTable(shape: shape, grid: grid)
        let tableBytes = table.byteCount + (ownsGrid ? grid.byteCount : 0)
        lock.withLock {
            if !ownsGrid, let current = grids[2 * xParity + yParity], current !== grid,
               current.width * current.height < grid.width * grid.height {
                grids[2 * xParity + yParity] = grid
            } else if !ownsGrid, grids[2 * xParity + yParity] == nil {
                grids[2 * xParity + yParity] = grid
            }
            clock &+= 1
            if let old = tables[shape] { bytes -= old.bytes }
            bytes += tableBytes
            tables[shape] = (table, tableBytes, clock)
            while bytes > byteBudget, tables.count > 1,
                  let oldest = tables.filter({ $0.key != shape }).min(by: { $0.value.lastUse < $1.value.lastUse }) {
                bytes -= oldest.value.bytes
                tables.removeValue(forKey: oldest.key)
            }
        }
        return table
    }

    private func lookUp(_ shape: ImageShape) -> RingTable? {
        lock.withLock {
            guard let entry = tables[shape] else { return nil }
            clock &+= 1
            tables[shape] = (entry.table, entry.bytes, clock)
            return entry.table
        }
    }
}
