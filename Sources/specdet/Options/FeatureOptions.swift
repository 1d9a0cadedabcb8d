import ArgumentParser
import SpecdetProfile

extension FeatureSet: ExpressibleByArgument {}

/// Which features to compute.
struct FeatureOptions: ParsableArguments {
    @Option(help: "Feature set: durall (the published method) or sectors (axis-aligned and diagonal profiles, bins / 2 each).")
    var features: FeatureSet = .durall

    @Option(help: "Values per profile after resampling.")
    var bins = 300

    func validate() throws {
        if let problem = configuration.problem { throw ValidationError("--bins/--features: \(problem)") }
    }

    var configuration: ProfileConfiguration { ProfileConfiguration(features: features, bins: bins) }
}
