import Foundation
import SpecdetProfile
import SpecdetSupport

/// A trained real-vs-fake detector: the feature definition, the optional scaler, the
/// classifier parameters, the decision threshold and a record of how it was made. This is the
/// model file (`specdet-model`, docs/MODEL-FILE.md); prediction needs nothing but this value.
///
/// Conventions: labels are real = 0, fake = 1; every probability is `P(fake)`; an input is
/// called fake when `probabilityFake(x) ≥ threshold`.
public struct DetectorModel: Codable, Sendable, Equatable {
    /// The value of `format` in every model file.
    package static let formatName = "specdet-model"
    /// The schema this build writes and the newest it reads.
    package static let currentSchemaVersion = 2

    /// Always `formatName`.
    package var format: String
    /// The schema of this file; `currentSchemaVersion` for models made by this build.
    package var schemaVersion: Int
    /// How feature vectors must be computed for this model.
    public package(set) var feature: ProfileConfiguration
    /// Standardisation applied to a feature vector before the classifier, if any.
    package var scaler: Standardizer?
    /// The classifier parameters.
    package var classifier: Classifier
    /// Decision threshold on `P(fake)`: fake when `p ≥ threshold` (0.5 unless chosen otherwise,
    /// e.g. by `ScoredSamples.threshold(forTargetFPR:)`).
    public package(set) var threshold: Double
    /// How `threshold` was chosen and what it did out of fold; nil in models that predate it.
    package var operatingPoint: OperatingPoint?
    /// Where the training profiles lie: a profile outside is out of the model's domain. Nil in
    /// models that predate it (every profile is then in domain).
    package var domain: DomainBound?
    /// The hyperparameters the classifier was trained with.
    package var hyperparameters: Hyperparameters
    /// How and on what the model was trained.
    package var training: TrainingRecord
    /// The per-bin statistics of the original training profiles of each class; nil in models
    /// that predate them (the key is optional, so the schema stays 2).
    package var classMeans: ClassMeans?

    private enum CodingKeys: String, CodingKey {
        case format
        case schemaVersion = "schema_version"
        case feature, scaler, classifier, threshold, hyperparameters, training
        case operatingPoint = "operating_point"
        case domain
        case classMeans = "class_means"
    }

    /// A model with the given parts, `format` and `schemaVersion` set to this build's.
    package init(
        feature: ProfileConfiguration, scaler: Standardizer?, classifier: Classifier, threshold: Double = 0.5,
        hyperparameters: Hyperparameters, training: TrainingRecord
    ) {
        self.format = Self.formatName
        self.schemaVersion = Self.currentSchemaVersion
        self.feature = feature
        self.scaler = scaler
        self.classifier = classifier
        self.threshold = threshold
        self.hyperparameters = hyperparameters
        self.training = training
    }

    // MARK: Prediction

    /// The fake-oriented decision value of one feature vector (positive leans fake): the logit
    /// for logistic regression, the SVM decision function otherwise.
    ///
    /// - Throws: `.dimensionMismatch` if `features.count != feature.bins`.
    public func decisionValue(_ features: [Float]) throws(SpecdetError) -> Double {
        try checkLength(features)
        return uncheckedDecisionValue(features)
    }

    /// `P(fake)` of one feature vector, in [0, 1] (SVM probabilities are clamped to
    /// [1e-7, 1 − 1e-7] as libsvm does). NaN only if the input holds NaN.
    ///
    /// - Throws: `.dimensionMismatch` if `features.count != feature.bins`.
    public func probabilityFake(_ features: [Float]) throws(SpecdetError) -> Double {
        classifier.probability(decision: try decisionValue(features))
    }

    /// `P(fake)` for the decision value `decision` (the model's sigmoid: Platt's for an SVM
    /// with one, the logistic function otherwise), e.g. of an out-of-fold score.
    package func probabilityFake(decision: Double) -> Double {
        classifier.probability(decision: decision)
    }

    /// `P(fake)` of each vector, the values `probabilityFake` gives, in input order; computed
    /// on up to `threads` threads (vectors dealt round-robin), since an RBF SVM with thousands
    /// of support vectors costs about as much as profiling a small image.
    ///
    /// - Throws: `.dimensionMismatch` for the first vector whose length is not `feature.bins`.
    package func probabilitiesFake(_ vectors: [[Float]], threads: Int) throws(SpecdetError) -> [Double] {
        try decisionValues(vectors, threads: threads).map { classifier.probability(decision: $0) }
    }

