import Foundation
import SpecdetImage
import SpecdetProfile
import SpecdetSupport

/// The pictures of one candidate of a report: its thumbnail and its own centred log spectrum,
/// made in a second pass over the candidates only (the first pass cannot know which inputs
/// will rank highest), so their number and size are bounded whatever the number of inputs.
struct ReportEvidence {
    let candidate: ReportCandidate
    /// The image fitted to `side` pixels (`FigureScaling`), gray JPEG.
    let thumbnail: [UInt8]?
    /// Its centred log spectrum (`Fingerprint` of one image, 0.5 % clipped), fitted likewise, gray JPEG.
    let spectrum: [UInt8]?
    /// Why the pictures are missing, if they are.
    let problem: String?

    /// Longer side of a thumbnail and of a spectrum, in pixels.
    static let side = 128
    /// JPEG quality of thumbnails and spectra: a few kB each.
    static let quality = 80

    /// The evidence of each candidate, in order, decoded again on up to `options.workerCount`
    /// threads with the run's limits; a file that can no longer be read keeps its reason.
    static func make(_ candidates: [ReportCandidate], options: RunOptions) throws -> [ReportEvidence] {
        var iterator = candidates.makeIterator()
        var result: [ReportEvidence] = []
        let limits = options.limits, memoryLimit = options.maxFFTMemory
        try OrderedParallelMap.run(&iterator, jobs: options.workerCount, makeState: {}, transform: { _, candidate in
            Self.pictures(of: candidate, limits: limits, memoryLimit: memoryLimit)
        }, emit: { _, evidence in result.append(evidence) })
        return result
    }

    private static func pictures(of candidate: ReportCandidate, limits: DecodeLimits, memoryLimit: Int) -> ReportEvidence {
        do throws(SpecdetError) {
            let image = try ImageDecoder.decodeDetailed(pathBytes: candidate.path.bytes, limits: limits).image
            let thumbnail = try JPEGEncoder.encode(FigureScaling.fitted(image, longestSide: side).image, quality: quality)
            let builder = try FingerprintBuilder(width: image.width, height: image.height, memoryLimit: memoryLimit)
            try builder.add(image)
            let spectrum = try builder.fingerprint().map { fingerprint throws(SpecdetError) in
                try JPEGEncoder.encode(FigureScaling.fitted(fingerprint.grayImage(), longestSide: side).image, quality: quality)
            }
            return ReportEvidence(candidate: candidate, thumbnail: thumbnail, spectrum: spectrum, problem: nil)
        } catch {
            return ReportEvidence(candidate: candidate, thumbnail: nil, spectrum: nil,
                                  problem: "read again for its pictures, it failed: \(error.code.rawValue): \(error.message)")
        }
    }
}
