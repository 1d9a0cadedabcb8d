import Foundation
import SpecdetProfile
import Testing
@testable import SpecdetClassify
import SpecdetSupport

@Suite struct DetectorModelTests {
    static let data = SyntheticProfiles(count: 160, seed: 21)
    static let probes = SyntheticProfiles(count: 40, seed: 22).features

    static func train(_ options: TrainingOptions) throws -> DetectorModel {
        var options = options
        options.date = fixedDate
        options.toolVersion = "specdet test"
        return try Trainer(feature: ProfileConfiguration(), options: options)
            .train(features: data.features, labels: data.labels)
    }

    static let allClassifiers = [
        TrainingOptions(classifier: .logistic), TrainingOptions(classifier: .svmLinear),
        TrainingOptions(classifier: .svm), TrainingOptions(classifier: .svm, standardize: true),
    ]

    @Test(arguments: allClassifiers)
    func roundTripPredictsBitForBit(options: TrainingOptions) throws {
        let model = try Self.train(options)
        let data = try model.encoded()
        let decoded = try DetectorModel.load(from: data)
        #expect(decoded == model)
        for probe in Self.probes {
            #expect(try decoded.probabilityFake(probe).bitPattern == model.probabilityFake(probe).bitPattern)
        }
        #expect(try decoded.encoded() == data)
    }

    @Test(arguments: allClassifiers)
    func trainingIsDeterministic(options: TrainingOptions) throws {
        #expect(try Self.train(options).encoded() == Self.train(options).encoded())
    }

    @Test func seedChangesPlattScalingOnly() throws {
        let first = try Self.train(TrainingOptions(classifier: .svm, seed: 0))
        let second = try Self.train(TrainingOptions(classifier: .svm, seed: 1))
        guard case .rbfSVM(_, let vectors0, let alphas0, let rho0, let platt0) = first.classifier,
            case .rbfSVM(_, let vectors1, let alphas1, let rho1, let platt1) = second.classifier
        else {
            Issue.record("not RBF SVMs")
            return
        }
        // Platt's internal CV folds depend on the seed; the SVM itself does not.
        #expect(vectors0 == vectors1 && alphas0 == alphas1 && rho0 == rho1)
        #expect(platt0 != platt1)
    }

    /// The exactness `encoded()` relies on: JSONEncoder writes the shortest digits that read
    /// back to the same value, for Float as for Double, across the whole range.
    @Test func numbersRoundTripExactly() throws {
        var generator = SplitMix64(seed: 77)
        var floats: [Float] = [
            0.1, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, -0.0, Float(16_777_216).nextUp,
        ]
        var doubles: [Double] = [0.1, 1.0 / 3, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -0.0, 1e16]
        while floats.count < 20_000 {
            let float = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
            if float.isFinite { floats.append(float) }
            let double = Double(bitPattern: generator.next())
            if double.isFinite { doubles.append(double) }
        }
        let decodedFloats = try JSONDecoder().decode([Float].self, from: JSONEncoder().encode(floats))
        #expect(decodedFloats.map(\.bitPattern) == floats.map(\.bitPattern))
        let decodedDoubles = try JSONDecoder().decode([Double].self, from: JSONEncoder().encode(doubles))
        #expect(decodedDoubles.map(\.bitPattern) == doubles.map(\.bitPattern))
    }

    @Test func fileShape() throws {
        let model = try Self.train(TrainingOptions(classifier: .logistic))
        let json = try #require(JSONSerialization.jsonObject(with: model.encoded()) as? [String: Any])
        #expect(json["format"] as? String == "specdet-model")
        #expect(json["schema_version"] as? Int == 2)
        #expect(json["threshold"] as? Double == 0.5)
        #expect(json["scaler"] == nil)
        let classifier = try #require(json["classifier"] as? [String: Any])
        #expect(classifier["kind"] as? String == "logistic")
        #expect((classifier["weights"] as? [Double])?.count == 300)
        let feature = try #require(json["feature"] as? [String: Any])
        #expect(feature["features"] as? String == "durall" && feature["bins"] as? Int == 300)
        let training = try #require(json["training"] as? [String: Any])
        #expect(training["n_real"] as? Int == 80 && training["n_fake"] as? Int == 80)
        #expect(training["date"] as? String == "2023-11-14T22:13:20Z")
        #expect(training["tool_version"] as? String == "specdet test")
        let hyperparameters = try #require(json["hyperparameters"] as? [String: Any])
        #expect(hyperparameters["classifier"] as? String == "logistic" && hyperparameters["c"] as? Double == 1)
        // The class means of the training profiles, under the first key in sorted order.
        let classMeans = try #require(json["class_means"] as? [String: [Double]])
        #expect(Set(classMeans.keys) == ["real", "fake", "real_std", "fake_std"])
        #expect(classMeans.values.allSatisfy { $0.count == 300 })
        let text = try #require(String(data: model.encoded(), encoding: .utf8))
        #expect(text.hasPrefix("{\"class_means\":{"))
    }

