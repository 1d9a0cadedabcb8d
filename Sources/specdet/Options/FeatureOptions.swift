import ArgumentParser
import SpecdetProfile

extension FeatureSet: ExpressibleByArgument {}

/// Which features to compute.
struct FeatureOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Feature set: sectors (axis-aligned and diagonal profiles, bins / 2 each; the built-in model's) or durall (the published method). (default: sectors)",
        valueName: "features"))
    var features: FeatureSet?

    @Option(parsing: .unconditional, help: ArgumentHelp("Values per profile after resampling. (default: 300)", valueName: "bins"))
    var bins: Int?

    /// The feature set of every command unless an option or a model says otherwise: the
    /// built-in model's (it holds up under JPEG and resizing; docs/ACCURACY.md).
    static let standard = ProfileConfiguration(features: .sectors, bins: 300)

    func validate() throws {
        if let problem = configuration().problem { throw ValidationError("--features/--bins: \(problem)") }
    }

    /// The options given, the rest from `fallback`.
    func configuration(fallback: ProfileConfiguration = standard) -> ProfileConfiguration {
        ProfileConfiguration(features: features ?? fallback.features, bins: bins ?? fallback.bins)
    }
}
