import Foundation
import SpecdetSpectrum

/// For one image size, which ring every half-plane coefficient and its conjugate mirror fall in.
///
/// Rings follow the published method: after `fftshift` (frequency `k` moves to index
/// `(k + n/2) mod n`, integer division), a sample at `(x, y)` lies in ring
/// `floor(hypot(x − (W−1)/2, y − (H−1)/2))`. The centre is half a pixel off DC for even
/// sizes, so a coefficient and its mirror can fall in different rings: each half-plane
/// coefficient carries both ring indices. Columns `kx = 0` and `kx = W/2` (even W) are their
/// own mirror column and are counted once.
struct RingTable: Sendable {
    let shape: ImageShape
    /// Largest ring index present (the corner ring).
    let outerRing: Int
    /// Ring of each half-plane coefficient, row-major `height x halfWidth`.
    let ownRing: [UInt16]
    /// Ring of the mirror coefficient; `outerRing + 1` (a discarded slot) where there is none.
    let mirrorRing: [UInt16]
    /// Number of samples of the full spectrum in each ring `0…outerRing`.
    let sampleCounts: [Int]

    /// Rings kept in a profile: `1…outerRing − 1` (DC and the corner ring dropped).
    var keptRings: Int { max(outerRing - 1, 0) }

    /// Largest side a table can index with 16-bit ring numbers (the ring of the far corner of
    /// a 65,535 x 65,535 image is 46,339).
    static let maximumSide = 65_535

    init(shape: ImageShape) {
        precondition(shape.width <= Self.maximumSide && shape.height <= Self.maximumSide)
        self.shape = shape
        let width = shape.width, height = shape.height, halfWidth = shape.halfWidth
        let centreX = Double(width - 1) / 2, centreY = Double(height - 1) / 2

        // Ring of each shifted column/row offset, computed from the unshifted frequency.
        func ring(_ kx: Int, _ ky: Int) -> Int {
            let x = Double((kx + width / 2) % width), y = Double((ky + height / 2) % height)
            return Int(hypot(x - centreX, y - centreY).rounded(.down))
        }
        let outerRing = Int(hypot(centreX, centreY).rounded(.down))
        let noMirror = UInt16(outerRing + 1)
        var own = [UInt16](repeating: 0, count: height * halfWidth)
        var mirror = [UInt16](repeating: noMirror, count: height * halfWidth)
        var counts = [Int](repeating: 0, count: outerRing + 2)
        for ky in 0..<height {
            let mirrorKy = (height - ky) % height
            for kx in 0..<halfWidth {
                let index = ky * halfWidth + kx
                let r = ring(kx, ky)
                own[index] = UInt16(r)
                counts[r] += 1
                if kx != 0 && 2 * kx != width {
                    let m = ring((width - kx) % width, mirrorKy)
                    mirror[index] = UInt16(m)
                    counts[m] += 1
                }
            }
        }
        counts.removeLast()
        self.outerRing = outerRing
        self.ownRing = own
        self.mirrorRing = mirror
        self.sampleCounts = counts
    }

    /// Approximate memory of the table in bytes.
    var byteCount: Int { 2 * ownRing.count * MemoryLayout<UInt16>.size }
}

/// Ring tables by image size, shared by all workers, bounded in memory (least recently used
/// tables are dropped first).
final class RingTableCache: @unchecked Sendable {
    static let shared = RingTableCache(byteBudget: 256 << 20)

    private let lock = NSLock()
    private let byteBudget: Int
    private var tables: [ImageShape: (table: RingTable, lastUse: UInt64)] = [:]
    private var bytes = 0
    private var clock: UInt64 = 0

    init(byteBudget: Int) {
        self.byteBudget = byteBudget
    }

    func table(for shape: ImageShape) -> RingTable {
        if let table = lookUp(shape) { return table }
        // Built outside the lock: two workers may build the same table once, which is harmless.
        let table = RingTable(shape: shape)
        lock.withLock {
            clock &+= 1
            if tables[shape] == nil { bytes += table.byteCount }
            tables[shape] = (table, clock)
            while bytes > byteBudget, tables.count > 1,
                  let oldest = tables.filter({ $0.key != shape }).min(by: { $0.value.lastUse < $1.value.lastUse }) {
                bytes -= oldest.value.table.byteCount
                tables.removeValue(forKey: oldest.key)
            }
        }
        return table
    }

    private func lookUp(_ shape: ImageShape) -> RingTable? {
        lock.withLock {
            guard let entry = tables[shape] else { return nil }
            clock &+= 1
            tables[shape] = (entry.table, clock)
            return entry.table
        }
    }
}