    // MARK: Refusals

    /// The logistic model's JSON as a dictionary, edited by `change`, re-encoded.
    static func edited(_ change: (inout [String: Any]) -> Void) throws -> Data {
        let model = try train(TrainingOptions(classifier: .logistic, standardize: true))
        var json = try #require(JSONSerialization.jsonObject(with: model.encoded()) as? [String: Any])
        change(&json)
        return try JSONSerialization.data(withJSONObject: json)
    }

    static func refusal(_ data: Data) -> SpecdetError? {
        do {
            _ = try DetectorModel.load(from: data)
            return nil
        } catch {
            return error
        }
    }

    @Test func refusesWrongFormat() throws {
        let error = try #require(Self.refusal(Self.edited { $0["format"] = "sklearn-pickle" }))
        #expect(error.code == .wrongFormat)
        #expect(error.message.contains("sklearn-pickle"))
        #expect(Self.refusal(Data("[1, 2]".utf8))?.code == .wrongFormat)
        #expect(Self.refusal(Data("{}".utf8))?.code == .wrongFormat)
    }

    /// `class_means` is optional: a model without it loads with none; a present one must have
    /// `bins` finite values per vector and no negative deviation.
    @Test func classMeansAreOptionalAndChecked() throws {
        let without = try DetectorModel.load(from: Self.edited { $0["class_means"] = nil })
        #expect(without.classMeans == nil)
        func classMeans(_ change: @escaping (inout [String: Any]) -> Void) throws -> Data {
            try Self.edited { json in
                var means = json["class_means"] as! [String: Any]
                change(&means)
                json["class_means"] = means
            }
        }
        let short = try #require(Self.refusal(classMeans { $0["fake"] = [1.0, 2.0] }))
        #expect(short.code == .dimensionMismatch && short.message.contains("class_means.fake"))
        let negative = try #require(Self.refusal(classMeans { $0["real_std"] = [-1.0] + Array(repeating: 0.1, count: 299) }))
        #expect(negative.code == .invalidModel && negative.message.contains("negative"))
        #expect(Self.refusal(try classMeans { $0["real"] = nil })?.code == .invalidModel)
    }

    @Test func refusesNewerSchema() throws {
        let error = try #require(Self.refusal(Self.edited { $0["schema_version"] = 99 }))
        #expect(error.code == .unsupportedSchemaVersion)
        #expect(error.message.contains("99"))
        #expect(Self.refusal(try Self.edited { $0["schema_version"] = 0 })?.code == .unsupportedSchemaVersion)
    }

