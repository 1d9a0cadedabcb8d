import Foundation
import SpecdetProfile
import Testing
@testable import SpecdetClassify
import SpecdetSupport

@Suite struct TrainerTests {
    static let data = SyntheticProfiles(count: 120, seed: 41)

    static func refusal(_ options: TrainingOptions, features: [[Float]] = data.features, labels: [Int] = data.labels)
        -> SpecdetError?
    {
        do {
            _ = try Trainer(feature: ProfileConfiguration(), options: options).train(features: features, labels: labels)
            return nil
        } catch {
            return error
        }
    }

    @Test func publishedDefaults() throws {
        for (kind, c, gamma) in [(ClassifierKind.logistic, 1.0, nil), (.svmLinear, 1, nil), (.svm, 6.37, 0.86)] {
            let model = try Trainer(feature: ProfileConfiguration(), options: TrainingOptions(classifier: kind))
                .train(features: Self.data.features, labels: Self.data.labels)
            #expect(model.hyperparameters == Hyperparameters(classifier: kind, c: c, gamma: gamma, gridSearch: nil))
            #expect(model.scaler == nil)
            // Default threshold: P(fake) at decision value 0, so labels follow the decision's sign.
            #expect(model.threshold == model.classifier.probability(decision: 0))
            if kind == .logistic { #expect(model.threshold == 0.5) }
            for features in Self.data.features {
                let decision = try model.decisionValue(features)
                guard abs(decision) > 1e-9 else { continue }
                #expect(model.isFake(probability: try model.probabilityFake(features)) == (decision > 0))
            }
            #expect(model.training.nReal == 60 && model.training.nFake == 60 && model.training.seed == 0)
            #expect(model.training.solver.hasPrefix(kind == .logistic ? "liblinear " : "libsvm "))
            #expect(model.training.solver.contains(kind == .logistic ? " L2R_LR" : " C_SVC"))
        }
    }

    @Test func refusesBadOptions() {
        #expect(Self.refusal(TrainingOptions(classifier: .logistic, gamma: 0.5))?.code == .invalidOptions)
        #expect(Self.refusal(TrainingOptions(c: 0))?.code == .invalidOptions)
        #expect(Self.refusal(TrainingOptions(c: .infinity))?.code == .invalidOptions)
        #expect(Self.refusal(TrainingOptions(classifier: .svm, gamma: -1))?.code == .invalidOptions)
        #expect(Self.refusal(TrainingOptions(threshold: .nan))?.code == .invalidOptions)
        #expect(Self.refusal(TrainingOptions(threshold: 2))?.code == .invalidOptions)
        #expect(Self.refusal(TrainingOptions(threshold: -0.1))?.code == .invalidOptions)
        #expect(Self.refusal(TrainingOptions(threshold: 1)) == nil)
        #expect(Self.refusal(TrainingOptions(gridSearch: GridSearch(folds: 1)))?.code == .invalidOptions)
        #expect(Self.refusal(TrainingOptions(gridSearch: GridSearch(cValues: [])))?.code == .invalidOptions)
    }

    @Test func refusesBadTrainingData() {
        let features = Self.data.features
        #expect(Self.refusal(TrainingOptions(), labels: Array(repeating: 0, count: 120))?.code == .invalidInput)
        #expect(Self.refusal(TrainingOptions(), labels: [2] + Self.data.labels.dropFirst())?.code == .invalidInput)
        #expect(Self.refusal(TrainingOptions(), labels: Array(Self.data.labels.dropFirst()))?.code == .invalidInput)
        #expect(Self.refusal(TrainingOptions(), features: [Array(features[0].dropLast())] + features.dropFirst())?.code
            == .dimensionMismatch)
        var withNaN = features
        withNaN[7][3] = .nan
        let error = Self.refusal(TrainingOptions(), features: withNaN)
        #expect(error?.code == .nonFiniteValue && error?.message.contains("7") == true)
    }

    @Test(arguments: [ClassifierKind.logistic, .svm])
    func gridSearchPicksFromTheGridOnStandardisedFeatures(kind: ClassifierKind) throws {
        let grid = GridSearch(folds: 3, cValues: [0.1, 10], gammaFactors: [0.25, 4])
        let options = TrainingOptions(classifier: kind, c: 123, gridSearch: grid, date: fixedDate)
        let groups = Self.data.labels.indices.map { "photo\($0 / 3)" }
        let trainer = Trainer(feature: ProfileConfiguration(), options: options)
        let model = try trainer.train(features: Self.data.features, labels: Self.data.labels, groups: groups)
        #expect(model.scaler != nil)
        let hyperparameters = model.hyperparameters
        #expect(grid.cValues.contains(hyperparameters.c))
        if kind == .svm {
            let gamma = try #require(hyperparameters.gamma)
            #expect(grid.gammaFactors.map { $0 / 300 }.contains(gamma))
        } else {
            #expect(hyperparameters.gamma == nil)
        }
        let result = try #require(hyperparameters.gridSearch)
        #expect(result.grid == grid && result.grouped)
        #expect(result.balancedAccuracy > 0.6 && result.balancedAccuracy <= 1)
        // The search is seeded and deterministic too.
        let again = try trainer.train(features: Self.data.features, labels: Self.data.labels, groups: groups)
        #expect(try again.encoded() == model.encoded())
    }

