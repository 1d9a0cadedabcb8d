import Foundation
import SpecdetProfile
import Testing
@testable import SpecdetClassify
import SpecdetSupport
import _SpecdetVectorC

/// Prediction in Swift, from the stored parameters only, must equal liblinear's and libsvm's
/// own prediction functions on held-out vectors, whichever label the solver saw first.
@Suite struct SolverParityTests {
    static let training = [false, true].map { SyntheticProfiles(count: 240, seed: 11, fakeFirst: $0) }
    static let probes = SyntheticProfiles(count: 60, seed: 12).features

    /// The fake-oriented decision value and P(fake) according to the C library.
    static func libraryView(labels: [Int], decision: Double, probabilities: [Double]) -> (Double, Double?) {
        let sign = labels[0] == 1 ? 1.0 : -1.0
        let fakeIndex = try! #require(labels.firstIndex(of: 1))
        return (sign * decision, probabilities.isEmpty ? nil : probabilities[fakeIndex])
    }

    static func expectClose(_ a: Double, _ b: Double, relative: Double, _ what: String) {
        #expect(abs(a - b) <= relative * max(1, abs(b)), "\(what): Swift \(a) vs library \(b)")
    }

    @Test(arguments: [false, true])
    func logisticMatchesLiblinear(fakeFirst: Bool) throws {
        let data = Self.training[fakeFirst ? 1 : 0]
        let rows = Array(data.features.indices)
        let (solution, references) = try LinearSolver.trainLogistic(
            data.matrix, labels: data.labels, rows: rows, c: 1, probes: Self.probes)
        #expect(references[0].labels == (fakeFirst ? [1, 0] : [0, 1]))

        let model = try Trainer(feature: ProfileConfiguration()).train(features: data.features, labels: data.labels)
        #expect(model.classifier == .logistic(weights: solution.weights, bias: solution.bias))
        for (probe, reference) in zip(Self.probes, references) {
            let (decision, probability) = Self.libraryView(
                labels: reference.labels, decision: reference.decision, probabilities: reference.probabilities)
            Self.expectClose(try model.decisionValue(probe), decision, relative: 1e-9, "decision")
            Self.expectClose(try model.probabilityFake(probe), try #require(probability), relative: 1e-12, "P(fake)")
        }
    }

    static let modes = [false, true].flatMap { fakeFirst in
        [SupportVectorSolver.KernelEvaluation.precomputed, .libsvm].map { (fakeFirst, $0) }
    }

    /// The model the public trainer makes, with the glue's classifier when the evaluation differs.
    static func model(_ kind: ClassifierKind, _ data: SyntheticProfiles, _ classifier: Classifier,
                      _ evaluation: SupportVectorSolver.KernelEvaluation) throws -> DetectorModel {
        var model = try Trainer(feature: ProfileConfiguration(), options: TrainingOptions(classifier: kind))
            .train(features: data.features, labels: data.labels)
        #expect(SupportVectorSolver.automaticEvaluation(count: data.features.count) == .precomputed)
        if evaluation == .precomputed {
            #expect(model.classifier == classifier)
        } else {
            model.classifier = classifier
        }
        return model
    }

    @Test(arguments: modes)
    func linearSVMMatchesLibsvm(fakeFirst: Bool, evaluation: SupportVectorSolver.KernelEvaluation) throws {
        let data = Self.training[fakeFirst ? 1 : 0]
        let (classifier, references) = try SupportVectorSolver.train(
            data.matrix, labels: data.labels, rows: Array(data.features.indices), kernel: .linear, c: 1,
            probability: true, seed: 0, evaluation: evaluation, probes: Self.probes)
        #expect(references[0].labels == (fakeFirst ? [1, 0] : [0, 1]))
        let model = try Self.model(.svmLinear, data, classifier, evaluation)
        guard case .linearSVM(_, _, let platt) = model.classifier else { Issue.record("not a linear SVM"); return }
        #expect(platt != nil)
        for (probe, reference) in zip(Self.probes, references) {
            let (decision, probability) = Self.libraryView(
                labels: reference.labels, decision: reference.decision, probabilities: reference.probabilities)
            // Collapsing the support vectors into w changes the rounding, not the value.
            Self.expectClose(try model.decisionValue(probe), decision, relative: 1e-9, "decision")
            Self.expectClose(try model.probabilityFake(probe), try #require(probability), relative: 1e-9, "P(fake)")
        }
    }

    @Test(arguments: modes)
    func rbfSVMMatchesLibsvm(fakeFirst: Bool, evaluation: SupportVectorSolver.KernelEvaluation) throws {
        let data = Self.training[fakeFirst ? 1 : 0]
        let (classifier, references) = try SupportVectorSolver.train(
            data.matrix, labels: data.labels, rows: Array(data.features.indices), kernel: .rbf(gamma: 0.86), c: 6.37,
            probability: true, seed: 0, evaluation: evaluation, probes: Self.probes)
        #expect(references[0].labels == (fakeFirst ? [1, 0] : [0, 1]))
        let model = try Self.model(.svm, data, classifier, evaluation)
        guard case .rbfSVM(let gamma, let vectors, _, _, let platt) = model.classifier else {
            Issue.record("not an RBF SVM")
            return
        }
        #expect(gamma == 0.86)
        #expect(vectors.count > 10 && vectors.count < data.features.count)
        #expect(platt.a < 0)
        var agreeing = 0
        for (probe, reference) in zip(Self.probes, references) {
            let (decision, probability) = Self.libraryView(
                labels: reference.labels, decision: reference.decision, probabilities: reference.probabilities)
            let swiftDecision = try model.decisionValue(probe)
            Self.expectClose(swiftDecision, decision, relative: 1e-11, "decision")
            Self.expectClose(try model.probabilityFake(probe), try #require(probability), relative: 1e-9, "P(fake)")
            if swiftDecision == decision { agreeing += 1 }
        }
        // With the precomputed kernel libsvm sums the very kernel values prediction uses, in the
        // same order: bit-identical decision values. Its own kernel rounds differently.
        if evaluation == .precomputed { #expect(agreeing == Self.probes.count) }
    }

    @Test func scalerIsAppliedBeforeTheClassifier() throws {
        let data = Self.training[0]
        let model = try Trainer(feature: ProfileConfiguration(), options: TrainingOptions(standardize: true))
            .train(features: data.features, labels: data.labels)
        let scaler = try #require(model.scaler)
        #expect(scaler.mean[0] == 1 && scaler.std[0] == 1)  // feature 0 is constant
        #expect(scaler.std.allSatisfy { $0 > 0 })
        let reference = Standardizer(fitting: data.matrix, rows: Array(data.features.indices))
        #expect(reference == scaler)
        for probe in Self.probes.prefix(5) {
            #expect(try model.decisionValue(probe) == model.classifier.decisionValue(scaler.transform(probe)))
        }
    }

    /// Prediction and the Nyström features measure many rows at once with vector code; each
    /// distance must be the one training's kernel computed, to the last bit, at every
    /// instruction set this processor has, for every length and every remainder of the row
    /// count by the blocks of eight rows the vector code takes one or two at a time.
    @Test func vectorDistancesEqualTheScalarConvention() {
        var generator = SplitMix64(seed: 12)
        func value() -> Float { Float(Int64(bitPattern: generator.next() >> 8) % 2_000_001 - 1_000_000) * 1e-6 }
        for dimension in [1, 2, 3, 4, 5, 6, 299, 300, 301, 302] {
            for count in [1, 7, 8, 9, 15, 16, 17, 24, 31, 33] {
                let rows = VectorRows(dimension: dimension, values: (0..<(count * dimension)).map { _ in value() })
                let x = (0..<dimension).map { _ in value() }
                let expected = (0..<count).map { row in
                    rows.values.withUnsafeBufferPointer { a in
                        x.withUnsafeBufferPointer { b in KernelMath.squaredDistance(a.baseAddress! + row * dimension, b.baseAddress!, count: dimension) }
                    }
                }
                for level in 0...Int(sd_simd_level()) {
                    var distances = [Double](repeating: .nan, count: count)
                    sd_squared_distances_at_level(Int32(level), rows.blocks, count, dimension, x, &distances)
                    #expect(distances.map(\.bitPattern) == expected.map(\.bitPattern), "dimension \(dimension), \(count) rows, level \(level)")
                }
            }
        }
    }

    /// An RBF SVM's decision value equals the plain sum over its vectors in order, for every
    /// remainder of the count by the blocks of eight rows the vector code takes.
    @Test func rbfDecisionValuesSumEveryVectorInOrder() {
        var generator = SplitMix64(seed: 13)
        func value() -> Float { Float(generator.next() >> 40) / Float(1 << 24) }
        let probe = (0..<300).map { _ in value() }
        for count in 1...17 {
            let vectors = (0..<count).map { _ in (0..<300).map { _ in value() } }
            let coefficients = (0..<count).map { _ in Double(value()) - 0.5 }
            let classifier = Classifier.rbfSVM(
                gamma: 0.86, supportVectors: VectorRows(vectors), coefficients: coefficients, rho: 0.25, platt: PlattScaling(a: -1, b: 0))
            var expected = 0.0
            for (vector, alpha) in zip(vectors, coefficients) {
                let distance = vector.withUnsafeBufferPointer { a in
                    probe.withUnsafeBufferPointer { b in KernelMath.squaredDistance(a.baseAddress!, b.baseAddress!, count: 300) }
                }
                expected += alpha * exp(-0.86 * distance)
            }
            #expect(classifier.decisionValue(probe).bitPattern == (expected - 0.25).bitPattern, "\(count) vectors")
        }
    }
}