    @Test func refusesBinsMismatch() throws {
        let error = try #require(Self.refusal(Self.edited { json in
            var feature = json["feature"] as! [String: Any]
            feature["bins"] = 299
            json["feature"] = feature
        }))
        #expect(error.code == .dimensionMismatch)
        #expect(error.message.contains("299"))
    }

    /// A ROC curve whose arrays differ in length (a report reads them side by side) or whose
    /// rates leave [0, 1] is refused at load.
    @Test func refusesABrokenROCCurve() throws {
        let roc = ["thresholds": [0.9, 0.5, 0.1], "fpr": [0.0, 0.5, 1.0], "tpr": [0.5, 1.0, 1.0]]
        for (key, values) in [("fpr", [0.0, 1.0]), ("tpr", [0.5, 1.0, 1.0, 1.0]), ("fpr", [0.0, 1.5, 1.0])] {
            let error = try #require(Self.refusal(Self.edited { json in
                var broken = roc
                broken[key] = values
                json["operating_point"] = ["rule": "decision-sign", "roc": broken]
            }))
            #expect(error.code == .invalidModel && error.message.contains("operating_point.roc"), "\(error.message)")
        }
        #expect(Self.refusal(try Self.edited { $0["operating_point"] = ["rule": "decision-sign", "roc": roc] }) == nil)
    }

    @Test func refusesScalerAndSupportVectorLengthMismatch() throws {
        let scaler = try #require(Self.refusal(Self.edited { json in
            var scaler = json["scaler"] as! [String: Any]
            scaler["std"] = Array((scaler["std"] as! [Double]).dropLast())
            json["scaler"] = scaler
        }))
        #expect(scaler.code == .dimensionMismatch && scaler.message.contains("scaler.std"))

        let model = try Self.train(TrainingOptions(classifier: .svm))
        let json = try #require(JSONSerialization.jsonObject(with: model.encoded()) as? [String: Any])
        func refusal(supportVectors: Any) throws -> SpecdetError? {
            var edited = json, classifier = json["classifier"] as! [String: Any]
            classifier["support_vectors"] = supportVectors
            edited["classifier"] = classifier
            return Self.refusal(try JSONSerialization.data(withJSONObject: edited))
        }
        let packed = (json["classifier"] as! [String: Any])["support_vectors"] as! [String: Any]
        let shape = packed["shape"] as! [Int]
        #expect(packed["dtype"] as? String == "float32" && shape.count == 2 && shape[1] == 300)
        // The same bytes read as rows of 150: a length the features do not have.
        var halves = packed
        halves["shape"] = [shape[0] * 2, 150]
        let halved = try #require(try refusal(supportVectors: halves))
        #expect(halved.code == .dimensionMismatch && halved.message.contains("support_vectors"))
        // A shape the data does not fill.
        var short = packed
        short["shape"] = [shape[0] + 1, 300]
        let unfilled = try #require(try refusal(supportVectors: short))
        #expect(unfilled.code == .invalidModel && unfilled.message.contains("does not hold"), "\(unfilled.message)")
        // One row longer than any profile, refused before it is laid out in memory.
        var long = packed
        long["shape"] = [1, ProfileConfiguration.binRange.upperBound + 1]
        let tooLong = try #require(try refusal(supportVectors: long))
        #expect(tooLong.code == .invalidModel && tooLong.message.contains("a profile has"), "\(tooLong.message)")
        // Text that is not strict base64: a character outside the alphabet, a space, padding cut.
        let text = packed["base64"] as! String
        for bad in ["!" + text.dropFirst(), String(text.prefix(8)) + " " + text.dropFirst(8), String(text.dropLast(4)) + "AA"] {
            var mangled = packed
            mangled["base64"] = bad
            let refused = try #require(try refusal(supportVectors: mangled))
            #expect(refused.code == .invalidModel && refused.message.contains("support_vectors.base64: text that is not base64"),
                    "\(refused.message)")
        }
        // Not text at all: the text is asked for, not a Swift type.
        for notText in [NSNull(), 5 as Any] {
            var mangled = packed
            mangled["base64"] = notText
            let refused = try #require(try refusal(supportVectors: mangled))
            #expect(refused.code == .invalidModel && refused.message.hasSuffix("support_vectors.base64: expected String"),
                    "\(refused.message)")
        }
        // Schema 1's nested arrays: one row longer than the others.
        var rows = (0..<shape[0]).map { _ in [Double](repeating: 1, count: 300) }
        rows[3].append(0.5)
        let ragged = try #require(try refusal(supportVectors: rows))
        #expect(ragged.code == .invalidModel && ragged.message.contains("support_vectors"), "\(ragged.message)")
    }

    @Test func refusesTruncatedAndGarbledJSON() throws {
        let whole = try Self.train(TrainingOptions(classifier: .logistic)).encoded()
        let truncated = try #require(Self.refusal(whole.prefix(whole.count / 2)))
        #expect(truncated.code == .malformedJSON && truncated.message.contains("end of file"))
        let garbled = try #require(Self.refusal(Data("{\"format\": \"specdet-model\", \"schema_version\": 1,, }".utf8)))
        #expect(garbled.code == .malformedJSON && garbled.message.contains("character 48"))
        #expect(Self.refusal(Data())?.code == .malformedJSON)
    }

    @Test func refusesUnknownFeatureSetAndClassifier() throws {
        let feature = try #require(Self.refusal(Self.edited { json in
            json["feature"] = ["features": "log-power", "bins": 300]
        }))
        #expect(feature.code == .unknownFeatureSet && feature.message.contains("log-power"))

        let classifier = try #require(Self.refusal(Self.edited { json in
            var classifier = json["classifier"] as! [String: Any]
            classifier["kind"] = "mlp"
            json["classifier"] = classifier
        }))
        #expect(classifier.code == .unknownClassifier && classifier.message.contains("mlp"))
    }

    @Test func refusesMissingKeysNamingThePath() throws {
        let threshold = try #require(Self.refusal(Self.edited { $0["threshold"] = nil }))
        #expect(threshold.code == .invalidModel && threshold.message.contains("threshold"))
        let bias = try #require(Self.refusal(Self.edited { json in
            var classifier = json["classifier"] as! [String: Any]
            classifier["bias"] = "zero"
            json["classifier"] = classifier
        }))
        #expect(bias.code == .invalidModel && bias.message.contains("classifier.bias"))
    }

    @Test func refusesAThresholdOutsideZeroToOne() throws {
        for value in [1.5, -0.25] {
            let error = try #require(Self.refusal(Self.edited { $0["threshold"] = value }))
            #expect(error.code == .invalidModel && error.message.contains("between 0 and 1"))
        }
        #expect(try Self.refusal(Self.edited { $0["threshold"] = 1.0 }) == nil)
    }

    @Test func refusesNonFiniteNumbers() throws {
        let text = String(decoding: try Self.train(TrainingOptions(classifier: .logistic)).encoded(), as: UTF8.self)
        let huge = text.replacingOccurrences(of: "\"threshold\":0.5", with: "\"threshold\":1e999")
        #expect(huge != text)
        let error = try #require(Self.refusal(Data(huge.utf8)))
        #expect(error.code == .nonFiniteValue && error.message.contains("1e999"))
        // Where the header itself is out of range, the file is refused before any number is used.
        let version = text.replacingOccurrences(of: "\"schema_version\":2", with: "\"schema_version\":1e999")
        #expect(Self.refusal(Data(version.utf8))?.code == .malformedJSON)
        // Valid JSON with a fraction where a whole number belongs is not called invalid JSON.
        let fraction = text.replacingOccurrences(of: "\"schema_version\":2", with: "\"schema_version\":2.5")
        let misfit = try #require(Self.refusal(Data(fraction.utf8)))
        #expect(misfit.code == .invalidModel && misfit.message.contains("does not fit"), "\(misfit.message)")

        var model = try Self.train(TrainingOptions(classifier: .logistic))
        model.threshold = .nan
        #expect(throws: SpecdetError(.nonFiniteValue, "threshold contains NaN or infinity")) { try model.encoded() }
    }

    @Test func loadFromFileNamesThePath() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("specdet-missing-\(UUID()).json")
        let error = try #require(throws: SpecdetError.self) { try DetectorModel.load(from: url) }
        #expect(error.code == .unreadableFile && error.message.contains(url.path))

        try Data("{\"format\": \"other\"}".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let wrong = try #require(throws: SpecdetError.self) { try DetectorModel.load(from: url) }
        #expect(wrong.code == .wrongFormat && wrong.message.contains(url.path))
    }

    @Test(arguments: allClassifiers)
    func manyProbabilitiesOnThreadsAreTheOneByOneValues(options: TrainingOptions) throws {
        let model = try Self.train(options)
        let expected = try Self.probes.map { try model.probabilityFake($0).bitPattern }
        for threads in [1, 2, 3, 7, 100] {
            #expect(try model.probabilitiesFake(Self.probes, threads: threads).map(\.bitPattern) == expected)
        }
        #expect(try model.probabilitiesFake([], threads: 2).isEmpty)
        #expect(throws: SpecdetError.self) { try model.probabilitiesFake(Self.probes + [[1, 2, 3]], threads: 2) }
    }

    @Test func predictionChecksTheVectorLength() throws {
        let model = try Self.train(TrainingOptions(classifier: .logistic))
        #expect(throws: SpecdetError.self) { try model.probabilityFake([1, 2, 3]) }
        #expect(model.isFake(probability: 0.5) && !model.isFake(probability: 0.4999))
    }
}