    /// The decision value of each vector, the values `decisionValue` gives, in input order, on
    /// up to `threads` threads.
    ///
    /// - Throws: `.dimensionMismatch` for the first vector whose length is not `feature.bins`.
    package func decisionValues(_ vectors: [[Float]], threads: Int) throws(SpecdetError) -> [Double] {
        try assessments(vectors, threads: threads).map(\.decision)
    }

    /// `Classifier.assess` of each vector (after the scaler), in input order, on up to
    /// `threads` threads.
    ///
    /// - Throws: `.dimensionMismatch` for the first vector whose length is not `feature.bins`.
    package func assessments(_ vectors: [[Float]], threads: Int) throws(SpecdetError)
        -> [(decision: Double, nearestSupportVector: Double?)]
    {
        for vector in vectors { try checkLength(vector) }
        guard !vectors.isEmpty else { return [] }
        var result = [(decision: Double, nearestSupportVector: Double?)](repeating: (0, nil), count: vectors.count)
        let workers = max(1, min(threads, vectors.count))
        result.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let output = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for index in stride(from: worker, to: vectors.count, by: workers) {
                    output[index] = uncheckedAssessment(vectors[index])
                }
            }
        }
        return result
    }

    /// `P(fake)` of a profile and whether it lies in the model's domain (`DomainBound`; nil
    /// for a model that records none), from one pass over the support vectors. `width` and
    /// `height` are the image's, when known (the domain bounds the aspect ratio and the short
    /// side).
    ///
    /// - Throws: `.dimensionMismatch` if `features.count != feature.bins`.
    public func assess(_ features: [Float], width: Int? = nil, height: Int? = nil) throws(SpecdetError)
        -> (probabilityFake: Double, inDomain: Bool?)
    {
        try checkLength(features)
        let (decision, nearest) = uncheckedAssessment(features)
        return (classifier.probability(decision: decision),
                domain.map { $0.contains(features, nearestSupportVector: nearest, width: width, height: height) })
    }

    private func checkLength(_ features: [Float]) throws(SpecdetError) {
        guard features.count == feature.bins else {
            throw SpecdetError(
                .dimensionMismatch, "the feature vector has \(features.count) values, the model expects \(feature.bins)")
        }
    }

    private func uncheckedDecisionValue(_ features: [Float]) -> Double {
        uncheckedAssessment(features).decision
    }

    private func uncheckedAssessment(_ features: [Float]) -> (decision: Double, nearestSupportVector: Double?) {
        classifier.assess(scaler?.transform(features) ?? features)
    }

    /// Whether a profile lies within the model's domain (`DomainBound`); true for a model
    /// without one.
    ///
    /// - Throws: `.dimensionMismatch` if `features.count != feature.bins`.
    public func isInDomain(_ features: [Float], width: Int? = nil, height: Int? = nil) throws(SpecdetError) -> Bool {
        try assess(features, width: width, height: height).inDomain ?? true
    }

    /// Whether a probability counts as fake under this model's threshold (`p ≥ threshold`).
    public func isFake(probability: Double) -> Bool {
        probability >= threshold
    }

    // MARK: Model file

    /// The model as compact JSON with sorted keys. Numbers are written in the shortest
    /// form that reads back to the same `Double`/`Float`, so a decoded model predicts
    /// bit-for-bit like this one.
    ///
    /// - Throws: the same `SpecdetError` that `load` would raise for an invalid model (a
    ///   non-finite number, a dimension mismatch...), so no file is written that cannot be read.
    package func encoded() throws(SpecdetError) -> Data {
        try validate()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(self)
        } catch {
            throw SpecdetError(.invalidModel, "cannot encode the model: \(error)")
        }
    }

    /// Reads and checks a model file.
    ///
    /// - Throws: `.unreadableFile`, or any error of `load(from: Data)`, with the path in the message.
    public static func load(from url: URL) throws(SpecdetError) -> DetectorModel {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw SpecdetError(.unreadableFile, "cannot read model \(url.path): \(error.localizedDescription)")
        }
        do {
            return try load(from: data)
        } catch {
            throw SpecdetError(error.code, "model \(url.path): \(error.message)")
        }
    }

    /// Decodes and checks a model, refusing in this order: bytes that are not JSON
    /// (`.malformedJSON`), a `format` other than `specdet-model` (`.wrongFormat`), a
    /// `schema_version` newer than this build or below 1 (`.unsupportedSchemaVersion`), an
    /// unknown feature set or classifier (`.unknownFeatureSet`, `.unknownClassifier`), missing
    /// or mistyped keys (`.invalidModel`, naming the key path), then the checks of
    /// `encoded()`: non-finite numbers and vector lengths that disagree with `feature.bins`.
    public static func load(from data: Data) throws(SpecdetError) -> DetectorModel {
        // One parse when the file is good; only a file that fails is parsed again, for its
        // header, to refuse it in the order above.
        let model: DetectorModel
        do {
            model = try decode(DetectorModel.self, from: data)
        } catch {
            try checkHeader(decode(ModelHeader.self, from: data))
            if error.code == .malformedJSON {
                // The header parsed, so the syntax is valid: JSONDecoder says "not valid JSON" when a
                // number does not fit a Double (1e999).
                throw SpecdetError(.nonFiniteValue, "a number is out of range: \(syntaxDetail(data) ?? error.message)")
            }
            throw error
        }
        try checkHeader(ModelHeader(format: model.format, schemaVersion: model.schemaVersion))
        // JSONDecoder keeps one of two values of a repeated key, where another reader keeps
        // the other: such a file means two things, so it is refused.
        if let key = JSONDuplicateKeys.first(in: data) {
            throw SpecdetError(.invalidModel, "the key \"\(key)\" appears twice in one object")
        }
        try model.validate()
        return model
    }

    /// Refuses a foreign, newer or unknown-content header (see `load(from:)`).
    private static func checkHeader(_ header: ModelHeader) throws(SpecdetError) {
        guard let format = header.format else {
            throw SpecdetError(.wrongFormat, "not a specdet model: no \"format\" key")
        }
        guard format == formatName else {
            throw SpecdetError(.wrongFormat, "not a specdet model: format is \"\(format)\", expected \"\(formatName)\"")
        }
        guard let version = header.schemaVersion else {
            throw SpecdetError(.invalidModel, "no \"schema_version\" key")
        }
        guard version <= currentSchemaVersion else {
            throw SpecdetError(
                .unsupportedSchemaVersion,
                "schema version \(version) is newer than this specdet reads (\(currentSchemaVersion)); upgrade specdet")
        }
        guard version >= 1 else {
            throw SpecdetError(.unsupportedSchemaVersion, "schema version \(version) does not exist")
        }
        if let name = header.feature?.features, FeatureSet(rawValue: name) == nil {
            let known = FeatureSet.allCases.map(\.rawValue).joined(separator: ", ")
            throw SpecdetError(.unknownFeatureSet, "unknown feature set \"\(name)\" (this build knows: \(known))")
        }
        for name in [header.classifier?.kind, header.hyperparameters?.classifier].compactMap({ $0 })
        where ClassifierKind(rawValue: name) == nil {
            let known = ClassifierKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw SpecdetError(.unknownClassifier, "unknown classifier \"\(name)\" (this build knows: \(known))")
        }
    }

    private static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(SpecdetError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
            guard let detail = syntaxDetail(data) else {
                // Valid JSON that JSONDecoder still calls invalid: a number read into a slot it
                // does not fit (2.5 as a whole number), which JSONDecoder does not locate.
                throw SpecdetError(.invalidModel, "a number does not fit where it stands: a fraction where a whole number "
                                   + "belongs (schema_version, a shape), or beyond the range of its type")
            }
            throw SpecdetError(.malformedJSON, "the model is not valid JSON: \(detail)")
        } catch let error as DecodingError {
            throw SpecdetError(decoding: error)
        } catch {
            throw SpecdetError(.malformedJSON, "cannot parse the model: \(error)")
        }
    }

    /// JSONDecoder reports every syntax error as "not valid JSON"; JSONSerialization says what
    /// and where ("Invalid value around character 48", "Unexpected end of file").
    private static func syntaxDetail(_ data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            return (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
        }
    }

    // MARK: Validation

    /// Checks everything `load` promises beyond the JSON structure.
    func validate() throws(SpecdetError) {
        guard format == Self.formatName else {
            throw SpecdetError(.wrongFormat, "format is \"\(format)\", expected \"\(Self.formatName)\"")
        }
        guard (1...Self.currentSchemaVersion).contains(schemaVersion) else {
            throw SpecdetError(.unsupportedSchemaVersion, "schema version \(schemaVersion) is not 1 to \(Self.currentSchemaVersion)")
        }
        if let problem = feature.problem { throw SpecdetError(.invalidModel, "feature: \(problem)") }
        try requireFinite([threshold], "threshold")
        guard (0...1).contains(threshold) else {
            throw SpecdetError(.invalidModel, "threshold is \(threshold); a threshold on P(fake) is between 0 and 1")
        }
        if let roc = operatingPoint?.roc {
            guard roc.falsePositiveRates.count == roc.thresholds.count, roc.truePositiveRates.count == roc.thresholds.count else {
                throw SpecdetError(.invalidModel, "operating_point.roc has \(roc.thresholds.count) thresholds, "
                                   + "\(roc.falsePositiveRates.count) false- and \(roc.truePositiveRates.count) true-positive rates")
            }
            try requireFinite(roc.thresholds, "operating_point.roc.thresholds")
            guard (roc.falsePositiveRates + roc.truePositiveRates).allSatisfy({ (0...1).contains($0) }) else {
                throw SpecdetError(.invalidModel, "operating_point.roc holds a rate outside 0 to 1")
            }
        }
        if let inputs = operatingPoint?.targetFPROn {
            guard !inputs.isEmpty, operatingPoint?.rule == .targetFPR else {
                throw SpecdetError(.invalidModel, "operating_point.target_fpr_on names the real inputs a target-fpr rule counted: "
                                   + "at least one, with that rule, or it is absent")
            }
        }
        if let scaler {
            try requireLength(scaler.mean.count, "scaler.mean")
            try requireLength(scaler.std.count, "scaler.std")
            try requireBounded(scaler.mean, in: "scaler.mean")
            try requireBounded(scaler.std, in: "scaler.std")
            if let index = scaler.std.firstIndex(where: { !($0 >= Self.smallestScale) }) {
                throw SpecdetError(.invalidModel, "scaler.std[\(index)] is \(scaler.std[index]), must be at least \(Self.smallestScale)")
            }
        }
        switch classifier {
        case .logistic(let weights, let bias), .linearSVM(let weights, let bias, nil):
            try requireLength(weights.count, "classifier.weights")
            try requireBounded(weights, [bias], in: "classifier.weights and bias")
        case .linearSVM(let weights, let bias, let platt?):
            try requireLength(weights.count, "classifier.weights")
            try requireBounded(weights, [bias, platt.a, platt.b], in: "classifier.weights, bias and platt")
        case .rbfSVM(let gamma, let supportVectors, let coefficients, let rho, let platt):
            try requireLength(supportVectors.dimension, "each of classifier.support_vectors")
            guard supportVectors.count == coefficients.count else {
                throw SpecdetError(
                    .dimensionMismatch,
                    "classifier has \(supportVectors.count) support vectors but \(coefficients.count) coefficients")
            }
            guard supportVectors.count > 0 else { throw SpecdetError(.invalidModel, "classifier has no support vectors") }
            if let (row, value) = supportVectors.firstRow(holding: { !(abs($0) <= Float(Self.largestMagnitude)) }) {
                throw SpecdetError(.nonFiniteValue, "classifier.support_vectors[\(row)] holds "
                                   + "\(value), not a finite number of magnitude up to \(Self.largestMagnitude)")
            }
            try requireBounded(coefficients, [gamma, rho, platt.a, platt.b], in: "classifier coefficients, gamma, rho and platt")
            guard gamma > 0 else { throw SpecdetError(.invalidModel, "classifier.gamma is \(gamma), must be positive") }
        }
        if let domain {
            try requireLength(domain.mean.count, "domain.mean")
            try requireLength(domain.std.count, "domain.std")
            try requireBounded(domain.mean, domain.std, domain.whitening, [domain.shrinkage, domain.bound, domain.quantile],
                               in: "domain")
            if let index = domain.std.firstIndex(where: { !($0 >= Self.smallestScale) }) {
                throw SpecdetError(.invalidModel, "domain.std[\(index)] is \(domain.std[index]), must be at least \(Self.smallestScale)")
            }
            guard domain.bound > 0 else { throw SpecdetError(.invalidModel, "domain.bound is \(domain.bound), must be positive") }
            if let supportVectorBound = domain.supportVectorBound {
                try requireBounded([supportVectorBound], in: "domain.support_vector_bound")
                guard supportVectorBound > 0, case .rbfSVM = classifier else {
                    throw SpecdetError(.invalidModel, "domain.support_vector_bound is \(supportVectorBound): a positive bound of an svm model only")
                }
            }
            if let side = domain.smallestSide, side < 1 {
                throw SpecdetError(.invalidModel, "domain.smallest_side is \(side), must be at least 1 pixel")
            }
            if let ratio = domain.largestAspectRatio {
                try requireBounded([ratio], in: "domain.largest_aspect_ratio")
                guard ratio >= 1 else {
                    throw SpecdetError(.invalidModel, "domain.largest_aspect_ratio is \(ratio), must be at least 1 (long side over short side)")
                }
            }
        }
        guard hyperparameters.classifier == classifier.kind else {
            throw SpecdetError(
                .invalidModel,
                "hyperparameters name classifier \"\(hyperparameters.classifier.rawValue)\" but the parameters are for \"\(classifier.kind.rawValue)\"")
        }
        try requireFinite([hyperparameters.c] + (hyperparameters.gamma.map { [$0] } ?? []), "hyperparameters")
        if let classMeans {
            for (values, name) in [(classMeans.real, "real"), (classMeans.fake, "fake"),
                                   (classMeans.realStd, "real_std"), (classMeans.fakeStd, "fake_std")] {
                try requireLength(values.count, "class_means.\(name)")
                try requireBounded(values, in: "class_means.\(name)")
            }
            if let index = (classMeans.realStd + classMeans.fakeStd).firstIndex(where: { $0 < 0 }) {
                throw SpecdetError(.invalidModel, "class_means: standard deviation \(index % feature.bins) is negative")
            }
        }
    }

    private func requireLength(_ count: Int, _ name: String) throws(SpecdetError) {
        guard count == feature.bins else {
            throw SpecdetError(.dimensionMismatch, "\(name) has \(count) values, feature.bins is \(feature.bins)")
        }
    }

    /// Parameters are bounded so that every probability is finite for every finite profile
    /// (profiles themselves are bounded by `ProfileExtractor.largestFeatureMagnitude`): a
    /// magnitude over 1e12, or a scale under 1e-12, would let NaN or infinity through.
    static let largestMagnitude = 1e12, smallestScale = 1e-12

    /// Every value of `parts` finite and of magnitude at most `largestMagnitude` (the parts are
    /// read where they lie, not copied into one array: some hold thousands of values).
    private func requireBounded(_ parts: [Double]..., in name: String) throws(SpecdetError) {
        try requireFinite(parts.joined(), name)
        if let value = parts.joined().first(where: { abs($0) > Self.largestMagnitude }) {
            throw SpecdetError(.invalidModel, "\(name) holds \(value), beyond the magnitude \(Self.largestMagnitude) a model may have")
        }
    }

    private func requireFinite(_ values: some Sequence<Double>, _ name: String) throws(SpecdetError) {
        guard values.allSatisfy(\.isFinite) else {
            throw SpecdetError(.nonFiniteValue, "\(name) contains NaN or infinity")
        }
    }
}

