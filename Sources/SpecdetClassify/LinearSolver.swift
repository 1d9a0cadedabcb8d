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
        try train(solver: L2R_LR, eps: tolerance, c: c, rows: rows.count, columns: matrix.columnCount,
                  targets: rows.map { Double(labels[$0]) },
                  fill: { position, start in fillNodes(start, matrix.row(rows[position]).lazy.map(Double.init)) },
                  probes: probes)
    }

    /// The hinge-loss linear SVM's tolerance: scikit-learn's `LinearSVC` default `tol`.
    static let hingeTolerance = 1e-4

    /// A description of the hinge-loss solver for the model's training record.
    static var hingeSolverDescription: String {
        "liblinear \(LIBLINEAR_VERSION) L2R_L1LOSS_SVC_DUAL (hinge loss, dual coordinate descent), eps \(hingeTolerance), "
            + "bias feature \(biasFeature)"
    }

    /// Trains an L2-regularised hinge-loss linear SVM (`L2R_L1LOSS_SVC_DUAL`, as scikit-learn's
    /// `LinearSVC(loss='hinge')`) with cost `c` on the `rowCount` rows of `values` (row-major,
    /// `columns` per row), labels 0/1; the weights are in the fake orientation. The solver
    /// visits samples in an order drawn from `rand()`, seeded from `seed` just before.
    static func trainHingeSVM(
        _ values: [Double], rowCount: Int, columns: Int, labels: [Int], c: Double, seed: UInt64
    ) throws(SpecdetError) -> Solution {
        try values.withUnsafeBufferPointer { values throws(SpecdetError) in
            try train(solver: L2R_L1LOSS_SVC_DUAL, eps: hingeTolerance, c: c, seed: seed, rows: rowCount, columns: columns,
                      targets: labels.map(Double.init),
                      fill: { position, start in fillNodes(start, values[position * columns ..< (position + 1) * columns]) })
        }.0
    }

    /// Builds liblinear's problem (one node row per sample, written by `fill`), trains,
    /// copies the weights out in the fake orientation and frees everything.
    private static func train(
        solver: Int, eps: Double, c: Double, seed: UInt64 = 0, rows count: Int, columns: Int, targets: [Double],
        fill: (Int, UnsafeMutablePointer<feature_node>) -> Void, probes: [[Float]] = []
    ) throws(SpecdetError) -> (Solution, [Reference]) {
        let stride = columns + 2  // the features, the bias node, the terminator
        let nodes = UnsafeMutableBufferPointer<feature_node>.allocate(capacity: count * stride)
        defer { nodes.deallocate() }
        let rowPointers = UnsafeMutableBufferPointer<UnsafeMutablePointer<feature_node>?>.allocate(capacity: count)
        defer { rowPointers.deallocate() }
        for position in 0..<count {
            let start = nodes.baseAddress! + position * stride
            fill(position, start)
            rowPointers[position] = start
        }
        var targets = targets

        return try targets.withUnsafeMutableBufferPointer { targets throws(SpecdetError) in
            var problem = CLinear.problem(
                l: Int32(count), n: Int32(columns + 1), y: targets.baseAddress,
                x: rowPointers.baseAddress, bias: biasFeature)
            var parameter = CLinear.parameter(
                solver_type: Int32(solver), eps: eps, C: c, nr_weight: 0, weight_label: nil, weight: nil,
                p: 0.1, init_sol: nil)
            if let message = check_parameter(&problem, &parameter) {
                throw SpecdetError(.solverFailed, "liblinear refused the parameters: \(String(cString: message))")
            }
            let trained: UnsafeMutablePointer<model>? = solverLock.withLock {
                set_print_string_function { _ in }
                srand(SupportVectorSolver.cSeed(seed))
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
                fillNodes(probeNodes, probe.lazy.map(Double.init))
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
    private static func fillNodes<Row: Collection<Double>>(_ start: UnsafeMutablePointer<feature_node>, _ row: Row) {
        var node = start
        for (offset, value) in row.enumerated() {
            node.initialize(to: feature_node(index: Int32(offset + 1), value: value))
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