extension TrainingOptions: CustomTestStringConvertible {
    public var testDescription: String { "\(classifier.rawValue)\(standardize ? " standardised" : "")" }
}

/// The size bounds of a model's domain: the aspect ratio 2, or the 0.995 quantile of the
/// training images' ratios if larger, and the short side the mirror quantile of theirs; an
/// image beyond either is out of domain whatever its profile, one within them is judged by its
/// profile, and a model file without a bound has none.
@Suite struct AspectRatioDomainTests {
    static func model(sizes: [(width: Int, height: Int)?]) throws -> DetectorModel {
        let data = DetectorModelTests.data
        var model = try DetectorModelTests.train(TrainingOptions(classifier: .logistic, standardize: true))
        model.domain = try Trainer.domain(features: data.features, rounds: data.features.map { _ in 0 }, folds: nil, sizes: sizes)
        return model
    }

    @Test func theBoundIsTwoOrTheLargestTrainingRatio() throws {
        let count = DetectorModelTests.data.features.count
        #expect(try Self.model(sizes: []).domain?.largestAspectRatio == 2)
        #expect(try Self.model(sizes: Array(repeating: (100, 100), count: count)).domain?.largestAspectRatio == 2)
        var sizes: [(width: Int, height: Int)?] = Array(repeating: nil, count: count)
        sizes[3] = (350, 100)
        #expect(try Self.model(sizes: sizes).domain?.largestAspectRatio == 3.5)
        // One banner among 400 squares does not widen it (the 0.995 quantile of 400 ratios is
        // the 398th); many wide images do.
        var mostlySquare: [(width: Int, height: Int)?] = Array(repeating: (100, 100), count: 400)
        mostlySquare[5] = (1000, 100)
        #expect(try Self.model(sizes: mostlySquare).domain?.largestAspectRatio == 2)
        #expect(try Self.model(sizes: Array(repeating: (300, 100), count: count)).domain?.largestAspectRatio == 3)
    }

