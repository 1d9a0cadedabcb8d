import SpecdetProfile

/// Per-bin statistics of the real and the fake profiles of a set: what `plot` draws and what a
/// model keeps of its training classes.
///
/// Convention: a profile is one or more parts (`parts`: durall's all-angle profile, or
/// sectors' axis and diagonal profiles of `bins / 2` values each); bin `i` of a part of `N`
/// bins sits at frequency `i / (N − 1)` of that part (bin 0 is ring 1, bin `N − 1` ring
/// `floor(r_max) − 1`, see `ProfileExtractor`). Means and standard deviations are those of
/// `ColumnStatistics` over each class; the relative error is `mean_fake / mean_real − 1`.
package struct ProfileComparison: Sendable {
    /// One part of the profile: its name and its bins.
    package struct Part: Sendable {
        package let name: String
        package let bins: Range<Int>
    }

    package let parts: [Part]
    /// The position of each bin within its part, 0…1.
    package let frequency: [Double]
    package let real: ColumnStatistics
    package let fake: ColumnStatistics
    package let relativeError: [Double]
    /// Per bin, whether every real (fake) profile had samples of its part's sector there
    /// (`ProfileExtractor.sampledBins`); where one did not, the class mean holds values
    /// extrapolated from a sector's last ring.
    package let realSampled: [Bool]
    package let fakeSampled: [Bool]

    /// The statistics of `features` labelled real (0) and fake (1); both classes must be present.
    /// `sampledBins` gives, per profile, the sampled bins of each of its parts (nil: all).
    package init(features: [[Float]], labels: [Int], configuration: ProfileConfiguration,
                 sampledBins: [[ClosedRange<Int>]?]? = nil) {
        precondition(labels.contains(0) && labels.contains(1), "a comparison needs both classes")
        func statistics(_ label: Int) -> ColumnStatistics {
            ColumnStatistics(zip(features, labels).filter { $0.1 == label }.map(\.0), columns: configuration.bins)
        }
        real = statistics(0)
        fake = statistics(1)
        let names = configuration.features.partNames.count == 1 ? ["all"] : configuration.features.partNames
        let size = configuration.bins / names.count
        parts = names.enumerated().map { index, name in Part(name: name, bins: index * size..<(index + 1) * size) }
        frequency = parts.flatMap { part in
            part.bins.map { size > 1 ? Double($0 - part.bins.lowerBound) / Double(size - 1) : 0 }
        }
        relativeError = zip(fake.mean, real.mean).map { $0 / $1 - 1 }
        func sampled(_ label: Int) -> [Bool] {
            var sampled = [Bool](repeating: true, count: configuration.bins)
            guard let sampledBins else { return sampled }
            for (ranges, own) in zip(sampledBins, labels) where own == label {
                guard let ranges else { continue }
                for bin in sampled.indices where sampled[bin] && !ranges.contains(where: { $0.contains(bin) }) {
                    sampled[bin] = false
                }
            }
            return sampled
        }
        realSampled = sampled(0)
        fakeSampled = sampled(1)
    }
}

extension DetectorModel {
    /// The classifier's weight per band acting on the raw profile, with what they are; nil for
    /// an RBF SVM, whose decision is a kernel sum with no per-band weights.
    ///
    /// Logistic regression and linear SVM: `f = w·z + b` on `z = (x − mean) / std` when the
    /// model standardises, which is `Σ (w_j / std_j)·x_j + const` on the raw profile `x`, so the
    /// weight of band j is `w_j / std_j` (`w_j` without a scaler).
    package var bandWeights: (values: [Double], description: String)? {
        switch classifier {
        case .logistic(let weights, _), .linearSVM(let weights, _, _):
            let name = classifier.kind == .logistic ? "logistic regression" : "linear SVM"
            guard let scaler else { return (weights, name) }
            return (zip(weights, scaler.std).map { $0 / $1 }, name + ", ÷ the scaler's std (on raw features)")
        case .rbfSVM:
            return nil
        }
    }
}
