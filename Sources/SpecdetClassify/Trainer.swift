import Foundation
import SpecdetProfile

/// Trains detectors with liblinear (logistic regression) and libsvm (SVMs).
///
/// Conventions: `features[i]` is one profile of `feature.bins` values; `labels[i]` is 0 for
/// real, 1 for fake; the same data and options give the same model, byte for byte (given a
/// fixed `TrainingOptions.date`). Calls into the solvers are serialised process-wide.
public struct Trainer: Sendable {
    /// The feature definition the vectors were computed with, stored in the model.
    public var feature: ProfileConfiguration
    /// The training options.
    public var options: TrainingOptions

    /// A trainer for vectors computed with `feature`.
    public init(feature: ProfileConfiguration, options: TrainingOptions = TrainingOptions()) {
        self.feature = feature
        self.options = options
    }

    /// Trains a model on all samples.
    ///
    /// - Parameters:
    ///   - groups: optional group name per sample (e.g. the source photo); used only to keep
    ///     groups together in the inner folds of a grid search.
    ///   - crossValidation: a result of `CrossValidation.run` to record in the model.
    /// - Throws: `.invalidOptions`, `.invalidInput` (labels not 0/1, one class only, counts
    ///   differ), `.dimensionMismatch`/`.nonFiniteValue` for bad vectors, `.solverFailed`.
    public func train(
        features: [[Float]], labels: [Int], groups: [String]? = nil,
        crossValidation: CrossValidationResult? = nil
    ) throws(ModelError) -> DetectorModel {
        let matrix = try FeatureMatrix(validating: features, columns: feature.bins)
        try checkGroups(groups, count: matrix.rowCount)
        return try fit(
            matrix, labels: labels, groups: groups, rows: Array(0..<matrix.rowCount), crossValidation: crossValidation)
    }

    /// Trains on `rows` of `matrix` (all samples, or one cross-validation fold's training part).
    func fit(
        _ matrix: FeatureMatrix, labels: [Int], groups: [String]?, rows: [Int],
        crossValidation: CrossValidationResult? = nil
    ) throws(ModelError) -> DetectorModel {
        try validateOptions()
        try validateTrainingLabels(labels, rowCount: matrix.rowCount, rows: rows)
        let kind = options.classifier
        var c = options.c ?? TrainingOptions.publishedC(for: kind)
        var gamma = kind == .svm ? options.gamma ?? TrainingOptions.publishedGamma : nil
        var gridResult: GridSearchResult?
        if let grid = options.gridSearch {
            (c, gamma, gridResult) = try search(grid, matrix, labels: labels, groups: groups, rows: rows)
        }
        let scaler = options.standardize || options.gridSearch != nil ? Standardizer(fitting: matrix, rows: rows) : nil
        let (classifier, solver) = try fitClassifier(
            scaler?.transform(matrix) ?? matrix, labels: labels, rows: rows, c: c, gamma: gamma, probability: true)
        let fakes = rows.reduce(0) { $0 + labels[$1] }
        let model = DetectorModel(
            feature: feature, scaler: scaler, classifier: classifier,
            threshold: options.threshold ?? classifier.probability(decision: 0),
            hyperparameters: Hyperparameters(classifier: kind, c: c, gamma: gamma, gridSearch: gridResult),
            training: TrainingRecord(
                nReal: rows.count - fakes, nFake: fakes, crossValidation: crossValidation,
                toolVersion: options.toolVersion, date: (options.date ?? Date()).ISO8601Format(),
                augmentation: options.augmentation, seed: options.seed, solver: solver))
        try model.validate()
        return model
    }

    /// Trains the configured classifier with the given C and γ on `rows` of `x`.
    func fitClassifier(
        _ x: FeatureMatrix, labels: [Int], rows: [Int], c: Double, gamma: Double?, probability: Bool
    ) throws(ModelError) -> (Classifier, solver: String) {
        switch options.classifier {
        case .logistic:
            let (solution, _) = try LinearSolver.trainLogistic(x, labels: labels, rows: rows, c: c)
            return (.logistic(weights: solution.weights, bias: solution.bias), LinearSolver.solverDescription)
        case .svmLinear, .svm:
            let kernel: SupportVectorSolver.Kernel = gamma.map { .rbf(gamma: $0) } ?? .linear
            let (classifier, _) = try SupportVectorSolver.train(
                x, labels: labels, rows: rows, kernel: kernel, c: c, probability: probability, seed: options.seed)
            let evaluation = SupportVectorSolver.automaticEvaluation(count: rows.count)
            return (classifier, SupportVectorSolver.solverDescription(probability: probability, evaluation: evaluation))
        }
    }

