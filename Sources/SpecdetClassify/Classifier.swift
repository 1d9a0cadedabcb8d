import Foundation
import SpecdetProfile

/// The three classifiers specdet trains; the raw value is the CLI's `--classifier` name and
/// the `kind` written in model files.
package enum ClassifierKind: String, Codable, Sendable, CaseIterable {
    /// L2-regularised logistic regression (liblinear `L2R_LR`), published C = 1.
    case logistic
    /// C-SVM with an RBF kernel (libsvm `C_SVC`), published C = 6.37, γ = 0.86.
    case svm
    /// C-SVM with a linear kernel (libsvm `C_SVC`, as scikit-learn's `SVC(kernel='linear')`), C = 1.
    case svmLinear = "svm-linear"
}

/// Platt's sigmoid turning a decision value into a probability, with libsvm's parameters.
///
/// Convention: `P(fake) = 1 / (1 + exp(a·f + b))`, where `f` is the fake-oriented decision
/// value (positive leans fake), evaluated as libsvm's `sigmoid_predict` does and clamped to
/// `[1e-7, 1 − 1e-7]` as `svm_predict_probability` does. `a` is negative for a useful model.
package struct PlattScaling: Codable, Sendable, Equatable {
    /// Slope A (libsvm's `probA`, in the fake orientation).
    package var a: Double
    /// Offset B (libsvm's `probB`, sign-adjusted to the fake orientation).
    package var b: Double

    /// A sigmoid with the given parameters.
    package init(a: Double, b: Double) {
        self.a = a
        self.b = b
    }

    /// libsvm's clamp on pairwise probabilities.
    static let minimumProbability = 1e-7

    /// `P(fake)` for the fake-oriented decision value `f`.
    package func probability(decision f: Double) -> Double {
        let fApB = f * a + b
        let p = fApB >= 0 ? exp(-fApB) / (1 + exp(-fApB)) : 1 / (1 + exp(fApB))
        return min(max(p, Self.minimumProbability), 1 - Self.minimumProbability)
    }
}

