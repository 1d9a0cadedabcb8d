/// Per-feature standardisation `z = (x − mean) / std`, fitted on a training set and stored in
/// the model so prediction applies exactly the same map.
///
/// Convention: `mean` and `std` are the population statistics (divide by n, as scikit-learn's
/// `StandardScaler`) computed in `Double`; a constant feature (feature 0 of the durall profile
/// is always 1) gets `std = 1`, where "constant" is scikit-learn's rule: variance
/// ≤ n·ε·variance + (n·|mean|·ε)², ε = `Double.ulpOfOne`, so rounding noise is not amplified. The transform computes `(Double(x) − mean) / std` and
/// rounds the result to `Float`, so training and prediction see bit-identical inputs.
package struct Standardizer: Codable, Sendable, Equatable {
    /// Mean of each feature over the training set.
    package var mean: [Double]
    /// Population standard deviation of each feature, with 0 replaced by 1; always > 0.
    package var std: [Double]

    /// A standardiser with the given statistics (checked when a model is loaded or encoded).
    package init(mean: [Double], std: [Double]) {
        self.mean = mean
        self.std = std
    }

    /// Fits mean and std on the given rows of `matrix`.
    init(fitting matrix: FeatureMatrix, rows: [Int]) {
        let statistics = ColumnStatistics(matrix, rows: rows)
        let count = Double(rows.count), epsilon = Double.ulpOfOne
        let std = zip(statistics.variance, statistics.mean).map { variance, mean in
            let roundingBound = count * epsilon * variance + (count * abs(mean) * epsilon) * (count * abs(mean) * epsilon)
            return variance <= roundingBound ? 1 : variance.squareRoot()
        }
        self.init(mean: statistics.mean, std: std)
    }

    /// Standardises one feature vector (its length must equal `mean.count`).
    func transform<C: Collection<Float>>(_ features: C) -> [Float] {
        zip(features, zip(mean, std)).map { x, stats in Float((Double(x) - stats.0) / stats.1) }
    }

    /// Standardises every row of `matrix`.
    func transform(_ matrix: FeatureMatrix) -> FeatureMatrix {
        var values: [Float] = []
        values.reserveCapacity(matrix.values.count)
        for index in 0..<matrix.rowCount { values.append(contentsOf: transform(matrix.row(index))) }
        return FeatureMatrix(rowCount: matrix.rowCount, columnCount: matrix.columnCount, values: values)
    }
}
