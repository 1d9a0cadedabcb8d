/// The population mean and standard deviation of each column of some feature vectors.
///
/// Convention: computed in `Double`, two passes (mean, then the sum of squared deviations),
/// divided by n (numpy's and scikit-learn's `StandardScaler` default); a zero deviation stays 0.
package struct ColumnStatistics: Sendable, Equatable {
    package let mean: [Double]
    /// The population variance; `std` is its square root.
    package let variance: [Double]
    package let count: Int

    package var std: [Double] { variance.map { $0.squareRoot() } }

    /// The statistics of `rows` of `matrix`.
    init(_ matrix: FeatureMatrix, rows: [Int]) {
        self.init(rows.map { matrix.row($0) }, columns: matrix.columnCount)
    }

    /// The statistics of `vectors`, each `columns` values long.
    package init<Vector: Collection<Float>>(_ vectors: [Vector], columns: Int) {
        let n = Double(vectors.count)
        var mean = [Double](repeating: 0, count: columns)
        for vector in vectors {
            for (j, value) in vector.enumerated() { mean[j] += Double(value) }
        }
        for j in 0..<columns { mean[j] /= n }
        var squares = [Double](repeating: 0, count: columns)
        for vector in vectors {
            for (j, value) in vector.enumerated() {
                let d = Double(value) - mean[j]
                squares[j] += d * d
            }
        }
        self.mean = mean
        self.variance = squares.map { $0 / n }
        self.count = vectors.count
    }
}