    @Test func recordsProvenanceAndCrossValidation() throws {
        let cv = CrossValidationResult(
            folds: [FoldMetrics(fold: 0, nReal: 3, nFake: 2, accuracy: 0.8, balancedAccuracy: 0.75, rocAUC: nil)],
            grouped: true)
        let options = TrainingOptions(
            threshold: 0.7, toolVersion: "specdet 9.9", augmentation: "jpeg q 70-95", date: fixedDate)
        let model = try Trainer(feature: ProfileConfiguration(), options: options)
            .train(features: Self.data.features, labels: Self.data.labels, crossValidation: cv)
        #expect(model.threshold == 0.7 && !model.isFake(probability: 0.69))
        #expect(model.training.crossValidation == cv)
        #expect(model.training.toolVersion == "specdet 9.9" && model.training.augmentation == "jpeg q 70-95")
        #expect(try DetectorModel.load(from: model.encoded()) == model)
    }

    // MARK: Augmentation rounds

    /// The synthetic data, each sample followed by a noisy copy per round (rounds 1 and 2).
    static func withCopies(rounds: Int) -> (features: [[Float]], labels: [Int], rounds: [Int]) {
        var generator = SplitMix64(seed: 43)
        var result: (features: [[Float]], labels: [Int], rounds: [Int]) = ([], [], [])
        for (features, label) in zip(data.features, data.labels) {
            result.features.append(features)
            result.labels.append(label)
            result.rounds.append(0)
            for round in 1...rounds {
                result.features.append(features.map { $0 + Float(Int(generator.next() % 201) - 100) * 2e-4 })
                result.labels.append(label)
                result.rounds.append(round)
            }
        }
        return result
    }

    @Test(arguments: [ClassifierKind.logistic, .svmLinear, .svm])
    func roundsTrainOneClassifierEachAndAverageThem(kind: ClassifierKind) throws {
        let sample = Self.withCopies(rounds: 2)
        let trainer = Trainer(feature: ProfileConfiguration(), options: TrainingOptions(classifier: kind, date: fixedDate))
        let model = try trainer.train(features: sample.features, labels: sample.labels, rounds: sample.rounds)
        let members = try (1...2).map { round in
            let rows = sample.rounds.indices.filter { sample.rounds[$0] == 0 || sample.rounds[$0] == round }
            return try trainer.train(features: rows.map { sample.features[$0] }, labels: rows.map { sample.labels[$0] })
        }
        for probe in SyntheticProfiles(count: 20, seed: 44).features {
            let expected = try members.map { try $0.decisionValue(probe) }.reduce(0, +) / 2
            #expect(abs(try model.decisionValue(probe) - expected) <= 1e-9 * max(1, abs(expected)))
        }
        #expect(model.training.solver.hasSuffix("the mean of 2 such classifiers, one per augmentation round (Platt's A and B averaged)"))
        #expect(model.training.nReal + model.training.nFake == sample.features.count)
        if case .rbfSVM(_, let vectors, _, _, let platt) = model.classifier,
            case .rbfSVM(_, let first, _, _, let firstPlatt) = members[0].classifier,
            case .rbfSVM(_, let second, _, _, let secondPlatt) = members[1].classifier
        {
            // An original that is a support vector of both members is kept once.
            func rows(_ set: VectorRows) -> [[UInt32]] { (0..<set.count).map { set[$0].map(\.bitPattern) } }
            let shared = Set(rows(first)).intersection(rows(second)).count
            #expect(shared > 0 && vectors.count == first.count + second.count - shared)
            #expect(platt.a == (firstPlatt.a + secondPlatt.a) / 2 && platt.b == (firstPlatt.b + secondPlatt.b) / 2)
        }
        #expect(try DetectorModel.load(from: model.encoded()) == model)
    }

