import SpecdetClassify

/// The numbers `plot --csv` writes: `bin,part,frequency,mean_real,std_real,mean_fake,std_fake,
/// relative_error` and, for a model with per-band weights, `weight`. `bin` counts over the whole
/// profile, `frequency` within the part; numbers in Swift's shortest round-trip form.
enum ComparisonCSV {
    static func text(_ comparison: ProfileComparison, weights: [Double]?) -> String {
        var text = CSV.row(["bin", "part", "frequency", "mean_real", "std_real", "mean_fake", "std_fake", "relative_error"]
                           + (weights == nil ? [] : ["weight"]))
        let realStd = comparison.real.std, fakeStd = comparison.fake.std
        for part in comparison.parts {
            for bin in part.bins {
                let numbers = [comparison.frequency[bin], comparison.real.mean[bin], realStd[bin], comparison.fake.mean[bin],
                               fakeStd[bin], comparison.relativeError[bin]] + (weights.map { [$0[bin]] } ?? [])
                text += CSV.row([String(bin), part.name] + numbers.map(\.description))
            }
        }
        return text
    }
}
