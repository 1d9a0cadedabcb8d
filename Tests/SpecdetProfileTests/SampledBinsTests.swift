import Foundation
import Testing
import SpecdetImage
@testable import SpecdetProfile

@Suite struct SampledBinsTests {
    /// The sampled bins are those whose ring position lies between the first and the last ring
    /// that has samples of the part's sector, counted here directly over the shifted grid.
    @Test(arguments: [(64, 64), (128, 128), (257, 131), (31, 90), (100, 101)])
    func sampledBinsFollowTheRingsThatHoldSamples(width: Int, height: Int) throws {
        let cx = Double(width - 1) / 2, cy = Double(height - 1) / 2
        let outer = Int(hypot(cx, cy))
        var axis = Set<Int>(), diagonal = Set<Int>()
        for y in 0..<height {
            for x in 0..<width {
                let dx = abs(Double(x) - cx), dy = abs(Double(y) - cy), r = Int(hypot(dx, dy))
                if min(dx, dy) > (2.0.squareRoot() - 1) * max(dx, dy) { diagonal.insert(r) } else { axis.insert(r) }
            }
        }
        let kept = Array(1..<outer), size = 150
        let ranges = try #require(ProfileExtractor.sampledBins(
            width: width, height: height, configuration: ProfileConfiguration(features: .sectors, bins: 2 * size)))
        #expect(ranges.count == 2)
        for (part, present) in [axis, diagonal].enumerated() {
            let indices = kept.indices.filter { present.contains(kept[$0]) }
            let scale = Double(size - 1) / Double(kept.count - 1)
            let expected = (0..<size).filter { bin in
                let position = Double(bin) / scale
                return position >= Double(indices.first!) - 1e-9 && position <= Double(indices.last!) + 1e-9
            }
            #expect(ranges[part] == part * size + expected.first!...part * size + expected.last!, "part \(part)")
        }
        let durall = ProfileExtractor.sampledBins(width: width, height: height, configuration: ProfileConfiguration(features: .durall, bins: 300))
        #expect(durall == [0...299])
    }

    /// Beyond the last sampled ring the axis profile of a real image is flat: the filled rings
    /// repeat the last sampled one.
    @Test func theAxisRingsBeyondTheSampledOnesRepeatTheLastOne() throws {
        var generator = SystemRandomNumberGenerator()
        let image = GrayImage(width: 64, height: 64, pixels: (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let rings = try ProfileExtractor(configuration: ProfileConfiguration(features: .sectors, bins: 300)).sectorRings(of: image)
        // Kept rings 1…43; the axis sector has samples up to ring 33 (index 32).
        #expect(Set(rings.axis[32...]).count == 1)
        #expect(rings.axis[31] != rings.axis[32])
        #expect(ProfileExtractor.sampledBins(width: 64, height: 64, configuration: ProfileConfiguration(features: .sectors, bins: 300))
                == [0...113, 154...299])
    }

    @Test func anImageTooSmallForAProfileHasNoSampledBins() {
        #expect(ProfileExtractor.sampledBins(width: 4, height: 4, configuration: ProfileConfiguration(features: .sectors, bins: 300)) == nil)
    }
}
