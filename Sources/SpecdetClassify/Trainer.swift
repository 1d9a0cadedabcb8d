import Foundation
import SpecdetProfile
import SpecdetSupport

/// Trains detectors with liblinear (logistic regression) and libsvm (SVMs).
///
/// Conventions: `features[i]` is one profile of `feature.bins` values; `labels[i]` is 0 for
/// real, 1 for fake; the same data and options give the same model, byte for byte (given a
/// fixed `TrainingOptions.date`). Calls into the solvers are serialised process-wide.
package struct Trainer: Sendable {
    /// The feature definition the vectors were computed with, stored in the model.
    package var feature: ProfileConfiguration
    /// The training options.
    package var options: TrainingOptions

    /// A trainer for vectors computed with `feature`.
    package init(feature: ProfileConfiguration, options: TrainingOptions = TrainingOptions()) {
        self.feature = feature
        self.options = options
    }

    /// Trains a model on all samples; the model keeps the class statistics of the originals
    /// (`ClassMeans`).
    ///
    /// - Parameters:
    ///   - groups: optional group name per sample (e.g. the source photo); used only to keep
    ///     groups together in the inner folds of a grid search.
    ///   - rounds: optional augmentation round per sample: 0 for an original image, r ≥ 1 for
    ///     a copy drawn in round r. With rounds, one classifier is trained per round present, on
    ///     the originals and that round's copies, and the model is their average
    ///     (`Classifier.average`); a grid search runs on the first round's samples, the
    ///     scaler is fitted on all. Without, one classifier is trained on all samples.
    ///   - crossValidation: a result of `CrossValidation.run` to record in the model.
    /// - Throws: `.invalidOptions`, `.invalidInput` (labels not 0/1, one class only, counts
    ///   differ, a negative round), `.dimensionMismatch`/`.nonFiniteValue` for bad vectors,
    ///   `.solverFailed`.
    package func train(
        features: [[Float]], labels: [Int], groups: [String]? = nil, rounds: [Int]? = nil,
        crossValidation: CrossValidationResult? = nil
    ) throws(SpecdetError) -> DetectorModel {
        let matrix = try FeatureMatrix(validating: features, columns: feature.bins)
        try checkGroups(groups, count: matrix.rowCount)
        try checkRounds(rounds, count: matrix.rowCount)
        var model = try fit(
            matrix, labels: labels, groups: groups, rounds: rounds, rows: Array(0..<matrix.rowCount),
            crossValidation: crossValidation)
        let originals = features.indices.filter { (rounds?[$0] ?? 0) == 0 }
        model.classMeans = ClassMeans(ProfileComparison(features: originals.map { features[$0] },
                                                        labels: originals.map { labels[$0] }, configuration: feature))
        try model.validate()
        return model
    }

    /// Trains on `rows` of `matrix` (all samples, or one cross-validation fold's training part).
    func fit(
        _ matrix: FeatureMatrix, labels: [Int], groups: [String]?, rounds: [Int]?, rows: [Int],
        crossValidation: CrossValidationResult? = nil
    ) throws(SpecdetError) -> DetectorModel {
        try validateOptions()
        try validateTrainingLabels(labels, rowCount: matrix.rowCount, rows: rows)
        let memberRows = Self.rowsOfEachRound(rows, rounds: rounds)
        let kind = options.classifier
        var c = options.c ?? TrainingOptions.publishedC(for: kind)
        var gamma = kind == .svm ? options.gamma ?? TrainingOptions.publishedGamma : nil
        var gridResult: GridSearchResult?
        if let grid = options.gridSearch {
            (c, gamma, gridResult) = try search(grid, matrix, labels: labels, groups: groups, rows: memberRows[0])
        }
        let scaler = options.standardize || options.gridSearch != nil ? Standardizer(fitting: matrix, rows: rows) : nil
        let x = scaler?.transform(matrix) ?? matrix
        var members: [Classifier] = []
        var solver = ""
        var landmarkCount: Int?
        if let landmarks = options.landmarks, let gamma {
            // One landmark map for every round, so that the rounds' averages share support vectors.
            let map = try NystroemSolver.FeatureMap(x, rows: rows, count: landmarks, gamma: gamma, seed: options.seed)
            let phi = map.features(of: x, rows: rows, threads: options.threads)
            let position = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
            let rowLabels = rows.map { labels[$0] }
            for member in memberRows {
                try validateTrainingLabels(labels, rowCount: matrix.rowCount, rows: member)
                members.append(try NystroemSolver.train(map, phi: phi, labels: rowLabels, positions: member.map { position[$0]! }, c: c,
                                                       seed: options.seed))
            }
            landmarkCount = map.count
            solver = "Nyström map over \(map.count) landmarks (ridge \(map.ridge)), then " + LinearSolver.hingeSolverDescription
        } else {
            for member in memberRows {
                try validateTrainingLabels(labels, rowCount: matrix.rowCount, rows: member)
                let classifier: Classifier
                (classifier, solver) = try fitClassifier(
                    x, labels: labels, rows: member, c: c, gamma: gamma, probability: options.solverProbabilities)
                members.append(classifier)
            }
        }
        if members.count > 1 {
            solver += "; the mean of \(members.count) such classifiers, one per augmentation round"
                + (options.solverProbabilities && options.landmarks == nil ? " (Platt's A and B averaged)" : "")
        }
        let classifier = Classifier.average(members)
        let fakes = rows.reduce(0) { $0 + labels[$1] }
        let model = DetectorModel(
            feature: feature, scaler: scaler, classifier: classifier,
            threshold: options.threshold ?? classifier.probability(decision: 0),
            hyperparameters: Hyperparameters(classifier: kind, c: c, gamma: gamma, gridSearch: gridResult,
                                             landmarks: landmarkCount),
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
    ) throws(SpecdetError) -> (Classifier, solver: String) {
        switch options.classifier {
        case .logistic:
            let (solution, _) = try LinearSolver.trainLogistic(x, labels: labels, rows: rows, c: c)
            return (.logistic(weights: solution.weights, bias: solution.bias), LinearSolver.solverDescription)
        case .svmLinear, .svm:
            let kernel: SupportVectorSolver.Kernel = gamma.map { .rbf(gamma: $0) } ?? .linear
            let (classifier, _) = try SupportVectorSolver.train(
                x, labels: labels, rows: rows, kernel: kernel, c: c, probability: probability, seed: options.seed,
                threads: options.threads)
            let evaluation = SupportVectorSolver.automaticEvaluation(count: rows.count)
            return (classifier, SupportVectorSolver.solverDescription(probability: probability, evaluation: evaluation))
        }
    }

    /// The inner-CV grid search documented on `GridSearch`.
    private func search(
        _ grid: GridSearch, _ matrix: FeatureMatrix, labels: [Int], groups: [String]?, rows: [Int]
    ) throws(SpecdetError) -> (c: Double, gamma: Double?, GridSearchResult) {
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
        guard let best else { throw SpecdetError(.invalidOptions, "the grid search has no C values") }
        return (
            best.c, best.gamma,
            GridSearchResult(
                grid: grid, grouped: groups != nil, balancedAccuracy: best.balancedAccuracy, rocAUC: best.rocAUC)
        )
    }

    private func validateOptions() throws(SpecdetError) {
        func positive(_ value: Double?, _ name: String) throws(SpecdetError) {
            if let value, !(value.isFinite && value > 0) {
                throw SpecdetError(.invalidOptions, "\(name) must be a positive number, got \(value)")
            }
        }
        try positive(options.c, "C")
        try positive(options.gamma, "gamma")
        if options.gamma != nil && options.classifier != .svm {
            throw SpecdetError(.invalidOptions, "gamma applies to the RBF SVM (svm) only, not \(options.classifier.rawValue)")
        }
        if let landmarks = options.landmarks {
            guard options.classifier == .svm else {
                throw SpecdetError(.invalidOptions, "landmarks apply to the RBF SVM (svm) only, not \(options.classifier.rawValue)")
            }
            guard (1...NystroemSolver.maximumLandmarks).contains(landmarks) else {
                throw SpecdetError(.invalidOptions, "landmarks must be between 1 and \(NystroemSolver.maximumLandmarks), got \(landmarks)")
            }
            guard options.gridSearch == nil else {
                throw SpecdetError(.invalidOptions, "the grid search trains libsvm models: it does not take landmarks")
            }
        }
        if let threshold = options.threshold, !(0...1).contains(threshold) {
            throw SpecdetError(.invalidOptions, "the threshold is a probability between 0 and 1, got \(threshold)")
        }
        if let grid = options.gridSearch {
            guard grid.folds >= 2 else {
                throw SpecdetError(.invalidOptions, "the grid search needs at least 2 folds, got \(grid.folds)")
            }
            guard !grid.cValues.isEmpty, options.classifier != .svm || !grid.gammaFactors.isEmpty else {
                throw SpecdetError(.invalidOptions, "the grid search has an empty grid")
            }
            for value in grid.cValues { try positive(value, "every grid C") }
            for value in grid.gammaFactors { try positive(value, "every grid gamma factor") }
        }
    }
}

extension Trainer {
    /// `model` with its probabilities and threshold set from out-of-fold evidence: for an SVM,
    /// Platt's sigmoid fitted to the out-of-fold decision values of the original images
    /// (`PlattScaling.fit`; libsvm's own fit uses random folds that ignore groups); then the
    /// threshold `rule` picks (`OperatingPoint.choose`), recorded with what it gave out of fold.
    /// A false-positive target counts every sample, originals and copies, or only those
    /// `targeted` marks (whose inputs the model then records).
    ///
    /// - Throws: `.invalidInput` if the scores lack a class, if `targeted` has not one flag per
    ///   out-of-fold score, or if a target counts no real sample.
    package static func calibrated(
        _ model: DetectorModel, outOfFold: [OutOfFoldScore], rule: OperatingPoint.Rule, targetFPR: Double?,
        targeted: TargetedReals? = nil
    ) throws(SpecdetError) -> DetectorModel {
        var model = model
        let originals = outOfFold.filter(\.original)
        let decisions = originals.map(\.decision), labels = originals.map(\.label)
        guard labels.contains(0) && labels.contains(1) else {
            throw SpecdetError(.invalidInput, "out-of-fold scores of both classes are needed to choose a threshold")
        }
        switch model.classifier {
        case .rbfSVM(let gamma, let vectors, let coefficients, let rho, _):
            model.classifier = .rbfSVM(gamma: gamma, supportVectors: vectors, coefficients: coefficients, rho: rho,
                                       platt: PlattScaling.fit(decisionValues: decisions, labels: labels))
        case .linearSVM(let weights, let bias, _):
            model.classifier = .linearSVM(weights: weights, bias: bias,
                                          platt: PlattScaling.fit(decisionValues: decisions, labels: labels))
        case .logistic:
            break
        }
        let classifier = model.classifier
        let scores = try ScoredSamples(labels: labels, scores: decisions.map { classifier.probability(decision: $0) })
        if let targeted, targeted.counted.count != outOfFold.count {
            throw SpecdetError(.invalidInput, "\(targeted.counted.count) target flags for \(outOfFold.count) out-of-fold scores")
        }
        let target = rule == .targetFPR ? targeted : nil
        let countedScores = target.map { zip(outOfFold, $0.counted).filter(\.1).map(\.0) } ?? outOfFold
        if rule == .targetFPR && !countedScores.contains(where: { $0.label == 0 }) {
            throw SpecdetError(.invalidInput, "the false-positive target counts no real image with an out-of-fold score")
        }
        let counted = try ScoredSamples(labels: countedScores.map(\.label),
                                        scores: countedScores.map { classifier.probability(decision: $0.decision) })
        let (point, threshold) = OperatingPoint.choose(rule, targetFPR: targetFPR, originals: scores, counted: counted,
                                                       signThreshold: classifier.probability(decision: 0))
        model.operatingPoint = point
        model.operatingPoint?.targetFPROn = target?.inputs
        model.threshold = threshold
        model.training.solver += "; probabilities and threshold from out-of-fold scores"
        try model.validate()
        return model
    }

    /// The domain of the training profiles, originals and copies, its bound from out-of-fold
    /// distances over `folds` (the cross-validation's, or five folds dealt by original without
    /// it), with the support-vector bound from `outOfFold`'s distances when they have them,
    /// and, from `sizes` (one per row, nil where unknown), the aspect-ratio bound (2, or the same
    /// quantile of the ratios if larger) and the short-side bound (the mirror quantile of the
    /// short sides, in pixels); rounded as a model file stores it.
    package static func domain(features: [[Float]], rounds: [Int], folds: [Int]?, outOfFold: [OutOfFoldScore]? = nil,
                               sizes: [(width: Int, height: Int)?] = []) throws(SpecdetError) -> DomainBound
    {
        // Without cross-validation folds, every fifth original (with its copies, which follow it) is a fold.
        var originals = -1
        let sampleFolds = features.indices.map { index in
            if rounds[index] == 0 { originals += 1 }
            return folds?[index] ?? max(originals, 0) % 5
        }
        var domain = try DomainBound.fit(features, folds: sampleFolds).asStored
        let distances = outOfFold?.compactMap(\.nearestSupportVector) ?? []
        if !distances.isEmpty {
            domain.supportVectorBound = DomainBound.quantile(domain.quantile, of: distances)
        }
        // Quantiles, as for the distances: one odd banner or thumbnail among 200 images or more
        // does not move a bound.
        let known = sizes.compactMap { $0 }
        let ratios = known.map { DomainBound.aspectRatio(width: $0.width, height: $0.height) }
        domain.largestAspectRatio = max(DomainBound.squareProfilesAspectRatio,
                                        ratios.isEmpty ? 1 : DomainBound.quantile(domain.quantile, of: ratios))
        domain.smallestSide = known.isEmpty ? nil
            : Int(DomainBound.lowerQuantile(domain.quantile, of: known.map { Double(min($0.width, $0.height)) }))
        return domain
    }

    /// The training rows of each round's classifier: the originals (round 0) with that round's
    /// copies, for each round that has copies among `rows`, in round order; all of `rows` as one
    /// member when there are no rounds or only originals.
    static func rowsOfEachRound(_ rows: [Int], rounds: [Int]?) -> [[Int]] {
        guard let rounds else { return [rows] }
        let present = Set(rows.map { rounds[$0] }).subtracting([0]).sorted()
        guard !present.isEmpty else { return [rows] }
        return present.map { round in rows.filter { rounds[$0] == 0 || rounds[$0] == round } }
    }
}

/// Checks that there is one round per sample and no negative one, when rounds are given.
func checkRounds(_ rounds: [Int]?, count: Int) throws(SpecdetError) {
    guard let rounds else { return }
    guard rounds.count == count else {
        throw SpecdetError(.invalidInput, "\(rounds.count) augmentation rounds for \(count) samples")
    }
    if let negative = rounds.first(where: { $0 < 0 }) {
        throw SpecdetError(.invalidInput, "augmentation round \(negative) is negative")
    }
}

/// Checks that there is one group name per sample, when groups are given.
func checkGroups(_ groups: [String]?, count: Int) throws(SpecdetError) {
    if let groups, groups.count != count {
        throw SpecdetError(.invalidInput, "\(groups.count) group names for \(count) samples")
    }
}

/// The arithmetic mean (NaN for no values).
func mean(_ values: [Double]) -> Double {
    values.reduce(0, +) / Double(values.count)
}
