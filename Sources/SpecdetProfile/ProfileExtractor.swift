import SpecdetImage
import SpecdetSpectrum
import SpecdetSupport

/// Computes spectral profiles. Holds per-worker FFT buffers: use one extractor per thread.
public final class ProfileExtractor {
    public let configuration: ProfileConfiguration
    /// Largest FFT buffer memory one image may take, in bytes; larger images fail with
    /// `memory_limit_exceeded`.
    public let memoryLimit: Int
    /// The default memory limit: 4 GiB, a 537-megapixel image (8 bytes per pixel, see
    /// `SpectrumWorkspace.bufferBytes(for:)`).
    public static let defaultMemoryLimit = 4 << 30
    private let workspace = SpectrumWorkspace()

    public init(configuration: ProfileConfiguration, memoryLimit: Int = defaultMemoryLimit) {
        self.configuration = configuration
        self.memoryLimit = memoryLimit
    }

    /// The raw azimuthal average of the log-magnitude spectrum, before resampling.
    ///
    /// Convention: the mean of `20·ln|F + ε|` (ε = 1e-8, see `SpectrumWorkspace`) over each integer
    /// ring `r = floor(hypot(x − (W−1)/2, y − (H−1)/2))` of the `fftshift`ed spectrum, for
    /// `r = 1…floor(r_max) − 1` (DC ring and corner ring dropped): 722 values for 1024x1024,
    /// 88 for 128x128, 43 for 64x64. Sums are accumulated in double precision.
    package func rings(of image: GrayImage) throws(SpecdetError) -> [Double] {
        let (table, sums) = try ringSums(of: image, bySector: false)
        return (1..<table.outerRing).map { sums[2 * $0] / Double(table.sampleCounts[$0]) }
    }

    /// The raw ring means of `rings(of:)` taken separately over the axis-aligned and the
    /// diagonal samples, before resampling.
    ///
    /// Convention: a sample at offset `(dx, dy)` from the ring centre is diagonal when
    /// `min(|dx|, |dy|) > tan(22.5°)·max(|dx|, |dy|)`, axis-aligned otherwise (DC too). A ring with no
    /// samples of a sector (small radii: ring 1 of an even-sized image is all axis-aligned)
    /// takes the linear interpolation of its sector's nearest non-empty rings, or the nearest
    /// one's value beyond the ends (as `numpy.interp`). `allAngles` is `rings(of:)`.
    package func sectorRings(of image: GrayImage) throws(SpecdetError)
        -> (axis: [Double], diagonal: [Double], allAngles: [Double]) {
        let (table, sums) = try ringSums(of: image, bySector: true)
        let kept = 1..<table.outerRing
        let allAngles = kept.map { (sums[2 * $0] + sums[2 * $0 + 1]) / Double(table.sampleCounts[$0]) }
        let diagonal = kept.map { r in
            table.diagonalSampleCounts[r] == 0 ? nil : sums[2 * r + 1] / Double(table.diagonalSampleCounts[r])
        }
        let axis = kept.map { r in
            let count = table.sampleCounts[r] - table.diagonalSampleCounts[r]
            return count == 0 ? nil : sums[2 * r] / Double(count)
        }
        guard let axis = Self.fillingGaps(axis), let diagonal = Self.fillingGaps(diagonal) else {
            throw SpecdetError(.tooSmall, "a \(table.shape) image has no diagonal or no axis-aligned spectral samples")
        }
        return (axis, diagonal, allAngles)
    }

    /// Smallest population standard deviation of the 8-bit luma an image must have for a
    /// profile: under it (a blank, or nearly blank, image) the spectrum is DC and rounding
    /// noise, and the image is `degenerate_spectrum`. Real photograph crops of the dev corpora
    /// start at about 2.8.
    public static let smallestLumaDeviation = 1.0

    /// Refuses a nearly constant image, whose spectrum is DC and rounding noise.
    ///
    /// - Throws: `.degenerateSpectrum` when the luma's population standard deviation is under
    ///   `smallestLumaDeviation` 8-bit levels.
    static func requireSpectrum(_ image: GrayImage) throws(SpecdetError) {
        let deviation = lumaStandardDeviation(image)
        guard deviation >= smallestLumaDeviation else {
            throw SpecdetError(.degenerateSpectrum, "the image is nearly constant (luma standard deviation "
                               + String(format: "%.2f", deviation) + ", under \(smallestLumaDeviation)): it has no spectrum to speak of")
        }
    }

