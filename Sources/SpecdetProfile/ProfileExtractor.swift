import SpecdetDecode
import SpecdetSpectrum

/// Computes spectral profiles. Holds per-worker FFT buffers: use one extractor per thread.
public final class ProfileExtractor {
    public let configuration: ProfileConfiguration
    /// Largest FFT buffer memory one image may take, in bytes; larger images fail with
    /// `memory_limit_exceeded`.
    public let memoryLimit: Int
    /// The default memory limit: 4 GiB, about a 350-megapixel image.
    public static let defaultMemoryLimit = 4 << 30
    private let workspace = SpectrumWorkspace()

    public init(configuration: ProfileConfiguration, memoryLimit: Int = defaultMemoryLimit) {
        self.configuration = configuration
        self.memoryLimit = memoryLimit
    }

    /// The raw azimuthal average of the log-magnitude spectrum, before resampling.
    ///
    /// Convention: the mean of `20·ln|F + 1e-8|` (see `SpectrumWorkspace`) over each integer
    /// ring `r = floor(hypot(x − (W−1)/2, y − (H−1)/2))` of the `fftshift`ed spectrum, for
    /// `r = 1…floor(r_max) − 1` (DC ring and corner ring dropped): 722 values for 1024x1024,
    /// 88 for 128x128, 43 for 64x64. Sums are accumulated in double precision.
    public func rings(of image: GrayImage) throws(ProfileError) -> [Double] {
        let shape = ImageShape(width: image.width, height: image.height)
        let bytes = SpectrumWorkspace.bufferBytes(for: shape)
        guard bytes <= memoryLimit else {
            throw ProfileError(.memoryLimitExceeded,
                               "a \(shape) image needs \(bytes) bytes of FFT buffers, over the \(memoryLimit)-byte limit")
        }
        let table = RingTableCache.shared.table(for: shape)
        guard table.keptRings >= ProfileConfiguration.minimumRings else {
            throw ProfileError(.tooSmall,
                               "a \(shape) image has \(table.keptRings) spectral rings; a profile needs at least \(ProfileConfiguration.minimumRings)")
        }
        let logMagnitude = image.pixels.withUnsafeBufferPointer {
            workspace.logMagnitudeHalfPlane(of: $0, shape: shape)
        }
        var sums = [Double](repeating: 0, count: table.outerRing + 2)
        table.ownRing.withUnsafeBufferPointer { own in
            table.mirrorRing.withUnsafeBufferPointer { mirror in
                sums.withUnsafeMutableBufferPointer { sums in
                    for i in 0..<logMagnitude.count {
                        let value = Double(logMagnitude[i])
                        sums[Int(own[i])] += value
                        sums[Int(mirror[i])] += value
                    }
                }
            }
        }
        return (1..<table.outerRing).map { sums[$0] / Double(table.sampleCounts[$0]) }
    }

    /// The feature vector of `configuration` for an image.
    ///
    /// `durall`: the raw rings (see `rings(of:)`) resampled to `bins` values by
    /// `NotAKnotSpline.resample`, then divided by the first value, so feature 0 is exactly 1.
    public func profile(of image: GrayImage) throws(ProfileError) -> [Float] {
        let raw = try rings(of: image)
        let resampled = NotAKnotSpline.resample(raw, count: configuration.bins)
        let first = resampled[0]
        guard first != 0, resampled.allSatisfy({ $0.isFinite }) else {
            throw ProfileError(.degenerateSpectrum, "the spectrum's first ring mean is \(first); it cannot be normalised")
        }
        return resampled.map { Float($0 / first) }
    }
}
