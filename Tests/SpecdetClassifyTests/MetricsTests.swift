import SpecdetProfile
import Testing
@testable import SpecdetClassify
import SpecdetSupport

@Suite struct MetricsTests {
    static func expectClose(_ value: Double?, _ expected: Double, tolerance: Double = 1e-12) {
        guard let value else {
            Issue.record("no value, expected \(expected)")
            return
        }
        #expect(abs(value - expected) <= tolerance, "\(value) vs \(expected)")
    }

    /// scikit-learn's documentation example. By hand: of the 4 (fake, real) pairs, 3 are
    /// ordered correctly → AUC 3/4; fakes enter at ranks 1 and 3 → AP = ½·1 + ½·⅔ = 5/6.
    @Test func sklearnDocumentationExample() throws {
        let samples = try ScoredSamples(labels: [0, 0, 1, 1], scores: [0.1, 0.4, 0.35, 0.8])
        Self.expectClose(samples.rocAUC, 0.75)
        Self.expectClose(samples.averagePrecision, 5.0 / 6)
        let counts = samples.confusion(threshold: 0.4)
        #expect(counts == ConfusionCounts(threshold: 0.4, truePositives: 1, falsePositives: 1, trueNegatives: 1, falseNegatives: 1))
        #expect(counts.accuracy == 0.5 && counts.balancedAccuracy == 0.5)
    }

    /// Many ties across classes. Expected values from scikit-learn 1.9.1:
    /// python3 -c "from sklearn.metrics import roc_auc_score as r, average_precision_score as a, balanced_accuracy_score as b;
    ///   y=[0,1,0,1,1,0,1,0,0,1,1,0,1,0,1,0,0,1,1,0]; s=[0.2,0.9,0.5,0.5,0.7,0.1,0.3,0.3,0.8,0.8,0.5,0.2,0.95,0.6,0.6,0.05,0.5,0.3,0.7,0.7];
    ///   print(r(y,s), a(y,s), b(y,[int(v>=0.5) for v in s]))"
    ///   → 0.75 0.7326007326007326 0.65
    @Test func tiesMatchScikitLearn() throws {
        let samples = try ScoredSamples(
            labels: [0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0],
            scores: [0.2, 0.9, 0.5, 0.5, 0.7, 0.1, 0.3, 0.3, 0.8, 0.8, 0.5, 0.2, 0.95, 0.6, 0.6, 0.05, 0.5, 0.3, 0.7, 0.7])
        Self.expectClose(samples.rocAUC, 0.75)
        Self.expectClose(samples.averagePrecision, 0.7326007326007326)
        let counts = samples.confusion(threshold: 0.5)
        Self.expectClose(counts.balancedAccuracy, 0.65)
        #expect(counts.truePositives + counts.trueNegatives == 13)
        #expect(counts.accuracy == 13.0 / 20)
    }

    /// Imbalanced, with a five-way tie at the threshold (score ≥ threshold counts as fake).
    /// python3 -c "from sklearn.metrics import roc_auc_score as r, average_precision_score as a, balanced_accuracy_score as b;
    ///   y=[0,0,0,1,1,1,1,1,1,1]; s=[0.3,0.3,0.3,0.3,0.3,0.9,0.1,0.3,0.3,0.8];
    ///   print(r(y,s), a(y,s), b(y,[int(v>=0.3) for v in s]))"
    ///   → 0.5714285714285714 0.7666666666666666 0.42857142857142855
    @Test func imbalancedWithTiesMatchScikitLearn() throws {
        let samples = try ScoredSamples(
            labels: [0, 0, 0, 1, 1, 1, 1, 1, 1, 1], scores: [0.3, 0.3, 0.3, 0.3, 0.3, 0.9, 0.1, 0.3, 0.3, 0.8])
        Self.expectClose(samples.rocAUC, 0.5714285714285714)
        Self.expectClose(samples.averagePrecision, 0.7666666666666666)
        let counts = samples.confusion(threshold: 0.3)
        #expect(counts.truePositives == 6 && counts.falsePositives == 3 && counts.falseNegatives == 1)
        Self.expectClose(counts.balancedAccuracy, 0.42857142857142855)
        #expect(counts.falsePositiveRate == 1 && counts.truePositiveRate == 6.0 / 7)
    }

