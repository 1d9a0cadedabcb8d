import SpecdetSupport
/// Labelled scores (labels real = 0 / fake = 1, higher score = more fake, e.g. `P(fake)`) and
/// the metrics specdet reports on them, with scikit-learn's definitions.
package struct ScoredSamples: Sendable, Equatable {
    /// 0 (real) or 1 (fake) per sample.
    package let labels: [Int]
    /// One finite score per sample; higher means more likely fake.
    package let scores: [Double]

    /// Checks and keeps the samples.
    ///
    /// - Throws: `.invalidInput` if the counts differ, there are no samples, a label is not 0
    ///   or 1, or a score is NaN or infinite.
    package init(labels: [Int], scores: [Double]) throws(SpecdetError) {
        guard labels.count == scores.count else {
            throw SpecdetError(.invalidInput, "\(labels.count) labels for \(scores.count) scores")
        }
        guard !labels.isEmpty else { throw SpecdetError(.invalidInput, "no samples to evaluate") }
        if let bad = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw SpecdetError(.invalidInput, "label \(labels[bad]) at index \(bad): labels must be 0 (real) or 1 (fake)")
        }
        if let bad = scores.firstIndex(where: { !$0.isFinite }) {
            throw SpecdetError(.invalidInput, "score \(scores[bad]) at index \(bad) is not finite")
        }
        self.init(validLabels: labels, scores: scores)
    }

    /// For callers that already know the input is valid (non-empty, 0/1, finite).
    init(validLabels labels: [Int], scores: [Double]) {
        self.labels = labels
        self.scores = scores
    }

    /// Number of fake (positive) samples.
    package var positiveCount: Int { labels.reduce(0, +) }
    /// Number of real (negative) samples.
    package var negativeCount: Int { labels.count - positiveCount }

    /// Counts at a threshold: a sample is predicted fake when `score ≥ threshold`.
    package func confusion(threshold: Double) -> ConfusionCounts {
        var counts = ConfusionCounts(threshold: threshold, truePositives: 0, falsePositives: 0, trueNegatives: 0, falseNegatives: 0)
        for (label, score) in zip(labels, scores) {
            switch (label == 1, score >= threshold) {
            case (true, true): counts.truePositives += 1
            case (false, true): counts.falsePositives += 1
            case (false, false): counts.trueNegatives += 1
            case (true, false): counts.falseNegatives += 1
            }
        }
        return counts
    }

    /// Area under the ROC curve: the probability that a random fake scores above a random
    /// real, ties counting one half (the Mann–Whitney U with average ranks, equal to
    /// scikit-learn's trapezoidal `roc_auc_score`). `nil` unless both classes are present.
    package var rocAUC: Double? {
        let positives = positiveCount
        let negatives = negativeCount
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var positiveRankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let averageRank = Double(start + end + 2) / 2  // ranks are 1-based
            for position in start...end where labels[order[position]] == 1 { positiveRankSum += averageRank }
            start = end + 1
        }
        let p = Double(positives)
        return (positiveRankSum - p * (p + 1) / 2) / (p * Double(negatives))
    }

    /// Average precision, scikit-learn's step definition: `Σₙ (Rₙ − Rₙ₋₁)·Pₙ` over the distinct
    /// scores taken as thresholds from the highest down (tied scores enter together), with
    /// R₀ = 0. `nil` without fakes.
    package var averagePrecision: Double? {
        let positives = positiveCount
        guard positives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var truePositives = 0
        var seen = 0
        var previousRecall = 0.0
        var sum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            for position in start...end { truePositives += labels[order[position]] }
            seen = end + 1
            let recall = Double(truePositives) / Double(positives)
            sum += (recall - previousRecall) * (Double(truePositives) / Double(seen))
            previousRecall = recall
            start = end + 1
        }
        return sum
    }

    /// The smallest threshold whose false-positive rate on the real samples is at most
    /// `targetFPR`, under the rule "fake when score ≥ threshold".
    ///
    /// With the real scores sorted from the highest, r₁ ≥ r₂ ≥ … ≥ rₙ, and k the largest count
    /// with `Double(k) / Double(n) ≤ targetFPR`: the result is `r₍ₖ₊₁₎.nextUp` (just above the
    /// first real score that must stay below the threshold; tied scores move together, so the
    /// achieved FPR may be lower than the target), or `rₙ` when k = n (every real may be
    /// flagged). `nil` without real samples or when `targetFPR` is negative or NaN.
    package func threshold(forTargetFPR targetFPR: Double) -> Double? {
        let reals = zip(labels, scores).filter { $0.0 == 0 }.map(\.1).sorted(by: >)
        guard !reals.isEmpty, targetFPR >= 0 else { return nil }
        let n = reals.count
        var allowed = 0
        while allowed < n && Double(allowed + 1) / Double(n) <= targetFPR { allowed += 1 }
        return allowed == n ? reals[n - 1] : reals[allowed].nextUp
    }
}

/// Confusion counts at one threshold (predicted fake when `score ≥ threshold`), fake being
/// the positive class.
package struct ConfusionCounts: Codable, Sendable, Equatable {
    /// The threshold the counts were taken at.
    package var threshold: Double
    /// Fakes predicted fake.
    package var truePositives: Int
    /// Reals predicted fake.
    package var falsePositives: Int
    /// Reals predicted real.
    package var trueNegatives: Int
    /// Fakes predicted real.
    package var falseNegatives: Int

    private enum CodingKeys: String, CodingKey {
        case threshold
        case truePositives = "tp"
        case falsePositives = "fp"
        case trueNegatives = "tn"
        case falseNegatives = "fn"
    }

    /// Counts at a threshold.
    package init(threshold: Double, truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int) {
        self.threshold = threshold
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
    }

    /// Fraction of samples classified correctly (NaN with no samples).
    package var accuracy: Double {
        Double(truePositives + trueNegatives)
            / Double(truePositives + falsePositives + trueNegatives + falseNegatives)
    }

    /// Mean of the recall of fakes (TPR) and of reals (TNR) over the classes present, as
    /// scikit-learn's `balanced_accuracy_score` (NaN with no samples).
    package var balancedAccuracy: Double {
        var recalls: [Double] = []
        if truePositives + falseNegatives > 0 {
            recalls.append(Double(truePositives) / Double(truePositives + falseNegatives))
        }
        if trueNegatives + falsePositives > 0 {
            recalls.append(Double(trueNegatives) / Double(trueNegatives + falsePositives))
        }
        return mean(recalls)
    }

    /// Fraction of reals predicted fake (NaN without reals).
    package var falsePositiveRate: Double {
        Double(falsePositives) / Double(falsePositives + trueNegatives)
    }

    /// Fraction of fakes predicted fake (NaN without fakes).
    package var truePositiveRate: Double {
        Double(truePositives) / Double(truePositives + falseNegatives)
    }
}