/// The parameters of a trained classifier, evaluated in plain Swift.
///
/// Convention for every case: the decision value `f` is oriented so that positive means fake
/// (label 1), whatever label order the solver used internally; inputs are the (optionally
/// standardised) feature vectors, read as `Double`.
package enum Classifier: Sendable, Equatable {
    /// Logistic regression: `f = w·x + b`, `P(fake) = 1 / (1 + exp(−f))`.
    case logistic(weights: [Double], bias: Double)
    /// Linear SVM: `f = w·x + b` (libsvm's support vectors collapsed into `w`, `b = −ρ`);
    /// `P(fake)` by `platt`, or `1 / (1 + exp(−f))` when a model carries no Platt parameters.
    case linearSVM(weights: [Double], bias: Double, platt: PlattScaling?)
    /// RBF SVM: `f = Σᵢ αᵢ·exp(−γ‖xᵢ − x‖²) − ρ`, `P(fake)` by `platt`. The support vectors are
    /// stored as `Float` because they are training vectors, which are `Float`.
    case rbfSVM(gamma: Double, supportVectors: VectorRows, coefficients: [Double], rho: Double, platt: PlattScaling)

    /// Which kind of classifier this is.
    package var kind: ClassifierKind {
        switch self {
        case .logistic: .logistic
        case .linearSVM: .svmLinear
        case .rbfSVM: .svm
        }
    }

    /// The fake-oriented decision value of `x` (length already checked by the caller).
    func decisionValue(_ x: [Float]) -> Double {
        assess(x).decision
    }

    /// The decision value of `x` and, for an RBF SVM, the Euclidean distance from `x` to its
    /// nearest support vector (nil for the linear models), found in the same pass.
    func assess(_ x: [Float]) -> (decision: Double, nearestSupportVector: Double?) {
        switch self {
        case .logistic(let weights, let bias), .linearSVM(let weights, let bias, _):
            var sum = 0.0
            for (w, value) in zip(weights, x) { sum += w * Double(value) }
            return (sum + bias, nil)
        case .rbfSVM(let gamma, let supportVectors, let coefficients, let rho, _):
            // The kernel values and the summation order are those of training and of libsvm's
            // svm_predict_values, so this equals libsvm's decision value to the last bit (for a
            // model of one libsvm model; an average of several has no libsvm counterpart).
            return x.withUnsafeBufferPointer { buffer in
                let count = supportVectors.count
                guard count > 0 else { return (-rho, Double.infinity) }
                return withUnsafeTemporaryAllocation(of: Double.self, capacity: count) { distances in
                    KernelMath.squaredDistances(supportVectors, count: count, to: buffer, into: distances.baseAddress!)
                    var sum = 0.0, nearest = Double.infinity
                    for index in 0..<count {
                        sum += coefficients[index] * exp(-gamma * distances[index])
                        nearest = min(nearest, distances[index])
                    }
                    return (sum - rho, nearest.squareRoot())
                }
            }
        }
    }

    /// The classifier whose decision value is the mean of the members' (all of one kind, with
    /// one γ and one length of weights): weights, biases and ρ averaged; an RBF SVM's support
    /// vectors pooled, each coefficient divided by the member count and a vector shared by
    /// several members kept once with the sum of its coefficients. Platt's A and B are
    /// averaged: an approximation, since nobody fitted a sigmoid to the mean; the sign of the
    /// decision value, which labels, is exact. One member is returned as it is.
    static func average(_ members: [Classifier]) -> Classifier {
        precondition(!members.isEmpty && members.allSatisfy { $0.kind == members[0].kind }, "members of one kind")
        guard members.count > 1 else { return members[0] }
        let share = 1 / Double(members.count)
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) * share }
        func meanPlatt(_ platts: [PlattScaling]) -> PlattScaling {
            PlattScaling(a: mean(platts.map(\.a)), b: mean(platts.map(\.b)))
        }
        switch members[0] {
        case .logistic, .linearSVM:
            var weights: [[Double]] = [], biases: [Double] = [], platts: [PlattScaling] = []
            for member in members {
                switch member {
                case .logistic(let memberWeights, let bias), .linearSVM(let memberWeights, let bias, nil):
                    weights.append(memberWeights)
                    biases.append(bias)
                case .linearSVM(let memberWeights, let bias, let platt?):
                    weights.append(memberWeights)
                    biases.append(bias)
                    platts.append(platt)
                case .rbfSVM:
                    preconditionFailure("members of one kind")
                }
            }
            precondition(weights.allSatisfy { $0.count == weights[0].count }, "weights of one length")
            let meanWeights = weights[0].indices.map { index in mean(weights.map { $0[index] }) }
            if case .logistic = members[0] { return .logistic(weights: meanWeights, bias: mean(biases)) }
            return .linearSVM(
                weights: meanWeights, bias: mean(biases), platt: platts.count == members.count ? meanPlatt(platts) : nil)
        case .rbfSVM(let gamma, let first, _, _, _):
            var vectors: [Float] = []
            var coefficients: [Double] = []
            var indexOfVector: [[UInt32]: Int] = [:]
            var rhos: [Double] = []
            var platts: [PlattScaling] = []
            for member in members {
                guard case .rbfSVM(let memberGamma, let memberVectors, let memberCoefficients, let rho, let platt) = member,
                    memberGamma == gamma
                else { preconditionFailure("RBF members of one γ") }
                for (row, coefficient) in zip(0..<memberVectors.count, memberCoefficients) {
                    let vector = memberVectors[row]
                    let key = vector.map(\.bitPattern)
                    if let index = indexOfVector[key] {
                        coefficients[index] += coefficient * share
                    } else {
                        indexOfVector[key] = coefficients.count
                        vectors.append(contentsOf: vector)
                        coefficients.append(coefficient * share)
                    }
                }
                rhos.append(rho)
                platts.append(platt)
            }
            return .rbfSVM(
                gamma: gamma, supportVectors: VectorRows(dimension: first.dimension, values: vectors),
                coefficients: coefficients, rho: mean(rhos), platt: meanPlatt(platts))
        }
    }

    /// `P(fake)` for the decision value `f` of this classifier.
    func probability(decision f: Double) -> Double {
        switch self {
        case .logistic, .linearSVM(_, _, nil):
            1 / (1 + exp(-f))
        case .linearSVM(_, _, let platt?), .rbfSVM(_, _, _, _, let platt):
            platt.probability(decision: f)
        }
    }
}