    /// The inner-CV grid search documented on `GridSearch`.
    private func search(
        _ grid: GridSearch, _ matrix: FeatureMatrix, labels: [Int], groups: [String]?, rows: [Int]
    ) throws(ModelError) -> (c: Double, gamma: Double?, GridSearchResult) {
        let innerFolds = try CrossValidation.folds(
            labels: rows.map { labels[$0] }, groups: groups.map { names in rows.map { names[$0] } }, k: grid.folds,
            seed: options.seed)
        // One standardised copy per inner fold, fitted on that fold's training part.
        let splits = (0..<grid.folds).map { fold in
            let train = zip(rows, innerFolds).filter { $0.1 != fold }.map(\.0)
            let test = zip(rows, innerFolds).filter { $0.1 == fold }.map(\.0)
            return (train: train, test: test, x: Standardizer(fitting: matrix, rows: train).transform(matrix))
        }
        let gammas: [Double?] =
            options.classifier == .svm ? grid.gammaFactors.map { $0 / Double(matrix.columnCount) } : [nil]
        var best: (c: Double, gamma: Double?, balancedAccuracy: Double, rocAUC: Double?)?
        for c in grid.cValues {
            for gamma in gammas {
                var balancedAccuracies: [Double] = []
                var aucs: [Double] = []
                for split in splits {
                    try validateTrainingLabels(labels, rowCount: matrix.rowCount, rows: split.train)
                    let (classifier, _) = try fitClassifier(
                        split.x, labels: labels, rows: split.train, c: c, gamma: gamma, probability: false)
                    let scores = ScoredSamples(
                        validLabels: split.test.map { labels[$0] },
                        scores: split.test.map { classifier.decisionValue(Array(split.x.row($0))) })
                    balancedAccuracies.append(scores.confusion(threshold: 0).balancedAccuracy)
                    if let auc = scores.rocAUC { aucs.append(auc) }
                }
                let balancedAccuracy = mean(balancedAccuracies)
                let rocAUC = aucs.isEmpty ? nil : mean(aucs)
                if let current = best,
                    balancedAccuracy < current.balancedAccuracy
                        || balancedAccuracy == current.balancedAccuracy && (rocAUC ?? -1) <= (current.rocAUC ?? -1)
                {
                    continue
                }
                best = (c, gamma, balancedAccuracy, rocAUC)
            }
        }
        guard let best else { throw ModelError(.invalidOptions, "the grid search has no C values") }
        return (
            best.c, best.gamma,
            GridSearchResult(
                grid: grid, grouped: groups != nil, balancedAccuracy: best.balancedAccuracy, rocAUC: best.rocAUC)
        )
    }

    private func validateOptions() throws(ModelError) {
        func positive(_ value: Double?, _ name: String) throws(ModelError) {
            if let value, !(value.isFinite && value > 0) {
                throw ModelError(.invalidOptions, "\(name) must be a positive number, got \(value)")
            }
        }
        try positive(options.c, "C")
        try positive(options.gamma, "gamma")
        if options.gamma != nil && options.classifier != .svm {
            throw ModelError(.invalidOptions, "gamma applies to the RBF SVM (svm) only, not \(options.classifier.rawValue)")
        }
        if let threshold = options.threshold, !(0...1).contains(threshold) {
            throw ModelError(.invalidOptions, "the threshold is a probability between 0 and 1, got \(threshold)")
        }
        if let grid = options.gridSearch {
            guard grid.folds >= 2 else {
                throw ModelError(.invalidOptions, "the grid search needs at least 2 folds, got \(grid.folds)")
            }
            guard !grid.cValues.isEmpty, options.classifier != .svm || !grid.gammaFactors.isEmpty else {
                throw ModelError(.invalidOptions, "the grid search has an empty grid")
            }
            for value in grid.cValues { try positive(value, "every grid C") }
            for value in grid.gammaFactors { try positive(value, "every grid gamma factor") }
        }
    }
}

/// Checks that there is one group name per sample, when groups are given.
func checkGroups(_ groups: [String]?, count: Int) throws(ModelError) {
    if let groups, groups.count != count {
        throw ModelError(.invalidInput, "\(groups.count) group names for \(count) samples")
    }
}

/// The arithmetic mean (NaN for no values).
func mean(_ values: [Double]) -> Double {
    values.reduce(0, +) / Double(values.count)
}
