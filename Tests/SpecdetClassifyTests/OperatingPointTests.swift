import Foundation
import Testing
@testable import SpecdetClassify
import SpecdetSupport

@Suite struct OperatingPointTests {
    /// Decision values drawn from a known logistic relationship: the fit recovers the slope
    /// and offset, and no nearby parameters have a lower cross-entropy against Platt's
    /// prior-smoothed targets (the objective it minimises).
    @Test func plattFitRecoversAKnownSigmoid() {
        var generator = SplitMix64(seed: 21)
        let (trueA, trueB) = (-2.0, 0.5)
        var decisions: [Double] = [], labels: [Int] = []
        for _ in 0..<20_000 {
            let f = Double(generator.next() % 10_000) / 1_000 - 5
            let p = 1 / (1 + exp(trueA * f + trueB))
            decisions.append(f)
            labels.append(Double(generator.next() % 1_000_000) / 1_000_000 < p ? 1 : 0)
        }
        let fit = PlattScaling.fit(decisionValues: decisions, labels: labels)
        #expect(abs(fit.a - trueA) < 0.1 && abs(fit.b - trueB) < 0.1, "\(fit)")
        let positives = Double(labels.reduce(0, +)), negatives = Double(labels.count) - positives
        func loss(_ a: Double, _ b: Double) -> Double {
            zip(decisions, labels).reduce(0) { sum, pair in
                let p = 1 / (1 + exp(a * pair.0 + b))
                let t = pair.1 == 1 ? (positives + 1) / (positives + 2) : 1 / (negatives + 2)
                return sum - (t * log(p) + (1 - t) * log(1 - p))
            }
        }
        let best = loss(fit.a, fit.b)
        for (da, db) in [(0.01, 0.0), (-0.01, 0.0), (0.0, 0.01), (0.0, -0.01)] {
            #expect(loss(fit.a + da, fit.b + db) >= best - 1e-6)
        }
    }

    /// Separable scores: the threshold sits between the classes; tied plateaus take their middle.
    @Test func accuracyMaximisingThresholdSitsInsideTheBestPlateau() throws {
        let separable = try ScoredSamples(labels: [0, 0, 0, 1, 1], scores: [0.1, 0.2, 0.3, 0.7, 0.9])
        #expect(separable.accuracyMaximisingThreshold == 0.5)
        #expect(separable.confusion(threshold: separable.accuracyMaximisingThreshold).accuracy == 1)
        // One real above two fakes: the best accuracy (5 of 6) is reached at two candidates,
        // 0.35 and 0.65; the lower middle of the run is taken.
        let mixed = try ScoredSamples(labels: [0, 0, 1, 0, 1, 1], scores: [0.1, 0.3, 0.4, 0.6, 0.7, 0.9])
        let threshold = mixed.accuracyMaximisingThreshold
        #expect(mixed.confusion(threshold: threshold).accuracy == 5.0 / 6.0)
        #expect(threshold == 0.35)
    }

    /// The target-FPR rule keeps the false-positive rate on the scores it saw at or below F.
    @Test func targetFPRRuleKeepsTheRate() throws {
        var generator = SplitMix64(seed: 5)
        let labels = (0..<400).map { $0 % 2 }
        let scores = labels.map { Double(generator.next() % 1000) / 1000 * 0.7 + Double($0) * 0.3 }
        let samples = try ScoredSamples(labels: labels, scores: scores)
        for target in [0.0, 0.01, 0.05, 0.2] {
            let (point, threshold) = OperatingPoint.choose(.targetFPR, targetFPR: target, originals: samples,
                                                           counted: samples, signThreshold: 0.5)
            #expect(samples.confusion(threshold: threshold).falsePositiveRate <= target)
            #expect(point.outOfFold == samples.confusion(threshold: threshold) && point.targetFPR == target)
        }
    }

    /// The target-FPR rule holds the rate over the copies too, and reports counts on the originals;
    /// the decision-sign rule takes the threshold it is given.
    @Test func targetFPRIsCalibratedWithCopiesAndSignRuleKeepsItsThreshold() throws {
        // Originals well separated; copies of reals score higher, as compressed reals do.
        let originals = try ScoredSamples(labels: [0, 0, 0, 0, 1, 1, 1, 1], scores: [0.1, 0.15, 0.2, 0.25, 0.7, 0.8, 0.85, 0.9])
        let copies = try ScoredSamples(labels: originals.labels + [0, 0, 0, 0],
                                       scores: originals.scores + [0.5, 0.55, 0.6, 0.65])
        let (point, threshold) = OperatingPoint.choose(.targetFPR, targetFPR: 0, originals: originals,
                                                       counted: copies, signThreshold: 0.5)
        #expect(threshold > 0.65 && copies.confusion(threshold: threshold).falsePositives == 0)
        #expect(point.outOfFold == originals.confusion(threshold: threshold))
        let (signPoint, signThreshold) = OperatingPoint.choose(.decisionSign, targetFPR: nil, originals: originals,
                                                               counted: copies, signThreshold: 0.42)
        #expect(signThreshold == 0.42 && signPoint.rule == .decisionSign && signPoint.targetFPR == nil)
    }

    /// The ROC curve keeps at most its limit of points, both ends included, rates in [0, 1].
    @Test func rocCurveIsThinnedWithItsEnds() throws {
        let labels = (0..<1000).map { $0 % 2 }
        let samples = try ScoredSamples(labels: labels, scores: (0..<1000).map { Double($0) / 1000 })
        let curve = samples.rocCurve()
        #expect(curve.thresholds.count <= ScoredSamples.rocPointLimit && curve.thresholds.count > 50)
        #expect(curve.thresholds.first == 0.999 && curve.thresholds.last == 0)
        #expect(curve.falsePositiveRates.last == 1 && curve.truePositiveRates.last == 1)
    }
}
