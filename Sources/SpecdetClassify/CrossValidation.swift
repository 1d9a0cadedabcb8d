import SpecdetProfile
import SpecdetSupport
/// Deterministic fold assignment and cross-validation of a `Trainer`.
///
/// Both fold rules are fully specified here so that other tools (e.g. a Python script reading
/// a folds file) can reproduce them exactly.
package enum CrossValidation {
    /// The fold (0..<k) of every sample.
    ///
    /// **With groups** (grouped k-fold; `seed` unused): all samples of a group go to one fold.
    /// Groups are ordered by size, largest first, then by name compared as UTF-8 bytes
    /// (ascending; equal to Python's `str` order); each group in turn goes to the fold with
    /// the fewest samples so far, ties going to the lowest fold index. Names are compared as
    /// bytes, so canonically equivalent but differently encoded names are different groups.
    ///
    /// **Without groups** (stratified k-fold): the indices of the real samples (ascending) are
    /// shuffled, then those of the fakes, with one `SplitMix64(seed)` generator in that order.
    /// The shuffle is Fisher–Yates from the end: for i = n−1 down to 1, j = next() % (i + 1),
    /// swap items i and j. The t-th shuffled real goes to fold t % k, the t-th shuffled fake to
    /// fold (n_real + t) % k, so fold sizes differ by at most one overall and per class.
    ///
    /// - Throws: `.invalidInput` if `k < 2`, the counts differ, a label is not 0/1, there are
    ///   fewer than k groups, or (stratified) a class has fewer than k samples.
    package static func folds(labels: [Int], groups: [String]? = nil, k: Int, seed: UInt64 = 0) throws(SpecdetError) -> [Int] {
        guard k >= 2 else { throw SpecdetError(.invalidInput, "cross-validation needs at least 2 folds, got \(k)") }
        if let bad = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw SpecdetError(.invalidInput, "label \(labels[bad]) at index \(bad): labels must be 0 (real) or 1 (fake)")
        }
        try checkGroups(groups, count: labels.count)
        if let groups { return try groupedFolds(groups: groups, k: k) }
        return try stratifiedFolds(labels: labels, k: k, seed: seed)
    }

    /// The fold of every sample when samples come in units that must share a fold: an image
    /// and its augmented copies (and any repeat of its path), or the members of a user's group.
    ///
    /// `grouped`: the units are groups, assigned as `folds(labels:groups:k:seed:)` does.
    /// Otherwise each distinct unit, in order of first appearance, takes the label of its first
    /// sample, and the units are dealt into stratified folds as `folds(labels:k:seed:)` deals
    /// samples; every sample follows its unit.
    package static func folds(labels: [Int], units: [String], k: Int, seed: UInt64, grouped: Bool) throws(SpecdetError) -> [Int] {
        if grouped { return try folds(labels: labels, groups: units, k: k, seed: seed) }
        try checkGroups(units, count: labels.count)
        var unitIndex: [String: Int] = [:], unitLabels: [Int] = []
        for (name, label) in zip(units, labels) where unitIndex[name] == nil {
            unitIndex[name] = unitLabels.count
            unitLabels.append(label)
        }
        let unitFolds = try folds(labels: unitLabels, k: k, seed: seed)
        return units.map { unitFolds[unitIndex[$0]!] }
    }

    private static func groupedFolds(groups: [String], k: Int) throws(SpecdetError) -> [Int] {
        var members: [[UInt8]: [Int]] = [:]
        for (index, name) in groups.enumerated() { members[Array(name.utf8), default: []].append(index) }
        guard members.count >= k else {
            throw SpecdetError(.invalidInput, "\(k) folds need at least \(k) groups, got \(members.count)")
        }
        let ordered = members.sorted { a, b in
            a.value.count != b.value.count ? a.value.count > b.value.count : a.key.lexicographicallyPrecedes(b.key)
        }
        var sizes = [Int](repeating: 0, count: k)
        var folds = [Int](repeating: 0, count: groups.count)
        for (_, indices) in ordered {
            let fold = sizes.indices.min { sizes[$0] != sizes[$1] ? sizes[$0] < sizes[$1] : $0 < $1 }!
            sizes[fold] += indices.count
            for index in indices { folds[index] = fold }
        }
        return folds
    }

    private static func stratifiedFolds(labels: [Int], k: Int, seed: UInt64) throws(SpecdetError) -> [Int] {
        var generator = SplitMix64(seed: seed)
        var folds = [Int](repeating: 0, count: labels.count)
        var offset = 0
        for label in [0, 1] {
            var indices = labels.indices.filter { labels[$0] == label }
            guard indices.count >= k else {
                let name = label == 0 ? "real" : "fake"
                throw SpecdetError(.invalidInput, "\(k) stratified folds need at least \(k) \(name) samples, got \(indices.count)")
            }
            var i = indices.count - 1
            while i > 0 {
                indices.swapAt(i, Int(generator.next() % UInt64(i + 1)))
                i -= 1
            }
            for (t, index) in indices.enumerated() { folds[index] = (offset + t) % k }
            offset += indices.count
        }
        return folds
    }

    /// Trains `trainer` on all folds but one and scores the held-out fold, for every fold.
    ///
    /// Each fold's model is trained exactly as `trainer.train` would (its own scaler, its own
    /// inner grid search if enabled, with `groups` restricted to the fold's training part);
    /// held-out samples are scored by `P(fake)` and called fake when `P(fake) ≥` the fold
    /// model's threshold (its decision sign: a fold model is not calibrated). Also returns the
    /// out-of-fold decision value of every sample, scored or not (augmented copies too), from
    /// which a final model's probabilities and threshold are chosen (`Trainer.calibrated`).
    /// Folds run one after another.
    ///
    /// - Parameters:
    ///   - groups: group names for the inner folds of each fold's grid search (see `Trainer`).
    ///   - rounds: the augmentation round of each sample, as for `Trainer.train`.
    ///   - folds: the fold of every sample, e.g. from `folds(labels:groups:k:seed:)`; fold
    ///     numbers need not be contiguous, empty folds are skipped.
    ///   - grouped: whether `folds` keep groups together, recorded in the result (the caller
    ///     drew them; `groups` alone does not say, e.g. groups that only tie copies to an image).
    ///   - scored: which samples the fold metrics count (default all); e.g. only the originals
    ///     when augmented copies are trained on but should not be tested.
    /// - Throws: as `Trainer.train`; `.invalidInput` if a fold's training part lacks a class.
    package static func run(
        _ trainer: Trainer, features: [[Float]], labels: [Int], groups: [String]? = nil, rounds: [Int]? = nil,
        folds: [Int], grouped: Bool, scored: [Bool]? = nil
    ) throws(SpecdetError) -> (result: CrossValidationResult, outOfFold: [OutOfFoldScore]) {
        let matrix = try FeatureMatrix(validating: features, columns: trainer.feature.bins)
        guard folds.count == matrix.rowCount else {
            throw SpecdetError(.invalidInput, "\(folds.count) fold numbers for \(matrix.rowCount) samples")
        }
        try checkGroups(groups, count: matrix.rowCount)
        try checkRounds(rounds, count: matrix.rowCount)
        if let scored, scored.count != matrix.rowCount {
            throw SpecdetError(.invalidInput, "\(scored.count) scored flags for \(matrix.rowCount) samples")
        }
        var results: [FoldMetrics] = []
        var outOfFold: [(index: Int, decision: Double, nearest: Double?)] = []
        for fold in Set(folds).sorted() {
            let train = folds.indices.filter { folds[$0] != fold }
            let heldOut = folds.indices.filter { folds[$0] == fold }
            let trainingFakes = train.reduce(0) { $0 + labels[$1] }
            guard trainingFakes > 0, trainingFakes < train.count else {
                let missing = trainingFakes == 0 ? "fake" : "real"
                throw SpecdetError(.invalidInput, "every \(missing) image falls in cross-validation fold \(fold), so the "
                                   + "model trained without that fold has none to learn from"
                                   + (grouped ? "; the \(missing) images need more groups (--groups), or use fewer --folds" : ""))
            }
            let model = try trainer.fit(matrix, labels: labels, groups: groups, rounds: rounds, rows: train)
            let assessed = try model.assessments(heldOut.map { Array(matrix.row($0)) }, threads: trainer.options.threads)
            outOfFold += zip(heldOut, assessed).map { ($0, $1.decision, $1.nearestSupportVector) }
            let decisions = assessed.map(\.decision)
            let test = zip(heldOut, decisions).filter { scored?[$0.0] ?? true }
            let scored = try ScoredSamples(labels: test.map { labels[$0.0] },
                                           scores: test.map { model.classifier.probability(decision: $0.1) })
            let counts = scored.confusion(threshold: model.threshold)
            results.append(
                FoldMetrics(
                    fold: fold, nReal: scored.negativeCount, nFake: scored.positiveCount, accuracy: counts.accuracy,
                    balancedAccuracy: counts.balancedAccuracy, rocAUC: scored.rocAUC))
        }
        let scores = outOfFold.sorted { $0.index < $1.index }.map {
            OutOfFoldScore(decision: $0.decision, label: labels[$0.index], original: (rounds?[$0.index] ?? 0) == 0,
                           nearestSupportVector: $0.nearest)
        }
        return (CrossValidationResult(folds: results, grouped: grouped), scores)
    }
}