    @Test func degenerateInputs() throws {
        let onlyReal = try ScoredSamples(labels: [0, 0], scores: [0.2, 0.7])
        #expect(onlyReal.rocAUC == nil && onlyReal.averagePrecision == nil)
        // Balanced accuracy over the classes present, as scikit-learn: here only the reals.
        #expect(onlyReal.confusion(threshold: 0.5).balancedAccuracy == 0.5)
        let onlyFake = try ScoredSamples(labels: [1, 1], scores: [0.2, 0.7])
        #expect(onlyFake.rocAUC == nil && onlyFake.averagePrecision == 1)
        #expect(onlyFake.threshold(forTargetFPR: 0.1) == nil)
        let perfect = try ScoredSamples(labels: [0, 1], scores: [0.1, 0.2])
        #expect(perfect.rocAUC == 1 && perfect.averagePrecision == 1)

        #expect(throws: SpecdetError.self) { try ScoredSamples(labels: [0, 1], scores: [0.1]) }
        #expect(throws: SpecdetError.self) { try ScoredSamples(labels: [], scores: []) }
        #expect(throws: SpecdetError.self) { try ScoredSamples(labels: [0, 2], scores: [0.1, 0.2]) }
        #expect(throws: SpecdetError.self) { try ScoredSamples(labels: [0, 1], scores: [0.1, .nan]) }
    }

    @Test func thresholdForTargetFPRByHand() throws {
        let reals = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]
        let samples = try ScoredSamples(labels: Array(repeating: 0, count: 10) + [1, 1], scores: reals + [0.99, 0.05])
        #expect(samples.threshold(forTargetFPR: 0) == 0.95.nextUp)
        #expect(samples.threshold(forTargetFPR: 0.05) == 0.95.nextUp)
        #expect(samples.threshold(forTargetFPR: 0.1) == 0.9.nextUp)  // only 0.95 flagged
        #expect(samples.threshold(forTargetFPR: 0.29) == 0.8.nextUp)  // 29/100 is not 0.29·10 rounded down
        #expect(samples.threshold(forTargetFPR: 0.3) == 0.7.nextUp)
        #expect(samples.threshold(forTargetFPR: 1) == 0.1)
        #expect(samples.threshold(forTargetFPR: -0.1) == nil)
        let threshold = try #require(samples.threshold(forTargetFPR: 0.3))
        #expect(samples.confusion(threshold: threshold).falsePositiveRate == 0.3)

        // Tied real scores move together: the achieved FPR can be below the target.
        let tied = try ScoredSamples(labels: [0, 0, 0, 0], scores: [0.9, 0.9, 0.5, 0.1])
        #expect(tied.threshold(forTargetFPR: 0.25) == 0.9.nextUp)
        #expect(tied.threshold(forTargetFPR: 0.5) == 0.5.nextUp)
    }

    @Test func thresholdForTargetFPRIsTheSmallestThatMeetsTheTarget() throws {
        var generator = SplitMix64(seed: 5)
        let labels = (0..<200).map { _ in Int(generator.next() % 2) }
        let scores = (0..<200).map { _ in Double(generator.next() % 50) / 50 }  // many ties
        let samples = try ScoredSamples(labels: labels, scores: scores)
        for target in [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.99] {
            let threshold = try #require(samples.threshold(forTargetFPR: target))
            #expect(samples.confusion(threshold: threshold).falsePositiveRate <= target)
            #expect(samples.confusion(threshold: threshold.nextDown).falsePositiveRate > target)
        }
    }
}