/// The few keys read when the full decode fails, so a foreign or newer file gets a precise
/// refusal instead of a decoding error about some key deep inside.
private struct ModelHeader: Decodable {
    struct Feature: Decodable { var features: String? }
    struct Kind: Decodable { var kind: String? }
    struct Hyperparameters: Decodable { var classifier: String? }

    var format: String?
    var schemaVersion: Int?
    var feature: Feature? = nil
    var classifier: Kind? = nil
    var hyperparameters: Hyperparameters? = nil

    private enum CodingKeys: String, CodingKey {
        case format
        case schemaVersion = "schema_version"
        case feature, classifier, hyperparameters
    }
}

extension SpecdetError {
    /// Maps a `DecodingError` to a kind and a message that says where in the file.
    init(decoding error: DecodingError) {
        func path(_ codingPath: [any CodingKey]) -> String {
            guard !codingPath.isEmpty else { return "the top level" }
            return codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }
                .joined().trimmingPrefix(".").description
        }
        switch error {
        case .dataCorrupted(let context):
            self.init(.invalidModel, "invalid value at \(path(context.codingPath)): \(context.debugDescription)")
        case .keyNotFound(let key, let context):
            self.init(.invalidModel, "missing key \"\(key.stringValue)\" at \(path(context.codingPath))")
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            self.init(.wrongFormat, "not a specdet model: the top level is not a JSON object")
        case .typeMismatch(let type, let context):
            self.init(.invalidModel, "wrong type at \(path(context.codingPath)): expected \(type)")
        case .valueNotFound(let type, let context):
            self.init(.invalidModel, "null at \(path(context.codingPath)): expected \(type)")
        @unknown default:
            self.init(.invalidModel, "cannot decode the model: \(error)")
        }
    }
}