    /// The short-side bound mirrors the aspect bound's quantile: of 400 images, the two
    /// smallest may lie below it, the third may not.
    @Test func theSmallestSideIsTheMirrorQuantile() throws {
        #expect(try Self.model(sizes: []).domain?.smallestSide == nil)
        var sizes: [(width: Int, height: Int)?] = (0..<400).map { (64 + $0, 300) }
        #expect(try Self.model(sizes: sizes).domain?.smallestSide == 66)
        // 399 known sizes: one may lie below, so a thumbnail among them does not lower the bound.
        sizes[0] = nil
        sizes[7] = (12, 500)
        #expect(try Self.model(sizes: sizes).domain?.smallestSide == 65)
        #expect(DomainBound.lowerQuantile(0.995, of: (1...200).map(Double.init)) == 2)
        #expect(DomainBound.quantile(0.995, of: (1...200).map(Double.init)) == 199)
    }

    @Test func anImageBeyondTheBoundIsOutOfDomain() throws {
        let model = try Self.model(sizes: [])
        let inside = try #require(DetectorModelTests.data.features.first { try model.isInDomain($0) })
        #expect(try model.isInDomain(inside, width: 200, height: 100))
        #expect(try model.isInDomain(inside, width: 100, height: 200))
        #expect(try !model.isInDomain(inside, width: 201, height: 100))
        #expect(try !model.isInDomain(inside, width: 64, height: 1024))
        // The probability is the same whatever the shape: only the domain depends on it.
        #expect(try model.assess(inside, width: 1024, height: 64).probabilityFake == model.assess(inside).probabilityFake)

        var older = model
        older.domain?.largestAspectRatio = nil
        let reloaded = try DetectorModel.load(from: older.encoded())
        #expect(reloaded.domain?.largestAspectRatio == nil)
        #expect(try reloaded.isInDomain(inside, width: 1024, height: 64))

        // Under the short-side bound, out whatever the profile; a file keeps the bound.
        var bounded = model
        bounded.domain?.smallestSide = 40
        let stored = try DetectorModel.load(from: bounded.encoded())
        #expect(stored.domain?.smallestSide == 40)
        #expect(try stored.isInDomain(inside, width: 40, height: 60) && !stored.isInDomain(inside, width: 39, height: 60))
        #expect(try stored.isInDomain(inside))  // size unknown: judged by the profile alone
    }

    @Test func aRatioBelowOneIsRefused() throws {
        var json = try #require(JSONSerialization.jsonObject(with: Self.model(sizes: []).encoded()) as? [String: Any])
        var domain = try #require(json["domain"] as? [String: Any])
        domain["largest_aspect_ratio"] = 0.5
        json["domain"] = domain
        let error = try #require(DetectorModelTests.refusal(try JSONSerialization.data(withJSONObject: json)))
        #expect(error.code == .invalidModel && error.message.contains("largest_aspect_ratio"), "\(error.message)")
        domain["largest_aspect_ratio"] = 2
        domain["smallest_side"] = 0
        json["domain"] = domain
        let side = try #require(DetectorModelTests.refusal(try JSONSerialization.data(withJSONObject: json)))
        #expect(side.code == .invalidModel && side.message.contains("smallest_side"), "\(side.message)")
    }
}
