import Foundation
import SpecdetSupport

/// Where a model's training profiles lie, so that a profile far from all of them is called
/// out of domain (`unknown`) instead of getting the label the classifier would guess.
///
/// Convention: the distance of a profile `x` is the Mahalanobis distance in the standardised
/// feature space, `d(x) = ‖W·z‖` with `zⱼ = (xⱼ − meanⱼ) / stdⱼ` and `W = L⁻¹`, `L` the Cholesky
/// factor of the shrunk correlation matrix `(1 − α)·R + α·I` of the training profiles (α by
/// Ledoit and Wolf's formula, 2004, for standardised data). A profile is in domain when
/// `d(x) ≤ bound`; the bound is the `quantile` of the distances of the training images, each
/// measured out of fold (by the statistics of the folds that did not hold it), so it is not
/// flattered by the images that made the statistics. The training images are the originals
/// and their augmented copies, so that a recompressed or downscaled photograph is in domain.
///
/// An RBF SVM trained with cross-validation (which records `supportVectorBound`) is judged by
/// its own neighbourhood instead: the Euclidean distance from the (scaled) profile to its
/// nearest support vector must be at most `supportVectorBound`, the same quantile of the
/// training images' distances to the support vectors of the cross-validation model that did
/// not train on them. Beyond that, a profile is farther from what the model learned than
/// nearly every training image was from the models that did not see it, and its decision
/// value is an extrapolation (far enough out, every kernel value is about 0 and the decision
/// value the bias whatever the image). Near one, the verdict rests on training images like
/// it, even where the Mahalanobis distance is large because the profile's shape never
/// occurred in training (every non-square image, when the training crops were square, lies
/// hundreds of units out along directions in which the training profiles hardly vary).
///
/// Whatever the distance, an image whose aspect ratio (long side over short side) exceeds
/// `largestAspectRatio` is out of domain: rings of whole pixels mix frequencies of the two
/// axes in proportions that change with the shape, so a strip's profile is not a photograph's.
/// Models trained on square crops keep their verdicts on real photographs up to about 2:1
/// and lose them beyond (docs/ACCURACY.md), so the bound is 2, or the `quantile` of the
/// training images' ratios if that is larger. Likewise an image whose short side is under
/// `smallestSide` is smaller than nearly every image the model was trained on (augmented
/// copies included: a model trained on downscaled copies has seen small images).
package struct DomainBound: Codable, Sendable, Equatable {
    package var mean: [Double]
    package var std: [Double]
    /// `W = L⁻¹`, lower triangular, row-major `d × d` (stored in model files as its lower
    /// triangle, row by row, in float32).
    package var whitening: [Double]
    /// The shrinkage α used.
    package var shrinkage: Double
    package var bound: Double
    /// The quantile of the out-of-fold distances the bound is.
    package var quantile: Double
    /// Out-of-fold distances beyond the bound among the training images (about `1 − quantile`).
    package var outOfFoldOutside: Double
    /// The bound on the distance to the nearest support vector (RBF SVMs trained with
    /// cross-validation); nil: no such bound.
    package var supportVectorBound: Double?
    /// The largest aspect ratio (long side over short side, at least 1) of an image in domain;
    /// nil: no bound (models written before there was one).
    package var largestAspectRatio: Double?
    /// The shortest short side, in pixels, of an image in domain: the `1 − quantile` quantile
    /// of the training images' short sides (originals and copies); nil: no bound (models
    /// written before there was one, or trained on profiles without sizes).
    package var smallestSide: Int?

    /// The aspect ratio every bound allows at least (see the type's comment).
    package static let squareProfilesAspectRatio = 2.0

    /// Long side over short side.
    package static func aspectRatio(width: Int, height: Int) -> Double {
        Double(max(width, height)) / Double(max(min(width, height), 1))
    }

    private enum CodingKeys: String, CodingKey {
        case mean, std, whitening, shrinkage, bound, quantile
        case outOfFoldOutside = "out_of_fold_outside"
        case supportVectorBound = "support_vector_bound"
        case largestAspectRatio = "largest_aspect_ratio"
        case smallestSide = "smallest_side"
    }

    package init(mean: [Double], std: [Double], whitening: [Double], shrinkage: Double, bound: Double, quantile: Double,
                 outOfFoldOutside: Double, supportVectorBound: Double? = nil) {
        self.mean = mean
        self.std = std
        self.whitening = whitening
        self.shrinkage = shrinkage
        self.bound = bound
        self.quantile = quantile
        self.outOfFoldOutside = outOfFoldOutside
        self.supportVectorBound = supportVectorBound
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mean = try container.decode([Double].self, forKey: .mean)
        std = try container.decode([Double].self, forKey: .std)
        let d = mean.count
        let triangle = try container.decode(PackedArray.self, forKey: .whitening).floats(at: .whitening, in: container)
        guard d > 0, std.count == d, triangle.count == d * (d + 1) / 2 else {
            throw DecodingError.dataCorruptedError(forKey: .whitening, in: container,
                                                   debugDescription: "\(triangle.count) values, the lower triangle of \(d) x \(d) has \(d * (d + 1) / 2)")
        }
        var full = [Double](repeating: 0, count: d * d), index = 0
        for row in 0..<d {
            for column in 0...row {
                full[row * d + column] = Double(triangle[index])
                index += 1
            }
        }
        whitening = full
        shrinkage = try container.decode(Double.self, forKey: .shrinkage)
        bound = try container.decode(Double.self, forKey: .bound)
        quantile = try container.decode(Double.self, forKey: .quantile)
        outOfFoldOutside = try container.decode(Double.self, forKey: .outOfFoldOutside)
        supportVectorBound = try container.decodeIfPresent(Double.self, forKey: .supportVectorBound)
        largestAspectRatio = try container.decodeIfPresent(Double.self, forKey: .largestAspectRatio)
        smallestSide = try container.decodeIfPresent(Int.self, forKey: .smallestSide)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let d = mean.count
        try container.encode(mean, forKey: .mean)
        try container.encode(std, forKey: .std)
        let triangle = (0..<d).flatMap { row in (0...row).map { Float(whitening[row * d + $0]) } }
        try container.encode(PackedArray(triangle, shape: [triangle.count]), forKey: .whitening)
        try container.encode(shrinkage, forKey: .shrinkage)
        try container.encode(bound, forKey: .bound)
        try container.encode(quantile, forKey: .quantile)
        try container.encode(outOfFoldOutside, forKey: .outOfFoldOutside)
        try container.encodeIfPresent(supportVectorBound, forKey: .supportVectorBound)
        try container.encodeIfPresent(largestAspectRatio, forKey: .largestAspectRatio)
        try container.encodeIfPresent(smallestSide, forKey: .smallestSide)
    }

    /// The same domain with its whitening rounded to float32, as a model file stores it, so a
    /// model measures the same distances before and after it is written.
    package var asStored: DomainBound {
        var copy = self
        copy.whitening = whitening.map { Double(Float($0)) }
        return copy
    }

    /// The default quantile: one training image in 200 lies beyond the bound.
    package static let defaultQuantile = 0.995

    /// The distance of one profile (its length must be `mean.count`).
    package func distance(_ x: [Float]) -> Double {
        let d = mean.count
        let z = (0..<d).map { (Double(x[$0]) - mean[$0]) / std[$0] }
        var sum = 0.0
        for row in 0..<d {
            var value = 0.0
            for column in 0...row { value += whitening[row * d + column] * z[column] }
            sum += value * value
        }
        return sum.squareRoot()
    }

    /// Whether a profile is in domain, given its distance to the classifier's nearest support
    /// vector (nil for a classifier without support vectors) and its image's size (nil:
    /// unknown): not beyond the aspect and size bounds, then by that distance when the domain
    /// bounds it, by the Mahalanobis distance otherwise.
    package func contains(_ x: [Float], nearestSupportVector: Double?, width: Int? = nil, height: Int? = nil) -> Bool {
        if let width, let height {
            if let largestAspectRatio, Self.aspectRatio(width: width, height: height) > largestAspectRatio { return false }
            if let smallestSide, min(width, height) < smallestSide { return false }
        }
        if let supportVectorBound, let nearestSupportVector { return nearestSupportVector <= supportVectorBound }
        return distance(x) <= bound
    }

    /// The statistics of `rows` of `vectors`, without a bound yet (`bound` is infinite).
    static func statistics(of vectors: [[Float]], rows: [Int]) throws(SpecdetError) -> DomainBound {
        guard let d = vectors.first?.count, rows.count > 1 else {
            throw SpecdetError(.invalidInput, "a domain needs at least two profiles")
        }
        let columns = ColumnStatistics(rows.map { vectors[$0] }, columns: d)
        let std = columns.std.map { $0 > 1e-12 ? $0 : 1 }
        let n = Double(rows.count)
        let z = rows.map { row in (0..<d).map { (Double(vectors[row][$0]) - columns.mean[$0]) / std[$0] } }
        var correlation = [Double](repeating: 0, count: d * d)
        for sample in z {
            for i in 0..<d {
                let zi = sample[i]
                for j in 0...i { correlation[i * d + j] += zi * sample[j] }
            }
        }
        for i in 0..<d { for j in 0...i { correlation[i * d + j] /= n; correlation[j * d + i] = correlation[i * d + j] } }
        // Ledoit–Wolf: α = min(1, Σ_k ‖z_k z_kᵀ − R‖² / (n² · ‖R − μI‖²)), μ = tr(R)/d.
        let mu = (0..<d).reduce(0.0) { $0 + correlation[$1 * d + $1] } / Double(d)
        var dispersion = 0.0
        for i in 0..<d { for j in 0..<d { let v = correlation[i * d + j] - (i == j ? mu : 0); dispersion += v * v } }
        // Σ_k ‖z_k z_kᵀ − R‖² = Σ_k ‖z_k‖⁴ − n‖R‖², since Σ_k z_k z_kᵀ = nR.
        let fourthPowers = z.reduce(0.0) { sum, sample in
            let squared = sample.reduce(0) { $0 + $1 * $1 }
            return sum + squared * squared
        }
        let correlationNorm = correlation.reduce(0) { $0 + $1 * $1 }
        let spread = max(fourthPowers - n * correlationNorm, 0)
        // At least a little shrinkage, so the matrix is positive definite even when n ≤ d.
        let shrinkage = dispersion > 0 ? min(1, max(spread / (n * n) / dispersion, 1e-4)) : 1
        var shrunk = correlation
        for i in 0..<d { for j in 0..<d { shrunk[i * d + j] = (1 - shrinkage) * correlation[i * d + j] + (i == j ? shrinkage * mu : 0) } }
        let whitening = try inverseCholesky(shrunk, dimension: d)
        return DomainBound(mean: columns.mean, std: std, whitening: whitening, shrinkage: shrinkage, bound: .infinity,
                           quantile: 1, outOfFoldOutside: 0)
    }

    /// The domain of `vectors` with its bound from out-of-fold distances: for each fold, the
    /// statistics of the other folds measure the fold's vectors; the bound is the `quantile`
    /// (the value at rank ⌈q·n⌉ of the sorted distances) of them all. Returns the statistics
    /// of all `vectors` with that bound.
    package static func fit(_ vectors: [[Float]], folds: [Int], quantile: Double = defaultQuantile) throws(SpecdetError) -> DomainBound {
        guard folds.count == vectors.count else { throw SpecdetError(.invalidInput, "\(folds.count) folds for \(vectors.count) profiles") }
        var distances: [Double] = []
        for fold in Set(folds).sorted() {
            let train = folds.indices.filter { folds[$0] != fold }
            let statistics = try Self.statistics(of: vectors, rows: train)
            distances += folds.indices.filter { folds[$0] == fold }.map { statistics.distance(vectors[$0]) }
        }
        var domain = try statistics(of: vectors, rows: Array(vectors.indices))
        domain.bound = Self.quantile(quantile, of: distances)
        domain.quantile = quantile
        domain.outOfFoldOutside = Double(distances.filter { $0 > domain.bound }.count) / Double(distances.count)
        return domain
    }

    /// The value at rank ⌈q·n⌉ (from 1) of the sorted `values` (not empty).
    package static func quantile(_ q: Double, of values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count, max(1, Int((q * Double(sorted.count)).rounded(.up)))) - 1]
    }

    /// The mirror of `quantile`: the value with as few values below it as `quantile(q, of:)`
    /// leaves above it (`⌊(1 − q)·n⌋` of the `n`; `values` not empty).
    package static func lowerQuantile(_ q: Double, of values: [Double]) -> Double {
        let sorted = values.sorted()
        // The tolerance keeps a product that should be whole but falls just under it from
        // losing a value.
        return sorted[min(sorted.count - 1, Int(((1 - q) * Double(sorted.count) + 1e-9).rounded(.down)))]
    }

    /// `L⁻¹` for the Cholesky factor `L` of a symmetric positive definite `d × d` matrix.
    static func inverseCholesky(_ matrix: [Double], dimension d: Int) throws(SpecdetError) -> [Double] {
        var l = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var sum = matrix[i * d + j]
                for k in 0..<j { sum -= l[i * d + k] * l[j * d + k] }
                if i == j {
                    guard sum > 0 else { throw SpecdetError(.invalidInput, "the profiles' correlation matrix is singular") }
                    l[i * d + i] = sum.squareRoot()
                } else {
                    l[i * d + j] = sum / l[j * d + j]
                }
            }
        }
        var inverse = [Double](repeating: 0, count: d * d)
        for column in 0..<d {
            // Forward substitution of L·y = e_column.
            for row in column..<d {
                var sum = row == column ? 1.0 : 0.0
                for k in column..<row { sum -= l[row * d + k] * inverse[k * d + column] }
                inverse[row * d + column] = sum / l[row * d + row]
            }
        }
        return inverse
    }
}
