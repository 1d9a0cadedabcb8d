import Foundation
import Testing
import SpecdetImage
import SpecdetSpectrum
@testable import SpecdetProfile
import SpecdetSupport

/// The ring table as first written, kept as the oracle of the exact one: for every
/// coefficient of the half plane and its mirror, `floor(hypot)` of the shifted offsets and the
/// sector test `min > (√2 − 1)·max` in `Double`.
private struct FormerRingTable {
    let width: Int, height: Int, outerRing: Int
    /// Per half-plane coefficient: own ring and sector, mirror ring and sector (ring −1: none).
    var own: [(ring: Int, diagonal: Bool)] = [], mirror: [(ring: Int, diagonal: Bool)] = []

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        let centreX = Double(width - 1) / 2, centreY = Double(height - 1) / 2
        func place(_ kx: Int, _ ky: Int) -> (ring: Int, diagonal: Bool) {
            let dx = abs(Double((kx + width / 2) % width) - centreX)
            let dy = abs(Double((ky + height / 2) % height) - centreY)
            return (Int(hypot(dx, dy).rounded(.down)), min(dx, dy) > (2.0.squareRoot() - 1) * max(dx, dy))
        }
        outerRing = Int(hypot(centreX, centreY).rounded(.down))
        for ky in 0..<height {
            for kx in 0..<(width / 2 + 1) {
                own.append(place(kx, ky))
                mirror.append(kx != 0 && 2 * kx != width ? place((width - kx) % width, (height - ky) % height) : (-1, false))
            }
        }
    }

    /// Sums by slot (`2·ring + diagonal`, or `2·ring` without sectors) in memory order of the
    /// half plane, each coefficient before its mirror: the former accumulation loop.
    func sums(_ values: [Float], bySector: Bool) -> [Double] {
        var sums = [Double](repeating: 0, count: 2 * (outerRing + 1))
        for i in values.indices {
            let value = Double(values[i])
            sums[2 * own[i].ring + (bySector && own[i].diagonal ? 1 : 0)] += value
            if mirror[i].ring >= 0 { sums[2 * mirror[i].ring + (bySector && mirror[i].diagonal ? 1 : 0)] += value }
        }
        return sums
    }
}

@Suite struct RingTableTests {
    private func table(_ width: Int, _ height: Int, cache: RingTableCache = RingTableCache(byteBudget: 1 << 30)) -> RingTable {
        cache.table(for: ImageShape(width: width, height: height))
    }

    @Test(arguments: [(1024, 1024, 722), (128, 128, 88), (64, 64, 43)])
    func keptRingCountsMatchThePublishedPipeline(width: Int, height: Int, rings: Int) {
        #expect(table(width, height).keptRings == rings)
    }

    /// Every sample of the full spectrum is counted once, and the counts equal a direct count
    /// over the shifted grid (the reference's `bincount` of integer radii).
    @Test(arguments: [(8, 8), (7, 5), (6, 9), (1, 12), (13, 1), (33, 20), (1, 1), (2, 2)])
    func ringCountsEqualDirectCountOverTheShiftedGrid(width: Int, height: Int) {
        let table = table(width, height)
        var direct = [Int](repeating: 0, count: table.outerRing + 1)
        for y in 0..<height {
            for x in 0..<width {
                let r = Int(hypot(Double(x) - Double(width - 1) / 2, Double(y) - Double(height - 1) / 2))
                direct[r] += 1
            }
        }
        #expect(table.sampleCounts == direct)
        #expect(table.sampleCounts.reduce(0, +) == width * height)
    }

    /// The diagonal samples per ring equal a direct count over the shifted grid by angle
    /// (folded to 0…45° from the nearest axis, diagonal from 22.5°), as the numpy prototype
    /// counts them.
    @Test(arguments: [(8, 8), (7, 5), (6, 9), (1, 12), (33, 20), (64, 64), (65, 31)])
    func diagonalCountsEqualADirectCountByAngle(width: Int, height: Int) {
        let table = table(width, height)
        var direct = [Int](repeating: 0, count: table.outerRing + 1)
        for y in 0..<height {
            for x in 0..<width {
                let dx = Double(x) - Double(width - 1) / 2, dy = Double(y) - Double(height - 1) / 2
                let degrees = atan2(abs(dy), abs(dx)) * 180 / Double.pi
                if min(degrees, 90 - degrees) >= 22.5 { direct[Int(hypot(dx, dy))] += 1 }
            }
        }
        #expect(table.diagonalSampleCounts == direct)
        #expect(direct.reduce(0, +) > 0 || width == 1)
    }

