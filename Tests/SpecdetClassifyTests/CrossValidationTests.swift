import SpecdetProfile
import Testing
@testable import SpecdetClassify
import SpecdetSupport

@Suite struct CrossValidationTests {
    /// The documented rule by hand: sizes a 5, b 3, c 3, d 2, e 1 (b before c by name).
    /// a → fold 0 (5|0); b → 1 (5|3); c → 1 (5|6); d → 0 (7|6); e → 1 (7|7).
    @Test func groupedFoldsFollowTheDocumentedRule() throws {
        let sizes = [("c", 3), ("e", 1), ("a", 5), ("d", 2), ("b", 3)]
        let groups = sizes.flatMap { name, size in Array(repeating: name, count: size) }
        let labels = groups.indices.map { $0 % 2 }
        let folds = try CrossValidation.folds(labels: labels, groups: groups, k: 2)
        let expected = ["a": 0, "b": 1, "c": 1, "d": 0, "e": 1]
        for (group, fold) in zip(groups, folds) { #expect(fold == expected[group], "group \(group)") }
    }

    @Test func groupedFoldsNeverSplitAGroupAndStayBalanced() throws {
        var generator = SplitMix64(seed: 3)
        let groups = (0..<500).map { _ in "photo-\(generator.next() % 60)" }
        let labels = (0..<500).map { _ in Int(generator.next() % 2) }
        let k = 5
        let folds = try CrossValidation.folds(labels: labels, groups: groups, k: k)
        var foldOfGroup: [String: Int] = [:]
        for (group, fold) in zip(groups, folds) {
            #expect(foldOfGroup[group, default: fold] == fold, "group \(group) split")
            foldOfGroup[group] = fold
        }
        // Greedy placement: no fold exceeds the smallest by more than the largest group.
        var groupSizes: [String: Int] = [:]
        for group in groups { groupSizes[group, default: 0] += 1 }
        let foldSizes = (0..<k).map { fold in folds.filter { $0 == fold }.count }
        #expect(foldSizes.max()! - foldSizes.min()! <= groupSizes.values.max()!)
        #expect(Set(folds) == Set(0..<k))
    }

    /// Names compare as UTF-8 bytes (as Python's str order): "Z" < "a" < "z" < "é"; and two
    /// encodings of "é" are different groups.
    @Test func groupNamesCompareAsBytes() throws {
        let groups = ["é", "z", "a", "Z", "e\u{301}"]
        let folds = try CrossValidation.folds(labels: [0, 1, 0, 1, 0], groups: groups, k: 5)
        // All of size 1, so fold = position in byte order: Z, a, e+U+0301, z, é.
        #expect(folds == [4, 3, 1, 0, 2])
    }

    /// A reimplementation in Python of the documented rule gives the same folds:
    /// python3 -c "
    /// M=(1<<64)-1
    /// def sm(s):
    ///   while True:
    ///     s=(s+0x9E3779B97F4A7C15)&M; z=s; z=((z^(z>>30))*0xBF58476D1CE4E5B9)&M; z=((z^(z>>27))*0x94D049BB133111EB)&M; yield z^(z>>31)
    /// y=[i%3==0 and 1 or 0 for i in range(14)]; k=3; g=sm(7); f=[0]*14; off=0
    /// for c in (0,1):
    ///   idx=[i for i in range(14) if y[i]==c]
    ///   for i in range(len(idx)-1,0,-1):
    ///     j=next(g)%(i+1); idx[i],idx[j]=idx[j],idx[i]
    ///   for t,i in enumerate(idx): f[i]=(off+t)%k
    ///   off+=len(idx)
    /// print(f)"  → [1, 0, 0, 0, 0, 2, 0, 1, 2, 2, 1, 1, 1, 2]
    @Test func stratifiedFoldsMatchThePythonReimplementation() throws {
        let labels = (0..<14).map { $0 % 3 == 0 ? 1 : 0 }
        let folds = try CrossValidation.folds(labels: labels, k: 3, seed: 7)
        #expect(folds == [1, 0, 0, 0, 0, 2, 0, 1, 2, 2, 1, 1, 1, 2])
    }

    @Test func stratifiedFoldsKeepClassRatios() throws {
        var generator = SplitMix64(seed: 9)
        let labels = (0..<1003).map { _ in generator.next() % 4 == 0 ? 1 : 0 }
        let k = 5
        let folds = try CrossValidation.folds(labels: labels, k: k, seed: 0)
        for label in [0, 1] {
            let counts = (0..<k).map { fold in zip(labels, folds).filter { $0 == (label, fold) }.count }
            #expect(counts.max()! - counts.min()! <= 1, "class \(label): \(counts)")
        }
        let sizes = (0..<k).map { fold in folds.filter { $0 == fold }.count }
        #expect(sizes.max()! - sizes.min()! <= 1)
        #expect(try CrossValidation.folds(labels: labels, k: k, seed: 0) == folds)
        #expect(try CrossValidation.folds(labels: labels, k: k, seed: 1) != folds)
    }

    @Test func refusesImpossibleFolds() {
        #expect(throws: SpecdetError.self) { try CrossValidation.folds(labels: [0, 1, 0, 1], k: 1) }
        #expect(throws: SpecdetError.self) { try CrossValidation.folds(labels: [0, 1, 0, 1, 0], k: 3) }
        #expect(throws: SpecdetError.self) {
            try CrossValidation.folds(labels: [0, 1, 0, 1], groups: ["a", "a", "b", "b"], k: 3)
        }
        #expect(throws: SpecdetError.self) { try CrossValidation.folds(labels: [0, 1], groups: ["a"], k: 2) }
    }

