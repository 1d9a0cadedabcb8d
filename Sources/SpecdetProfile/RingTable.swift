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
///
/// For the `sectors` feature set each sample is also either *axis-aligned* (its direction
/// from the centre within 22.5° of the fx or fy axis) or *diagonal*; a coefficient and its
/// mirror may differ there too, so each carries its own sector bit.
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
    /// Sector of each half-plane coefficient: `ownDiagonal` set if it is diagonal,
    /// `mirrorDiagonal` set if its mirror is.
    let diagonalBits: [UInt8]
    /// Number of diagonal samples in each ring `0…outerRing` (the rest are axis-aligned).
    let diagonalSampleCounts: [Int]

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

        // Ring and sector of each shifted column/row offset, from the unshifted frequency.
        func place(_ kx: Int, _ ky: Int) -> (ring: Int, diagonal: Bool) {
            let dx = abs(Double((kx + width / 2) % width) - centreX)
            let dy = abs(Double((ky + height / 2) % height) - centreY)
            // Diagonal: the smaller offset over tan(22.5°) = √2 − 1 times the larger. Offsets
            // are multiples of ½, so no sample but DC (axis-aligned) lies on the edge.
            let diagonal = min(dx, dy) > (2.0.squareRoot() - 1) * max(dx, dy)
            return (Int(hypot(dx, dy).rounded(.down)), diagonal)
        }
        let outerRing = Int(hypot(centreX, centreY).rounded(.down))
        let noMirror = UInt16(outerRing + 1)
        var own = [UInt16](repeating: 0, count: height * halfWidth)
        var mirror = [UInt16](repeating: noMirror, count: height * halfWidth)
        var bits = [UInt8](repeating: 0, count: height * halfWidth)
        var counts = [Int](repeating: 0, count: outerRing + 2)
        var diagonalCounts = [Int](repeating: 0, count: outerRing + 2)
        for ky in 0..<height {
            let mirrorKy = (height - ky) % height
            for kx in 0..<halfWidth {
                let index = ky * halfWidth + kx
                let sample = place(kx, ky)
                own[index] = UInt16(sample.ring)
                counts[sample.ring] += 1
                if sample.diagonal {
                    bits[index] |= Self.ownDiagonal
                    diagonalCounts[sample.ring] += 1
                }
                if kx != 0 && 2 * kx != width {
                    let image = place((width - kx) % width, mirrorKy)
                    mirror[index] = UInt16(image.ring)
                    counts[image.ring] += 1
                    if image.diagonal {
                        bits[index] |= Self.mirrorDiagonal
                        diagonalCounts[image.ring] += 1
                    }
                }
            }
        }
        counts.removeLast()
        diagonalCounts.removeLast()
        self.outerRing = outerRing
        self.ownRing = own
        self.mirrorRing = mirror
        self.sampleCounts = counts
        self.diagonalBits = bits
        self.diagonalSampleCounts = diagonalCounts
    }

    /// `diagonalBits` flags: the coefficient itself, its mirror.
    static let ownDiagonal: UInt8 = 1, mirrorDiagonal: UInt8 = 2

    /// Approximate memory of the table in bytes.
    var byteCount: Int { ownRing.count * (2 * MemoryLayout<UInt16>.size + MemoryLayout<UInt8>.size) }
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
