import Testing
import SpecdetImage
@testable import SpecdetProfile
import SpecdetSupport

@Suite struct DegenerateSpectrumTests {
    let extractor = ProfileExtractor(configuration: ProfileConfiguration(features: .sectors, bins: 300))

    /// A blank image, and one that differs from blank in a few pixels, have no spectrum to
    /// speak of; the luma deviation says so before any transform.
    @Test(arguments: [0, 128, 255])
    func nearlyConstantImagesAreDegenerate(level: UInt8) {
        var pixels = [UInt8](repeating: level, count: 64 * 64)
        pixels[100] = level == 255 ? 254 : level + 1
        let image = GrayImage(width: 64, height: 64, pixels: pixels)
        #expect(ProfileExtractor.lumaStandardDeviation(image) < ProfileExtractor.smallestLumaDeviation)
        #expect(throws: SpecdetError.self) { try extractor.profile(of: image) }
        do {
            _ = try extractor.profile(of: image)
        } catch {
            #expect(error.code == .degenerateSpectrum && error.message.contains("nearly constant"))
        }
    }

    /// The deviation is the population one: a two-level image of equal halves has exactly
    /// half the difference, and it has a profile.
    @Test func twoLevelsHaveTheirDeviationAndAProfile() throws {
        let pixels = (0..<(64 * 64)).map { $0 % 64 < 32 ? UInt8(100) : UInt8(110) }
        let image = GrayImage(width: 64, height: 64, pixels: pixels)
        #expect(ProfileExtractor.lumaStandardDeviation(image) == 5)
        #expect(try extractor.profile(of: image).count == 300)
    }
}