    @Test func runReportsHeldOutMetrics() throws {
        let data = SyntheticProfiles(count: 200, seed: 31)
        let folds = try CrossValidation.folds(labels: data.labels, k: 4)
        let trainer = Trainer(feature: ProfileConfiguration())
        let (result, outOfFold) = try CrossValidation.run(
            trainer, features: data.features, labels: data.labels, folds: folds, grouped: false)
        #expect(result.k == 4 && result.folds.map(\.fold) == [0, 1, 2, 3] && !result.grouped)
        #expect(result.folds.reduce(0) { $0 + $1.nReal + $1.nFake } == 200)
        #expect(result.accuracy > 0.7 && result.accuracy < 1, "accuracy \(result.accuracy)")
        let auc = try #require(result.rocAUC)
        #expect(auc > 0.8 && auc <= 1)
        #expect(abs(result.balancedAccuracy - result.folds.map(\.balancedAccuracy).reduce(0, +) / 4) < 1e-15)

        // The first fold by hand: train on the other folds, score the held-out part.
        let train = folds.indices.filter { folds[$0] != 0 }
        let test = folds.indices.filter { folds[$0] == 0 }
        let model = try trainer.train(features: train.map { data.features[$0] }, labels: train.map { data.labels[$0] })
        let scored = try ScoredSamples(
            labels: test.map { data.labels[$0] }, scores: test.map { try model.probabilityFake(data.features[$0]) })
        #expect(scored.confusion(threshold: 0.5).accuracy == result.folds[0].accuracy)
        #expect(scored.rocAUC == result.folds[0].rocAUC)
        // Every sample's out-of-fold decision value, in sample order, from its fold's model.
        #expect(outOfFold.count == 200 && outOfFold.map(\.label) == data.labels)
        #expect(try test.map { try model.decisionValue(data.features[$0]) } == test.map { outOfFold[$0].decision })

        let grouped = try CrossValidation.run(
            trainer, features: data.features, labels: data.labels, groups: data.labels.indices.map { "g\($0 / 4)" },
            folds: folds, grouped: true).result
        #expect(grouped.grouped)
    }

    /// With rounds, each fold's model is the round-averaged one: the first fold by hand, with
    /// the training part's rounds, and it differs from one classifier on all rows.
    @Test func runTrainsEachFoldInRounds() throws {
        let sample = TrainerTests.withCopies(rounds: 2)
        let folds = sample.rounds.indices.map { $0 / 6 % 4 }  // a real and a fake image, each with its two copies
        let trainer = Trainer(feature: ProfileConfiguration(), options: TrainingOptions(classifier: .svm))
        let isOriginal = sample.rounds.map { $0 == 0 }
        let result = try CrossValidation.run(
            trainer, features: sample.features, labels: sample.labels, rounds: sample.rounds, folds: folds, grouped: false,
            scored: isOriginal).result
        let train = folds.indices.filter { folds[$0] != 0 }
        let test = folds.indices.filter { folds[$0] == 0 && isOriginal[$0] }
        let model = try trainer.train(
            features: train.map { sample.features[$0] }, labels: train.map { sample.labels[$0] },
            rounds: train.map { sample.rounds[$0] })
        let scored = try ScoredSamples(
            labels: test.map { sample.labels[$0] }, scores: test.map { try model.probabilityFake(sample.features[$0]) })
        #expect(scored.rocAUC != nil && scored.rocAUC == result.folds[0].rocAUC)
        #expect(scored.confusion(threshold: model.threshold).accuracy == result.folds[0].accuracy)
        let withoutRounds = try CrossValidation.run(
            trainer, features: sample.features, labels: sample.labels, folds: folds, grouped: false, scored: isOriginal).result
        #expect(withoutRounds.folds.map(\.rocAUC) != result.folds.map(\.rocAUC))
    }
}