/// A scored sample's decision value from the cross-validation model that did not train on it.
package struct OutOfFoldScore: Sendable, Equatable {
    package var decision: Double
    /// 0 real, 1 fake.
    package var label: Int
    /// An original image rather than an augmented copy.
    package var original: Bool
    /// Its distance to the nearest support vector of that model (RBF SVMs only).
    package var nearestSupportVector: Double? = nil
}

/// Held-out metrics of one cross-validation fold.
package struct FoldMetrics: Codable, Sendable, Equatable {
    /// The fold number.
    package var fold: Int
    /// Real samples held out.
    package var nReal: Int
    /// Fake samples held out.
    package var nFake: Int
    /// Accuracy at the model's threshold.
    package var accuracy: Double
    /// Balanced accuracy at the model's threshold (mean recall of the classes present).
    package var balancedAccuracy: Double
    /// ROC AUC of `P(fake)`; `nil` when the fold holds one class only.
    package var rocAUC: Double?

    private enum CodingKeys: String, CodingKey {
        case fold
        case nReal = "n_real"
        case nFake = "n_fake"
        case accuracy
        case balancedAccuracy = "balanced_accuracy"
        case rocAUC = "roc_auc"
    }

    /// One fold's metrics.
    package init(fold: Int, nReal: Int, nFake: Int, accuracy: Double, balancedAccuracy: Double, rocAUC: Double?) {
        self.fold = fold
        self.nReal = nReal
        self.nFake = nFake
        self.accuracy = accuracy
        self.balancedAccuracy = balancedAccuracy
        self.rocAUC = rocAUC
    }
}

