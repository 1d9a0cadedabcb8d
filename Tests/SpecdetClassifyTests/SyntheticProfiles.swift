import SpecdetProfile
import Foundation
@testable import SpecdetClassify
import SpecdetSupport

/// Seeded synthetic "profiles": two overlapping Gaussian clouds around a decreasing curve, with
/// feature 0 fixed at 1 like a durall profile. Fakes carry a small high-frequency bump, so the
/// classes overlap (about 90 % accuracy) and every solver has real work to do.
struct SyntheticProfiles {
    var features: [[Float]] = []
    var labels: [Int] = []

    /// `count` samples of `bins` values; `fakeFirst` controls which class appears first, which
    /// decides liblinear's and libsvm's internal label order.
    init(count: Int, bins: Int = 300, seed: UInt64, fakeFirst: Bool = false, bump: Double = 0.012) {
        var generator = SplitMix64(seed: seed)
        func uniform() -> Double { (Double(generator.next() >> 11) + 0.5) / 9_007_199_254_740_992 }
        func gaussian() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform()) }
        for index in 0..<count {
            let label = (index % 2 == 0) == fakeFirst ? 1 : 0
            let level = 1 + 0.05 * gaussian()
            var row: [Float] = [1]
            for bin in 1..<bins {
                let t = Double(bin) / Double(bins)
                var value = level * (1 - 0.6 * t) + 0.03 * gaussian()
                if label == 1 && t > 0.8 { value += bump }
                row.append(Float(value))
            }
            features.append(row)
            labels.append(label)
        }
    }

    var matrix: FeatureMatrix {
        FeatureMatrix(rowCount: features.count, columnCount: features[0].count, values: features.flatMap { $0 })
    }
}

/// A fixed date so that two trainings give byte-identical files.
let fixedDate = Date(timeIntervalSince1970: 1_700_000_000)