extension Classifier: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, weights, bias, platt, gamma
        case supportVectors = "support_vectors"
        case coefficients, rho
    }

    /// Reads `{"kind": "logistic" | "svm-linear" | "svm", ...}`.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(ClassifierKind.self, forKey: .kind) {
        case .logistic:
            self = .logistic(
                weights: try container.decode([Double].self, forKey: .weights),
                bias: try container.decode(Double.self, forKey: .bias))
        case .svmLinear:
            self = .linearSVM(
                weights: try container.decode([Double].self, forKey: .weights),
                bias: try container.decode(Double.self, forKey: .bias),
                platt: try container.decodeIfPresent(PlattScaling.self, forKey: .platt))
        case .svm:
            // Schema 1 writes the vectors as nested JSON arrays, schema 2 packed (`PackedArray`).
            let supportVectors: VectorRows
            if let rows = try? container.decode([[Float]].self, forKey: .supportVectors) {
                guard let dimension = rows.first?.count, dimension > 0, rows.allSatisfy({ $0.count == dimension }) else {
                    throw DecodingError.dataCorruptedError(forKey: .supportVectors, in: container,
                                                           debugDescription: "the vectors are empty or of different lengths")
                }
                supportVectors = VectorRows(rows)
            } else {
                let packed = try container.decode(PackedArray.self, forKey: .supportVectors)
                guard packed.shape.count == 2, packed.shape[0] > 0, packed.shape[1] > 0 else {
                    throw DecodingError.dataCorruptedError(forKey: .supportVectors, in: container,
                                                           debugDescription: "shape \(packed.shape), expected [count, dimension]")
                }
                // Checked before the vectors are laid out (in blocks of eight rows): a row longer
                // than any profile would only cost memory before validation refused it.
                let bins = ProfileConfiguration.binRange
                guard bins.contains(packed.shape[1]) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .supportVectors, in: container,
                        debugDescription: "vectors of \(packed.shape[1]) values; a profile has \(bins.lowerBound) to \(bins.upperBound)")
                }
                supportVectors = VectorRows(dimension: packed.shape[1],
                                            littleEndian: try packed.checkedBytes(.float32, at: .supportVectors, in: container))
            }
            let coefficients: [Double]
            if let values = try? container.decode([Double].self, forKey: .coefficients) {
                coefficients = values
            } else {
                coefficients = try container.decode(PackedArray.self, forKey: .coefficients).doubles(at: .coefficients, in: container)
            }
            self = .rbfSVM(
                gamma: try container.decode(Double.self, forKey: .gamma), supportVectors: supportVectors,
                coefficients: coefficients, rho: try container.decode(Double.self, forKey: .rho),
                platt: try container.decode(PlattScaling.self, forKey: .platt))
        }
    }

    /// Writes the parameters under `kind`, as read by `init(from:)`.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .logistic(let weights, let bias):
            try container.encode(weights, forKey: .weights)
            try container.encode(bias, forKey: .bias)
        case .linearSVM(let weights, let bias, let platt):
            try container.encode(weights, forKey: .weights)
            try container.encode(bias, forKey: .bias)
            try container.encodeIfPresent(platt, forKey: .platt)
        case .rbfSVM(let gamma, let supportVectors, let coefficients, let rho, let platt):
            try container.encode(gamma, forKey: .gamma)
            try container.encode(
                PackedArray(supportVectors.values, shape: [supportVectors.count, supportVectors.dimension]), forKey: .supportVectors)
            try container.encode(PackedArray(coefficients), forKey: .coefficients)
            try container.encode(rho, forKey: .rho)
            try container.encode(platt, forKey: .platt)
        }
    }
}