/// Per-fold and mean held-out metrics of a cross-validation, as stored in a model's training record.
package struct CrossValidationResult: Codable, Sendable, Equatable {
    /// Number of (non-empty) folds.
    package var k: Int
    /// Whether folds kept groups together.
    package var grouped: Bool
    /// Mean accuracy over folds.
    package var accuracy: Double
    /// Mean balanced accuracy over folds.
    package var balancedAccuracy: Double
    /// Mean ROC AUC over the folds where it is defined; `nil` if none.
    package var rocAUC: Double?
    /// Every fold's metrics, by fold number.
    package var folds: [FoldMetrics]

    private enum CodingKeys: String, CodingKey {
        case k, grouped, accuracy
        case balancedAccuracy = "balanced_accuracy"
        case rocAUC = "roc_auc"
        case folds
    }

    /// Summarises per-fold metrics.
    package init(folds: [FoldMetrics], grouped: Bool) {
        let aucs = folds.compactMap(\.rocAUC)
        self.k = folds.count
        self.grouped = grouped
        self.accuracy = mean(folds.map(\.accuracy))
        self.balancedAccuracy = mean(folds.map(\.balancedAccuracy))
        self.rocAUC = aucs.isEmpty ? nil : mean(aucs)
        self.folds = folds
    }
}
