import Foundation
import SpecdetProfile
import Testing
@testable import SpecdetClassify
import SpecdetSupport

/// The Nyström solver against the algebra it rests on: the map reproduces the kernel on its
/// landmarks, the RBF coefficients give the linear model's decision values, and a trained
/// model separates a problem no linear model can.
@Suite struct NystroemTests {
    /// Two concentric rings in the plane (radius 1 real, radius 2 fake), with a little noise.
    static func rings(count: Int, seed: UInt64) -> (FeatureMatrix, [Int]) {
        var generator = SplitMix64(seed: seed)
        func uniform() -> Double { (Double(generator.next() >> 11) + 0.5) / 9_007_199_254_740_992 }
        var values: [Float] = [], labels: [Int] = []
        for index in 0..<count {
            let label = index % 2
            let angle = 2 * Double.pi * uniform(), radius = Double(1 + label) + 0.1 * (uniform() - 0.5)
            values += [Float(radius * cos(angle)), Float(radius * sin(angle))]
            labels.append(label)
        }
        return (FeatureMatrix(rowCount: count, columnCount: 2, values: values), labels)
    }

    static func kernel(_ a: some Collection<Float>, _ b: some Collection<Float>, gamma: Double) -> Double {
        exp(-gamma * zip(a, b).reduce(0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) })
    }

    /// With every row a landmark, φ(x)·φ(y) = k(x, y) on the training rows (up to the ridge).
    @Test func theMapReproducesTheKernelOnItsLandmarks() throws {
        let (x, _) = Self.rings(count: 40, seed: 1)
        let rows = Array(0..<40)
        let map = try NystroemSolver.FeatureMap(x, rows: rows, count: 40, gamma: 0.5, seed: 3)
        #expect(map.count == 40 && map.ridge == 1e-10)
        let phi = map.features(of: x, rows: rows, threads: 2)
        for (i, j) in [(0, 0), (0, 1), (5, 17), (39, 2)] {
            let dot = (0..<40).reduce(0.0) { $0 + phi[i * 40 + $1] * phi[j * 40 + $1] }
            #expect(abs(dot - Self.kernel(x.row(i), x.row(j), gamma: 0.5)) < 1e-6)
        }
    }

    /// For any weights w, Σ aᵢ·k(x, lᵢ) with a = R⁻ᵀw equals w·φ(x), at points that are not
    /// landmarks, to rounding.
    @Test func coefficientsGiveTheLinearDecisionValues() throws {
        let (x, _) = Self.rings(count: 60, seed: 2)
        let map = try NystroemSolver.FeatureMap(x, rows: Array(0..<30), count: 12, gamma: 0.7, seed: 9)
        var generator = SplitMix64(seed: 4)
        let weights = (0..<map.count).map { _ in Double(generator.next() % 2001) / 1000 - 1 }
        let a = map.coefficients(of: weights)
        let probes = Array(30..<60)
        let phi = map.features(of: x, rows: probes, threads: 1)
        for (position, row) in probes.enumerated() {
            let linear = (0..<map.count).reduce(0.0) { $0 + weights[$1] * phi[position * map.count + $1] }
            let expansion = (0..<map.count).reduce(0.0) { sum, i in
                sum + a[i] * Self.kernel(x.row(row), map.landmarks[i], gamma: 0.7)
            }
            // Rounding grows with the coefficients' size (the kernel matrix of 12 close landmarks is ill-conditioned).
            #expect(abs(linear - expansion) < 1e-10 * (1 + a.reduce(0) { $0 + abs($1) }))
        }
    }

    /// Landmarks are distinct rows, as many as asked while there are enough, and the same
    /// seed draws the same ones.
    @Test func landmarksAreDistinctAndSeeded() throws {
        let (x, _) = Self.rings(count: 10, seed: 5)
        let doubled = FeatureMatrix(rowCount: 20, columnCount: 2, values: x.values + x.values)
        let all = try NystroemSolver.FeatureMap(doubled, rows: Array(0..<20), count: 50, gamma: 1, seed: 0)
        #expect(all.count == 10)
        let pairs = (0..<10).map { Array(all.landmarks[$0]) }
        #expect(Set(pairs).count == 10)
        let again = try NystroemSolver.FeatureMap(doubled, rows: Array(0..<20), count: 4, gamma: 1, seed: 7)
        let same = try NystroemSolver.FeatureMap(doubled, rows: Array(0..<20), count: 4, gamma: 1, seed: 7)
        let other = try NystroemSolver.FeatureMap(doubled, rows: Array(0..<20), count: 4, gamma: 1, seed: 8)
        #expect(again.landmarks == same.landmarks && again.landmarks != other.landmarks)
    }

    /// Concentric rings: no linear model does better than chance, the RBF model through 30
    /// landmarks separates them on held-out points, and it is at most 30 support vectors.
    @Test func aTrainedModelSeparatesRings() throws {
        let (train, labels) = Self.rings(count: 400, seed: 6)
        let features = (0..<400).map { Array(train.row($0)) }
        let trainer = Trainer(feature: ProfileConfiguration(features: .durall, bins: 2),
                              options: TrainingOptions(classifier: .svm, c: 10, gamma: 1, landmarks: 30, date: fixedDate))
        let model = try trainer.train(features: features, labels: labels)
        guard case .rbfSVM(_, let vectors, _, _, _) = model.classifier else { Issue.record("not an RBF SVM"); return }
        #expect(vectors.count == 30 && model.hyperparameters.landmarks == 30)
        let (test, truth) = Self.rings(count: 200, seed: 7)
        let correct = (0..<200).filter { try! (model.decisionValue(Array(test.row($0))) >= 0 ? 1 : 0) == truth[$0] }.count
        #expect(correct >= 196)
        #expect(try trainer.train(features: features, labels: labels) == model)
    }

    /// Landmarks with another classifier, out of range, or with a grid search are refused.
    @Test func badLandmarkOptionsAreRefused() {
        let features = [[Float(0), 1], [1, 0]], labels = [0, 1]
        for options in [TrainingOptions(classifier: .logistic, landmarks: 5), TrainingOptions(classifier: .svm, landmarks: 0),
                        TrainingOptions(classifier: .svm, landmarks: NystroemSolver.maximumLandmarks + 1),
                        TrainingOptions(classifier: .svm, landmarks: 5, gridSearch: GridSearch())] {
            #expect(throws: SpecdetError.self) {
                try Trainer(feature: ProfileConfiguration(features: .durall, bins: 2), options: options)
                    .train(features: features, labels: labels)
            }
        }
    }
}
