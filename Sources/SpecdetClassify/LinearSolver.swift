import CLinear
import Foundation
import SpecdetSupport

/// The only code that touches liblinear: builds the problem in liblinear's node form (one
/// copy of the `Float` rows, widened to `Double`), trains, copies the weights out into Swift
/// arrays and frees everything before returning.
enum LinearSolver {
    /// Logistic regression parameters in the fake orientation: `f = w·x + b`.
    struct Solution {
        var weights: [Double]
        var bias: Double
    }

    /// What liblinear itself predicts for one probe vector, in liblinear's own label order.
    struct Reference {
        /// `model->label`, the order of first appearance in the training rows.
        var labels: [Int]
        /// `predict_values`: the decision value for `labels[0]`.
        var decision: Double
        /// `predict_probability`: one probability per entry of `labels`.
        var probabilities: [Double]
    }

    /// The bias feature's value: scikit-learn's `intercept_scaling = 1`. liblinear 2.3 treats it
    /// as an ordinary feature, so the intercept is regularised exactly as in scikit-learn.
    static let biasFeature = 1.0
    /// scikit-learn's default `tol` for `LogisticRegression`, passed to liblinear as `eps`.
    static let tolerance = 1e-4

    /// A description of the solver for the model's training record.
    static var solverDescription: String {
        "liblinear \(LIBLINEAR_VERSION) L2R_LR (primal trust-region Newton), eps \(tolerance), bias feature \(biasFeature)"
    }

    /// Trains L2-regularised logistic regression (`L2R_LR`) with cost `c` on `rows` of
    /// `matrix`, and, for tests, asks liblinear for its own predictions on `probes`.
    static func trainLogistic(
        _ matrix: FeatureMatrix, labels: [Int], rows: [Int], c: Double, probes: [[Float]] = []
    ) throws(SpecdetError) -> (Solution, [Reference]) {
        let columns = matrix.columnCount
        let stride = columns + 2  // the features, the bias node, the terminator
        let nodes = UnsafeMutableBufferPointer<feature_node>.allocate(capacity: rows.count * stride)
        defer { nodes.deallocate() }
        let rowPointers = UnsafeMutableBufferPointer<UnsafeMutablePointer<feature_node>?>.allocate(capacity: rows.count)
        defer { rowPointers.deallocate() }
        var targets = [Double]()
        targets.reserveCapacity(rows.count)
        for (position, index) in rows.enumerated() {
            let start = nodes.baseAddress! + position * stride
            fillNodes(start, matrix.row(index))
            rowPointers[position] = start
            targets.append(Double(labels[index]))
        }

        return try targets.withUnsafeMutableBufferPointer { targets throws(SpecdetError) in
            var problem = CLinear.problem(
                l: Int32(rows.count), n: Int32(columns + 1), y: targets.baseAddress,
                x: rowPointers.baseAddress, bias: biasFeature)
            var parameter = CLinear.parameter(
                solver_type: Int32(L2R_LR), eps: tolerance, C: c, nr_weight: 0, weight_label: nil, weight: nil,
                p: 0.1, init_sol: nil)
            if let message = check_parameter(&problem, &parameter) {
                throw SpecdetError(.solverFailed, "liblinear refused the parameters: \(String(cString: message))")
            }
            let trained: UnsafeMutablePointer<model>? = solverLock.withLock {
                set_print_string_function { _ in }
                return CLinear.train(&problem, &parameter)
            }
            guard let trained else { throw SpecdetError(.solverFailed, "liblinear returned no model") }
            var owned: UnsafeMutablePointer<model>? = trained
            defer { free_and_destroy_model(&owned) }

            let model = trained.pointee
            let labels = (0..<Int(model.nr_class)).map { Int(model.label[$0]) }
            // For two classes liblinear stores one weight vector, for labels[0].
            let sign = labels[0] == 1 ? 1.0 : -1.0
            let featureCount = Int(model.nr_feature)
            let solution = Solution(
                weights: (0..<featureCount).map { sign * model.w[$0] },
                bias: sign * model.w[featureCount] * biasFeature)

            let probeNodes = UnsafeMutablePointer<feature_node>.allocate(capacity: stride)
            defer { probeNodes.deallocate() }
            let references = probes.map { probe in
                fillNodes(probeNodes, probe[...])
                var decision = [0.0, 0.0]
                var probabilities = [0.0, 0.0]
                _ = predict_values(trained, probeNodes, &decision)
                _ = predict_probability(trained, probeNodes, &probabilities)
                return Reference(labels: labels, decision: decision[0], probabilities: probabilities)
            }
            return (solution, references)
        }
    }

    /// Writes one dense row as liblinear nodes: indices 1...d, the bias node d+1, the terminator.
    private static func fillNodes(_ start: UnsafeMutablePointer<feature_node>, _ row: ArraySlice<Float>) {
        var node = start
        for (offset, value) in row.enumerated() {
            node.initialize(to: feature_node(index: Int32(offset + 1), value: Double(value)))
            node += 1
        }
        node.initialize(to: feature_node(index: Int32(row.count + 1), value: biasFeature))
        (node + 1).initialize(to: feature_node(index: -1, value: 0))
    }
}

/// Serialises every call into liblinear and libsvm training: their print hooks are process
/// globals, and libsvm's probability estimates draw from the C library's `rand()`, which is
/// seeded just before each training so the same data gives the same model.
let solverLock = NSLock()
