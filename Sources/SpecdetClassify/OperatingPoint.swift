import Foundation
import SpecdetSupport

/// How a model's threshold on P(fake) was chosen, and what it did on scores the model had not
/// seen: the out-of-fold P(fake) of the training images (each scored by the cross-validation
/// model that did not train on its fold).
package struct OperatingPoint: Codable, Sendable, Equatable {
    /// The rule that chose the threshold.
    package enum Rule: String, Codable, Sendable, CaseIterable {
        /// P(fake) at decision value 0: the classifier's own boundary (the default; on grouped
        /// nested cross-validation no threshold chosen from out-of-fold scores did better,
        /// docs/ACCURACY.md).
        case decisionSign = "decision-sign"
        /// The threshold with the highest out-of-fold accuracy on the original images
        /// (`ScoredSamples.accuracyMaximisingThreshold`).
        case accuracy
        /// The smallest threshold whose out-of-fold false-positive rate is at most `target_fpr`:
        /// over the original images and their augmented copies (so that it holds on compressed
        /// and resized images too), or over the original images of the real inputs
        /// `target_fpr_on` names.
        case targetFPR = "target-fpr"
    }

    package var rule: Rule
    /// The false-positive rate asked for, with `targetFPR`.
    package var targetFPR: Double?
    /// The real inputs (as `train --real` named them) whose original images alone the
    /// false-positive target counted; nil: every real image and its augmented copies.
    package var targetFPROn: [String]?
    /// Out-of-fold counts of the original images at the threshold (absent without cross-validation).
    package var outOfFold: ConfusionCounts?
    /// Out-of-fold ROC AUC.
    package var outOfFoldROCAUC: Double?
    /// Out-of-fold ROC curve the threshold was chosen from, at most `ScoredSamples.rocPointLimit` points.
    package var roc: ROCCurve?

    private enum CodingKeys: String, CodingKey {
        case rule
        case targetFPR = "target_fpr"
        case targetFPROn = "target_fpr_on"
        case outOfFold = "out_of_fold"
        case outOfFoldROCAUC = "out_of_fold_roc_auc"
        case roc
    }

    package init(rule: Rule, targetFPR: Double? = nil, outOfFold: ConfusionCounts? = nil, outOfFoldROCAUC: Double? = nil,
                 roc: ROCCurve? = nil) {
        self.rule = rule
        self.targetFPR = targetFPR
        self.outOfFold = outOfFold
        self.outOfFoldROCAUC = outOfFoldROCAUC
        self.roc = roc
    }

    /// The operating point `rule` gives, and its threshold: `originals` are the out-of-fold
    /// P(fake) of the original images, `counted` the out-of-fold P(fake) a false-positive
    /// target counts (its reals matter), `signThreshold` P(fake) at decision value 0.
    package static func choose(_ rule: Rule, targetFPR: Double?, originals: ScoredSamples, counted: ScoredSamples,
                               signThreshold: Double) -> (OperatingPoint, threshold: Double) {
        let threshold: Double
        switch rule {
        case .decisionSign: threshold = signThreshold
        case .accuracy: threshold = originals.accuracyMaximisingThreshold
        case .targetFPR: threshold = counted.threshold(forTargetFPR: targetFPR ?? 0) ?? 1
        }
        let clamped = min(max(threshold, 0), 1)
        return (OperatingPoint(rule: rule, targetFPR: rule == .targetFPR ? targetFPR : nil,
                               outOfFold: originals.confusion(threshold: clamped), outOfFoldROCAUC: originals.rocAUC,
                               roc: originals.rocCurve()), clamped)
    }
}

/// The reals a false-positive target counts when not all: the original images of some real
/// inputs.
package struct TargetedReals: Sendable, Equatable {
    /// The inputs, as the model records them (`operating_point.target_fpr_on`).
    package var inputs: [String]
    /// For each out-of-fold score, in order, whether the target counts it.
    package var counted: [Bool]

    package init(inputs: [String], counted: [Bool]) {
        self.inputs = inputs
        self.counted = counted
    }
}

/// Points of a ROC curve: at `thresholds[i]`, the false- and true-positive rates.
package struct ROCCurve: Codable, Sendable, Equatable {
    package var thresholds: [Double]
    package var falsePositiveRates: [Double]
    package var truePositiveRates: [Double]

    private enum CodingKeys: String, CodingKey {
        case thresholds
        case falsePositiveRates = "fpr"
        case truePositiveRates = "tpr"
    }
}

