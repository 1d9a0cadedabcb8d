import ArgumentParser
import SpecdetProfile

extension FeatureSet: ExpressibleByArgument {}

/// Which features to compute.
struct FeatureOptions: ParsableArguments {
    @Option(help: "Feature set: durall (the published method).")
    var features: FeatureSet = .durall

    @Option(help: "Values per profile after resampling.")
    var bins = 300

    func validate() throws {
        guard (2...100_000).contains(bins) else { throw ValidationError("--bins must be between 2 and 100000") }
    }

    var configuration: ProfileConfiguration { ProfileConfiguration(features: features, bins: bins) }
}