    /// The population standard deviation of the pixels, in 8-bit levels (sums in integers).
    static func lumaStandardDeviation(_ image: GrayImage) -> Double {
        // Blocks of 65,536 pixels sum their squares (at most 255² each) in 32 bits without
        // overflow, which lets the compiler vectorise the loop; the blocks add up in 64 bits.
        let block = 1 << 16
        var sum: UInt64 = 0, squares: UInt64 = 0
        image.pixels.withUnsafeBufferPointer { pixels in
            var start = 0
            while start < pixels.count {
                let end = min(start + block, pixels.count)
                var blockSum: UInt32 = 0, blockSquares: UInt32 = 0
                for index in start..<end {
                    let value = UInt32(pixels[index])
                    blockSum &+= value
                    blockSquares &+= value &* value
                }
                sum += UInt64(blockSum)
                squares += UInt64(blockSquares)
                start = end
            }
        }
        let count = Double(image.pixels.count), mean = Double(sum) / count
        return max(Double(squares) / count - mean * mean, 0).squareRoot()
    }

    /// Largest magnitude of a feature: a profile divided by a first ring mean near zero (an
    /// image with almost no spectrum) goes beyond it and is `degenerate_spectrum`.
    public static let largestFeatureMagnitude = 1e6

    /// The feature vector of `configuration` for an image.
    ///
    /// `durall`: the raw rings (see `rings(of:)`) resampled to `bins` values by
    /// `NotAKnotSpline.resample`, then divided by the first value, so feature 0 is exactly 1.
    /// `sectors`: the axis-aligned and the diagonal rings (see `sectorRings(of:)`), each
    /// resampled to `bins / 2` values the same way, axis first, both divided by the first
    /// all-angle ring mean.
    public func profile(of image: GrayImage) throws(SpecdetError) -> [Float] {
        // A size that can have no profile is reported as such, blank or not.
        _ = try ringTable(for: ImageShape(width: image.width, height: image.height))
        try Self.requireSpectrum(image)
        let resampled: [Double], first: Double
        switch configuration.features {
        case .durall:
            resampled = NotAKnotSpline.resample(try rings(of: image), count: configuration.bins)
            first = resampled[0]
        case .sectors:
            let rings = try sectorRings(of: image)
            resampled = NotAKnotSpline.resample(rings.axis, count: configuration.bins / 2)
                + NotAKnotSpline.resample(rings.diagonal, count: configuration.bins / 2)
            first = rings.allAngles[0]
        }
        let features = resampled.map { $0 / first }
        guard first != 0, first.isFinite, features.allSatisfy({ abs($0) <= Self.largestFeatureMagnitude }) else {
            throw SpecdetError(.degenerateSpectrum, "the spectrum's first ring mean is \(first); it cannot be normalised")
        }
        return features.map { Float($0) }
    }

    /// The ring table of a `shape` whose FFT buffers fit in `memoryLimit` and which has enough
    /// rings for a profile.
    private func ringTable(for shape: ImageShape) throws(SpecdetError) -> RingTable {
        let bytes = try SpectrumWorkspace.bufferBytes(for: shape)
        guard bytes <= memoryLimit else {
            throw SpecdetError(.memoryLimitExceeded,
                               "a \(shape) image needs \(bytes) bytes of FFT buffers, over the \(memoryLimit)-byte limit")
        }
        let table = RingTableCache.shared.table(for: shape)
        guard table.keptRings >= ProfileConfiguration.minimumRings else {
            throw SpecdetError(.tooSmall,
                               "a \(shape) image has \(table.keptRings) spectral ring\(table.keptRings == 1 ? "" : "s"); "
                               + "a profile needs at least \(ProfileConfiguration.minimumRings)")
        }
        return table
    }

    /// Sums of the log magnitude per ring, at `2·ring` (axis-aligned, or every sample when
    /// `bySector` is false) and `2·ring + 1` (diagonal).
    private func ringSums(of image: GrayImage, bySector: Bool) throws(SpecdetError) -> (RingTable, [Double]) {
        let shape = ImageShape(width: image.width, height: image.height)
        let table = try ringTable(for: shape)
        var sums = [Double](repeating: 0, count: table.slotCount)
        try sums.withUnsafeMutableBufferPointer { sums throws(SpecdetError) in
            try image.pixels.withUnsafeBufferPointer { pixels throws(SpecdetError) in
                try workspace.forEachLogMagnitudeRow(of: pixels, shape: shape) { ky, values in
                    table.add(row: ky, values, to: sums, bySector: bySector)
                }
            }
        }
        return (table, sums)
    }

    /// Fills missing values by linear interpolation between the nearest present ones and by
    /// the nearest present value beyond the ends; nil when none is present.
    static func fillingGaps(_ values: [Double?]) -> [Double]? {
        let present = values.indices.filter { values[$0] != nil }
        guard let firstPresent = present.first, let lastPresent = present.last else { return nil }
        var filled = [Double](repeating: 0, count: values.count)
        var previous = firstPresent
        for i in values.indices {
            if let value = values[i] {
                filled[i] = value
                previous = i
            } else if i < firstPresent {
                filled[i] = values[firstPresent]!
            } else if i > lastPresent {
                filled[i] = values[lastPresent]!
            } else {
                let next = present.first { $0 > i }!
                let t = Double(i - previous) / Double(next - previous)
                filled[i] = values[previous]! * (1 - t) + values[next]! * t
            }
        }
        return filled
    }
}