    /// Every cell of a grid holds `2·floor(hypot) + diagonal` of its offsets, as the former
    /// floating-point table computed them, on grids of each parity large enough for sides up
    /// to about 1,400.
    @Test(arguments: [(0, 0), (0, 1), (1, 0), (1, 1)])
    func gridCellsEqualTheFloatingPointRingsAndSectors(xParity: Int, yParity: Int) {
        let grid = QuadrantGrid(xParity: xParity, yParity: yParity, width: 700, height: 700)
        var mismatches = 0
        for i in 0..<grid.height {
            for j in 0..<grid.width {
                let dx = Double(2 * j + xParity) / 2, dy = Double(2 * i + yParity) / 2
                let ring = Int(hypot(dx, dy).rounded(.down))
                let diagonal = min(dx, dy) > (2.0.squareRoot() - 1) * max(dx, dy)
                if grid.slots[i * grid.width + j] != UInt32(2 * ring + (diagonal ? 1 : 0)) { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }

    /// Ring sums through the table are bit-identical to the former table's, with and without
    /// sectors, on sizes of every parity, one pixel thin, and long; the sizes share one cache,
    /// so most of them read a grid grown for an earlier, larger size.
    @Test func ringSumsAreBitIdenticalToTheFormerTable() {
        let cache = RingTableCache(byteBudget: 1 << 30)
        let shapes = [(1024, 768), (1, 1), (1, 2), (2, 1), (2, 2), (3, 2), (2, 3), (1, 12), (13, 1), (8, 8), (7, 5),
                      (6, 9), (9, 9), (64, 64), (65, 31), (128, 127), (100, 3), (3, 100), (999, 1000), (1000, 999),
                      (70_000, 1), (1, 70_000), (4_000, 2)]
        var generator = SplitMix64(seed: 17)
        for (width, height) in shapes {
            let former = FormerRingTable(width: width, height: height)
            let table = cache.table(for: ImageShape(width: width, height: height))
            #expect(table.outerRing == former.outerRing, "\(width)x\(height)")
            let halfWidth = width / 2 + 1
            let values = (0..<height * halfWidth).map { _ in Float(Int64(generator.next() >> 40) - (1 << 23)) / 65_536 }
            for bySector in [false, true] {
                var sums = [Double](repeating: 0, count: table.slotCount)
                sums.withUnsafeMutableBufferPointer { sums in
                    values.withUnsafeBufferPointer { values in
                        for ky in 0..<height {
                            table.add(row: ky, UnsafeBufferPointer(rebasing: values[ky * halfWidth..<(ky + 1) * halfWidth]),
                                      to: sums, bySector: bySector)
                        }
                    }
                }
                #expect(sums.map(\.bitPattern) == former.sums(values, bySector: bySector).map(\.bitPattern),
                        "\(width)x\(height), sectors: \(bySector)")
            }
        }
    }

    /// Sizes of one parity share a grid; one whose quadrant would stretch it far beyond its
    /// own size gets its own grid, and any size is supported up to the FFT's limit.
    @Test func sizesShareGridsWithinBounds() {
        let cache = RingTableCache(byteBudget: 1 << 30)
        let large = table(1024, 1024, cache: cache)
        #expect(table(1000, 998, cache: cache).grid === large.grid)
        #expect(table(999, 998, cache: cache).grid !== large.grid)
        let thin = table(70_000, 2, cache: cache)
        #expect(thin.grid !== large.grid && thin.grid.width == 35_000 && thin.grid.height == 1)
        #expect(thin.keptRings == 34_998 && thin.sampleCounts.reduce(0, +) == 140_000)
        #expect(table(1000, 1000, cache: cache).grid === large.grid)
    }

    @Test func integerSquareRootIsExactAroundEverySquare() {
        #expect(QuadrantGrid.integerSquareRoot(0) == 0)
        for root in [1, 2, 3, 1_000, 46_340, 1 << 20, (1 << 26) - 1, 1 << 26, (1 << 26) + 1, 3_037_000_499 / 2,
                     1 << 30, (1 << 31) - 1] {
            let square = root * root
            #expect(QuadrantGrid.integerSquareRoot(square) == root)
            #expect(QuadrantGrid.integerSquareRoot(square + 1) == root)
            #expect(QuadrantGrid.integerSquareRoot(square + 2 * root) == root)
            #expect(QuadrantGrid.integerSquareRoot(square - 1) == root - 1)
        }
    }
}

@Suite struct ProfileExtractorTests {
    /// A cosine of `k` cycles per width (amplitude 100; 0 gives the noise alone) over faint
    /// white noise. The noise matters: on a pure cosine most coefficients are exactly zero
    /// (log −368), and ring means would count zeros.
    /// With `diagonal`, the cosine runs along x + y: k cycles per width on each axis.
    private func cosineImage(width: Int, height: Int, cycles k: Int, amplitude: Double = 100, diagonal: Bool = false) -> GrayImage {
        var pixels = [UInt8](repeating: 0, count: width * height)
        var state: UInt64 = 42
        for y in 0..<height {
            for x in 0..<width {
                state &+= 0x9E37_79B9_7F4A_7C15  // SplitMix64
                var z = (state ^ (state >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                let noise = Double((z ^ (z >> 31)) >> 61) - 3.5
                let phase = 2 * Double.pi * Double(k * (diagonal ? x + y : x)) / Double(width)
                pixels[y * width + x] = UInt8((127.5 + noise + amplitude * cos(phase)).rounded())
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// How much the cosine lifts each ring above the same noise without it.
    private func ringLift(width: Int, height: Int, cycles k: Int) throws -> [Double] {
        let extractor = ProfileExtractor(configuration: ProfileConfiguration())
        let with = try extractor.rings(of: cosineImage(width: width, height: height, cycles: k))
        let without = try extractor.rings(of: cosineImage(width: width, height: height, cycles: k, amplitude: 0))
        return zip(with, without).map { $0 - $1 }
    }

    /// With an odd size the ring centre is DC itself, so both halves of a cosine of k
    /// cycles per width land in ring k (index k − 1 of the profile, which starts at ring 1).
    @Test(arguments: [2, 5, 11, 25])
    func cosineOfKCyclesPeaksAtRingK(k: Int) throws {
        let lift = try ringLift(width: 65, height: 65, cycles: k)
        let peak = lift.indices.max { lift[$0] < lift[$1] }!
        #expect(peak + 1 == k)
    }

    /// With an even size the centre is half a pixel off DC: the cosine's coefficient lies in
    /// ring k and its mirror in ring k − 1; those two rise most.
    @Test(arguments: [3, 9, 20])
    func cosineOnEvenSizeLiftsRingsKAndKMinusOne(k: Int) throws {
        let lift = try ringLift(width: 64, height: 64, cycles: k)
        let top2 = Set(lift.indices.sorted { lift[$0] > lift[$1] }.prefix(2).map { $0 + 1 })
        #expect(top2 == [k, k - 1])
    }

    /// A cosine along x (axis-aligned) of k cycles lifts the axis profile at ring k and leaves
    /// the diagonal one alone; a cosine along the diagonal, `cos(2π·k·(x + y)/N)`, lies at
    /// radius k√2 and lifts the diagonal profile there, not the axis one.
    @Test(arguments: [5, 11, 20])
    func sectorsSeparateAxisFromDiagonalFrequencies(k: Int) throws {
        let n = 65, extractor = ProfileExtractor(configuration: ProfileConfiguration(features: .sectors))
        func lift(_ image: GrayImage) throws -> (axis: [Double], diagonal: [Double]) {
            let with = try extractor.sectorRings(of: image)
            let without = try extractor.sectorRings(of: cosineImage(width: n, height: n, cycles: k, amplitude: 0))
            return (zip(with.axis, without.axis).map { $0 - $1 }, zip(with.diagonal, without.diagonal).map { $0 - $1 })
        }
        func peak(_ values: [Double]) -> (ring: Int, value: Double) {
            let i = values.indices.max { values[$0] < values[$1] }!
            return (i + 1, values[i])
        }
        let alongX = try lift(cosineImage(width: n, height: n, cycles: k))
        #expect(peak(alongX.axis).ring == k)
        #expect(peak(alongX.axis).value > 3)
        #expect(alongX.diagonal.allSatisfy { abs($0) < 1 })

        let alongDiagonal = try lift(cosineImage(width: n, height: n, cycles: k, diagonal: true))
        #expect(peak(alongDiagonal.diagonal).ring == Int(Double(k) * 2.0.squareRoot()))
        #expect(peak(alongDiagonal.diagonal).value > 3)
        #expect(alongDiagonal.axis.allSatisfy { abs($0) < 1 })
    }

    /// The all-angle rings of `sectorRings` are `rings(of:)`, and a sectors profile is the two
    /// sector rings resampled and divided by the first all-angle ring.
    @Test func sectorsProfileIsBothSectorsResampledOverTheFirstRing() throws {
        let image = cosineImage(width: 48, height: 40, cycles: 3)
        let extractor = ProfileExtractor(configuration: ProfileConfiguration(features: .sectors, bins: 40))
        let sectors = try extractor.sectorRings(of: image)
        #expect(sectors.allAngles == (try extractor.rings(of: image)))
        let first = sectors.allAngles[0]
        let expected = (NotAKnotSpline.resample(sectors.axis, count: 20) + NotAKnotSpline.resample(sectors.diagonal, count: 20))
            .map { Float($0 / first) }
        #expect(try extractor.profile(of: image) == expected)
    }

    @Test func gapsAreFilledLinearlyAndByTheNearestValueBeyondTheEnds() {
        #expect(ProfileExtractor.fillingGaps([nil, 2, nil, nil, 8, nil]) == [2, 2, 4, 6, 8, 8])
        #expect(ProfileExtractor.fillingGaps([1, 2]) == [1, 2])
        #expect(ProfileExtractor.fillingGaps([nil, nil]) == nil)
    }

    @Test(arguments: [(FeatureSet.sectors, 301), (.sectors, 2), (.durall, 1), (.durall, 100_001)])
    func impossibleBinCountsAreNamed(features: FeatureSet, bins: Int) {
        #expect(ProfileConfiguration(features: features, bins: bins).problem != nil)
    }

    @Test func tinyImagesAreTooSmall() {
        let extractor = ProfileExtractor(configuration: ProfileConfiguration())
        let image = GrayImage(width: 5, height: 5, pixels: (0..<25).map { UInt8($0 * 10) })
        #expect(throws: SpecdetError.self) { try extractor.profile(of: image) }
        do {
            _ = try extractor.profile(of: image)
        } catch {
            #expect(error.code == .tooSmall)
        }
    }
}