    @Test func originalsOnlyAreOneClassifierAsWithoutRounds() throws {
        let trainer = Trainer(feature: ProfileConfiguration(), options: TrainingOptions(classifier: .svm, date: fixedDate))
        let plain = try trainer.train(features: Self.data.features, labels: Self.data.labels)
        let zeros = try trainer.train(
            features: Self.data.features, labels: Self.data.labels, rounds: Array(repeating: 0, count: Self.data.labels.count))
        #expect(try zeros.encoded() == plain.encoded())
        // One round of copies is one classifier on everything, as without rounds.
        let sample = Self.withCopies(rounds: 1)
        let oneRound = try trainer.train(features: sample.features, labels: sample.labels, rounds: sample.rounds)
        var withoutRounds = try trainer.train(features: sample.features, labels: sample.labels)
        // Only the class means differ: with rounds they are the originals', without, every sample's.
        let originals = sample.rounds.indices.filter { sample.rounds[$0] == 0 }
        #expect(oneRound.classMeans == ClassMeans(ProfileComparison(
            features: originals.map { sample.features[$0] }, labels: originals.map { sample.labels[$0] }, configuration: ProfileConfiguration())))
        #expect(withoutRounds.classMeans == ClassMeans(ProfileComparison(
            features: sample.features, labels: sample.labels, configuration: ProfileConfiguration())))
        withoutRounds.classMeans = oneRound.classMeans
        #expect(try oneRound.encoded() == withoutRounds.encoded())
    }

    /// The scaler is fitted on every sample, the grid search on the first round's; a round
    /// without copies (a gap) trains no classifier.
    @Test func roundsShareTheScalerAndSearchTheFirstRound() throws {
        let sample = Self.withCopies(rounds: 2)
        let grid = GridSearch(folds: 2, cValues: [0.1, 10], gammaFactors: [1])
        let trainer = Trainer(
            feature: ProfileConfiguration(), options: TrainingOptions(classifier: .svm, gridSearch: grid, date: fixedDate))
        let model = try trainer.train(features: sample.features, labels: sample.labels, rounds: sample.rounds)
        let matrix = FeatureMatrix(
            rowCount: sample.features.count, columnCount: sample.features[0].count, values: sample.features.flatMap { $0 })
        #expect(model.scaler == Standardizer(fitting: matrix, rows: Array(sample.features.indices)))
        let firstRound = sample.rounds.indices.filter { sample.rounds[$0] <= 1 }
        let searched = try trainer.train(
            features: firstRound.map { sample.features[$0] }, labels: firstRound.map { sample.labels[$0] })
        #expect(model.hyperparameters == searched.hyperparameters)

        let gap = sample.rounds.map { $0 == 2 ? 3 : $0 }  // rounds 0, 1 and 3
        let plain = Trainer(feature: ProfileConfiguration(), options: TrainingOptions(classifier: .svm, date: fixedDate))
        #expect(try plain.train(features: sample.features, labels: sample.labels, rounds: gap).encoded()
            == plain.train(features: sample.features, labels: sample.labels, rounds: sample.rounds).encoded())
    }

    @Test func refusesBadRounds() {
        let trainer = Trainer(feature: ProfileConfiguration())
        for rounds in [[0, 1], Array(repeating: -1, count: Self.data.labels.count)] {
            #expect(throws: SpecdetError.self) {
                try trainer.train(features: Self.data.features, labels: Self.data.labels, rounds: rounds)
            }
        }
    }

    /// A false-positive target counts only the samples it is told to, and the model records
    /// which inputs those were; a target that counts no real is refused.
    @Test func targetCountsOnlyTheFlaggedReals() throws {
        let model = try Trainer(feature: ProfileConfiguration(), options: TrainingOptions(classifier: .logistic))
            .train(features: Self.data.features, labels: Self.data.labels)
        // Reals of the named input score low; the other reals and the copies score high.
        let decisions: [(Double, Int, Bool)] = [(-3, 0, true), (-2, 0, true), (-1, 0, true), (-0.5, 0, true),
                                                (2.5, 0, false), (2, 0, true), (1, 1, true), (3, 1, true)]
        let outOfFold = decisions.map { OutOfFoldScore(decision: $0.0, label: $0.1, original: $0.2) }
        let named = [true, true, true, true, false, false, true, true]
        let targeted = TargetedReals(inputs: ["mine"], counted: named)
        let narrow = try Trainer.calibrated(model, outOfFold: outOfFold, rule: .targetFPR, targetFPR: 0, targeted: targeted)
        let everything = try Trainer.calibrated(model, outOfFold: outOfFold, rule: .targetFPR, targetFPR: 0)
        let probability = { (decision: Double) in model.classifier.probability(decision: decision) }
        // No named real is called fake, and the fake at decision value 1 still is.
        #expect(narrow.threshold > probability(-0.5) && narrow.threshold <= probability(1))
        #expect(everything.threshold > probability(2.5))
        #expect(narrow.operatingPoint?.targetFPROn == ["mine"] && everything.operatingPoint?.targetFPROn == nil)
        // Another rule ignores the target and records none.
        let sign = try Trainer.calibrated(model, outOfFold: outOfFold, rule: .decisionSign, targetFPR: nil, targeted: targeted)
        #expect(sign.threshold == probability(0) && sign.operatingPoint?.targetFPROn == nil)
        // The counts are the originals' (five reals, two fakes) whatever the target counted: the real at 2 is called fake.
        #expect(narrow.operatingPoint?.outOfFold?.falsePositives == 1)
        #expect(throws: SpecdetError.self) {
            try Trainer.calibrated(model, outOfFold: outOfFold, rule: .targetFPR, targetFPR: 0,
                                   targeted: TargetedReals(inputs: ["mine"], counted: [true]))
        }
        #expect(throws: SpecdetError.self) {
            try Trainer.calibrated(model, outOfFold: outOfFold, rule: .targetFPR, targetFPR: 0,
                                   targeted: TargetedReals(inputs: ["mine"], counted: outOfFold.map { $0.label == 1 }))
        }
    }
}
