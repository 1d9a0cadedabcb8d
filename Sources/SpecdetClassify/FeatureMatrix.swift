import SpecdetSupport
/// Feature vectors in one contiguous row-major buffer, checked once on the way in so the
/// solvers and the metric code can trust every row.
struct FeatureMatrix: Sendable {
    let rowCount: Int
    let columnCount: Int
    /// Row-major, `rowCount * columnCount` values.
    var values: [Float]

    /// Copies `rows`, refusing ragged rows, a wrong length or a non-finite value.
    init(validating rows: [[Float]], columns: Int) throws(SpecdetError) {
        guard columns > 0 else {
            throw SpecdetError(.invalidInput, "the feature configuration has \(columns) bins")
        }
        var values: [Float] = []
        values.reserveCapacity(rows.count * columns)
        for (index, row) in rows.enumerated() {
            guard row.count == columns else {
                throw SpecdetError(
                    .dimensionMismatch,
                    "feature vector \(index) has \(row.count) values, the configuration has \(columns) bins")
            }
            guard row.allSatisfy(\.isFinite) else {
                throw SpecdetError(.nonFiniteValue, "feature vector \(index) contains NaN or infinity")
            }
            values.append(contentsOf: row)
        }
        self.init(rowCount: rows.count, columnCount: columns, values: values)
    }

    init(rowCount: Int, columnCount: Int, values: [Float]) {
        precondition(values.count == rowCount * columnCount)
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values
    }

    /// Row `index` as a slice of `values`.
    func row(_ index: Int) -> ArraySlice<Float> {
        values[index * columnCount ..< (index + 1) * columnCount]
    }
}

/// Checks that labels are 0 (real) or 1 (fake), one per row, with both classes present
/// among `rows`.
func validateTrainingLabels(_ labels: [Int], rowCount: Int, rows: [Int]) throws(SpecdetError) {
    guard labels.count == rowCount else {
        throw SpecdetError(.invalidInput, "\(labels.count) labels for \(rowCount) feature vectors")
    }
    if let bad = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
        throw SpecdetError(.invalidInput, "label \(labels[bad]) at index \(bad): labels must be 0 (real) or 1 (fake)")
    }
    let fakes = rows.reduce(0) { $0 + labels[$1] }
    guard fakes > 0, fakes < rows.count else {
        throw SpecdetError(
            .invalidInput,
            "training needs both classes; got \(rows.count - fakes) real and \(fakes) fake samples")
    }
}
