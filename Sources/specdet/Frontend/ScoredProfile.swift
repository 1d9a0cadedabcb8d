import SpecdetClassify
import SpecdetImage
import SpecdetProfile
import SpecdetSupport

/// What a worker makes of one image under a model: its profile, P(fake), and whether the
/// profile lies in the model's domain (nil when the model records none).
struct ScoredProfile: Sendable {
    var profile: ImageProfile
    var probability: Double
    var inDomain: Bool?

    /// The work of a worker thread for `score` and `report`. The model is evaluated on the
    /// workers: with thousands of support vectors it costs more than profiling a small image.
    static func work(_ model: DetectorModel) -> @Sendable (GrayImage, InputPath, ProfileExtractor) throws(SpecdetError) -> ScoredProfile {
        { image, _, extractor throws(SpecdetError) in
            let profile = try ImageRun.profile(image, extractor)
            let (probability, inDomain) = try model.assess(profile.features, width: profile.width, height: profile.height)
            guard probability.isFinite else {
                throw SpecdetError(.degenerateSpectrum, "the model gives no finite P(fake) for this profile",
                                   width: profile.width, height: profile.height)
            }
            return ScoredProfile(profile: profile, probability: probability, inDomain: inDomain)
        }
    }
}