extension ScoredSamples {
    /// The threshold (fake when `score ≥ threshold`) with the highest accuracy on these
    /// samples.
    ///
    /// Candidates: with the distinct scores sorted, v₁ < … < vₘ, the midpoints between
    /// neighbours, v₁ (everything fake) and vₘ.nextUp (nothing fake). Among candidates of equal
    /// accuracy, the middle one of the tied run (the lower middle for an even count), so the
    /// threshold sits inside the widest agreement rather than on its edge.
    package var accuracyMaximisingThreshold: Double {
        let values = Array(Set(scores)).sorted()
        guard let first = values.first, let last = values.last else { return 0.5 }
        let candidates = [first] + zip(values, values.dropFirst()).map { ($0 + $1) / 2 } + [last.nextUp]
        // Counting fakes and reals at or above each candidate, from the top down.
        let order = zip(scores, labels).sorted { $0.0 > $1.0 }
        var correct: [Int] = [], index = 0, fakesAbove = 0, realsAbove = 0
        let reals = negativeCount
        for candidate in candidates.reversed() {
            while index < order.count && order[index].0 >= candidate {
                if order[index].1 == 1 { fakesAbove += 1 } else { realsAbove += 1 }
                index += 1
            }
            correct.append(fakesAbove + (reals - realsAbove))
        }
        correct.reverse()
        let best = correct.max()!
        let tied = correct.indices.filter { correct[$0] == best }
        return candidates[tied[(tied.count - 1) / 2]]
    }

    /// Most points a ROC curve keeps (a model file stays small).
    package static let rocPointLimit = 101

    /// The ROC curve at every distinct score taken as a threshold (highest first), thinned to
    /// at most `rocPointLimit` points evenly spread over the list, always with both ends.
    package func rocCurve() -> ROCCurve {
        let values = Array(Set(scores)).sorted(by: >)
        let positives = Double(positiveCount), negatives = Double(negativeCount)
        var curve = ROCCurve(thresholds: [], falsePositiveRates: [], truePositiveRates: [])
        let step = max(1, Int((Double(values.count) / Double(Self.rocPointLimit - 1)).rounded(.up)))
        for (position, value) in values.enumerated() where position % step == 0 || position == values.count - 1 {
            let counts = confusion(threshold: value)
            curve.thresholds.append(value)
            curve.falsePositiveRates.append(negatives > 0 ? Double(counts.falsePositives) / negatives : 0)
            curve.truePositiveRates.append(positives > 0 ? Double(counts.truePositives) / positives : 0)
        }
        return curve
    }
}

extension PlattScaling {
    /// Platt's sigmoid fitted to decision values `f` with labels (1 fake, 0 real), by libsvm's
    /// `sigmoid_train`: targets smoothed by the class priors, (N₊ + 1)/(N₊ + 2) and
    /// 1/(N₋ + 2); Newton's method with a backtracking line search, at most 100 iterations,
    /// minimum step 1e-10, σ = 1e-12, stopping at |gradient| < 1e-5. The result gives
    /// `P(fake) = 1 / (1 + exp(a·f + b))`.
    package static func fit(decisionValues: [Double], labels: [Int]) -> PlattScaling {
        let positives = Double(labels.reduce(0, +)), negatives = Double(labels.count) - positives
        let highTarget = (positives + 1) / (positives + 2), lowTarget = 1 / (negatives + 2)
        let targets = labels.map { $0 == 1 ? highTarget : lowTarget }
        var a = 0.0, b = log((negatives + 1) / (positives + 1))
        func objective(_ a: Double, _ b: Double) -> Double {
            zip(decisionValues, targets).reduce(0) { sum, pair in
                let fApB = pair.0 * a + b
                return sum + (fApB >= 0 ? pair.1 * fApB + log(1 + exp(-fApB)) : (pair.1 - 1) * fApB + log(1 + exp(fApB)))
            }
        }
        var value = objective(a, b)
        for _ in 0..<100 {
            var h11 = 1e-12, h22 = 1e-12, h21 = 0.0, g1 = 0.0, g2 = 0.0
            for (f, t) in zip(decisionValues, targets) {
                let fApB = f * a + b
                let (p, q) = fApB >= 0 ? (exp(-fApB) / (1 + exp(-fApB)), 1 / (1 + exp(-fApB)))
                    : (1 / (1 + exp(fApB)), exp(fApB) / (1 + exp(fApB)))
                let d2 = p * q
                h11 += f * f * d2
                h22 += d2
                h21 += f * d2
                let d1 = t - p
                g1 += f * d1
                g2 += d1
            }
            if abs(g1) < 1e-5 && abs(g2) < 1e-5 { break }
            let determinant = h11 * h22 - h21 * h21
            let dA = -(h22 * g1 - h21 * g2) / determinant, dB = -(-h21 * g1 + h11 * g2) / determinant
            let gd = g1 * dA + g2 * dB
            var step = 1.0
            while step >= 1e-10 {
                let newA = a + step * dA, newB = b + step * dB
                let newValue = objective(newA, newB)
                if newValue < value + 0.0001 * step * gd {
                    (a, b, value) = (newA, newB, newValue)
                    break
                }
                step /= 2
            }
            if step < 1e-10 { break }
        }
        return PlattScaling(a: a, b: b)
    }
}
