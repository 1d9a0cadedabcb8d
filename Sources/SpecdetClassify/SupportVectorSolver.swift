import SpecdetProfile
import CSVM
import Foundation
import SpecdetSupport

/// The only code that touches libsvm: builds the problem in libsvm's node form (one copy of
/// the `Float` rows, widened to `Double`), trains a C-SVM, copies the parameters out into Swift
/// values in the fake orientation and frees everything before returning.
enum SupportVectorSolver {
    /// The kernel and its parameter.
    enum Kernel: Equatable {
        case linear
        case rbf(gamma: Double)
    }

    /// What libsvm itself predicts for one probe vector, in libsvm's own label order.
    struct Reference {
        /// `model->label`: the order of first appearance in the training rows.
        var labels: [Int]
        /// `svm_predict_values`: the decision value for `labels[0]` against `labels[1]`.
        var decision: Double
        /// `svm_predict_probability`: one probability per entry of `labels` (empty without Platt).
        var probabilities: [Double]
    }

    /// How kernel values reach libsvm.
    enum KernelEvaluation: Equatable {
        /// libsvm computes them from the feature nodes (its sparse dot product: slow on dense rows).
        case libsvm
        /// The full n×n kernel matrix is computed once in Swift (`KernelMath`, on all cores) and
        /// handed to libsvm as a `PRECOMPUTED` kernel; Platt's internal folds reuse it. The
        /// kernel values are then exactly those of prediction.
        case precomputed
    }

    /// scikit-learn's `SVC` defaults (`tol`, `shrinking`); the cache only changes speed.
    static let tolerance = 1e-3
    static let cacheMegabytes = 400.0
    /// Largest precomputed kernel matrix (n·(n+2) libsvm nodes of 16 bytes): 2 GiB, n ≈ 11,500.
    /// Larger training sets fall back to `.libsvm`, which is several times slower.
    static let precomputedKernelBytes = 2 << 30

    /// The evaluation used for `count` training vectors.
    static func automaticEvaluation(count: Int) -> KernelEvaluation {
        count * (count + 2) * MemoryLayout<svm_node>.stride <= precomputedKernelBytes ? .precomputed : .libsvm
    }

    /// A description of the solver for the model's training record.
    static func solverDescription(probability: Bool, evaluation: KernelEvaluation) -> String {
        "libsvm \(LIBSVM_VERSION) C_SVC, eps \(tolerance), shrinking"
            + (evaluation == .precomputed ? ", precomputed kernel" : "")
            + (probability ? ", Platt scaling by libsvm's internal 5-fold CV" : "")
    }

    /// The seed passed to `srand` before training: the high 32 bits of the first output of
    /// `SplitMix64(seed)`. Hashing matters: glibc treats `srand(0)` as `srand(1)`, so passing
    /// small seeds through would make seeds 0 and 1 give the same model.
    static func cSeed(_ seed: UInt64) -> UInt32 {
        var generator = SplitMix64(seed: seed)
        return UInt32(truncatingIfNeeded: generator.next() >> 32)
    }

    /// Trains `C_SVC` with cost `c` on `rows` of `matrix`. With `probability`, libsvm fits Platt's
    /// sigmoid by an internal 5-fold CV whose shuffle uses `rand()`: `srand(cSeed(seed))` is
    /// called just before, under `solverLock`, so training is deterministic. For tests, also
    /// returns libsvm's own predictions on `probes`.
    static func train(
        _ matrix: FeatureMatrix, labels: [Int], rows: [Int], kernel: Kernel, c: Double, probability: Bool,
        seed: UInt64, threads: Int = 1, evaluation: KernelEvaluation? = nil, probes: [[Float]] = []
    ) throws(SpecdetError) -> (Classifier, [Reference]) {
        let evaluation = evaluation ?? automaticEvaluation(count: rows.count)
        let columns = matrix.columnCount
        let count = rows.count
        // Node rows: the features and a terminator, or a serial number, n kernel values and a terminator.
        let stride = evaluation == .libsvm ? columns + 1 : count + 2
        let nodes = UnsafeMutableBufferPointer<svm_node>.allocate(capacity: count * stride)
        defer { nodes.deallocate() }
        let rowPointers = UnsafeMutableBufferPointer<UnsafeMutablePointer<svm_node>?>.allocate(capacity: count)
        defer { rowPointers.deallocate() }
        for position in 0..<count { rowPointers[position] = nodes.baseAddress! + position * stride }
        var packed: [Float] = []  // the training rows, contiguous, in problem order
        packed.reserveCapacity(count * columns)
        for index in rows { packed.append(contentsOf: matrix.row(index)) }
        switch evaluation {
        case .libsvm:
            for position in 0..<count {
                fillNodes(nodes.baseAddress! + position * stride, packed[position * columns ..< (position + 1) * columns])
            }
        case .precomputed:
            fillKernelMatrix(nodes.baseAddress!, packed: packed, count: count, columns: columns, kernel: kernel, threads: threads)
        }
        var targets = rows.map { Double(labels[$0]) }

        return try targets.withUnsafeMutableBufferPointer { targets throws(SpecdetError) in
            var problem = svm_problem(l: Int32(count), y: targets.baseAddress, x: rowPointers.baseAddress)
            var gamma = 0.0
            if case .rbf(let value) = kernel { gamma = value }
            let kernelType = evaluation == .precomputed ? PRECOMPUTED : kernel == .linear ? LINEAR : RBF
            var parameter = svm_parameter(
                svm_type: Int32(C_SVC), kernel_type: Int32(kernelType), degree: 3, gamma: gamma, coef0: 0,
                cache_size: cacheMegabytes, eps: tolerance, C: c, nr_weight: 0, weight_label: nil, weight: nil,
                nu: 0.5, p: 0.1, shrinking: 1, probability: probability ? 1 : 0)
            if let message = svm_check_parameter(&problem, &parameter) {
                throw SpecdetError(.solverFailed, "libsvm refused the parameters: \(String(cString: message))")
            }
            let trained: UnsafeMutablePointer<svm_model>? = solverLock.withLock {
                svm_set_print_string_function { _ in }
                srand(cSeed(seed))
                return svm_train(&problem, &parameter)
            }
            guard let trained else { throw SpecdetError(.solverFailed, "libsvm returned no model") }
            // The model's support vectors point into `nodes`: read them before the defers run.
            var owned: UnsafeMutablePointer<svm_model>? = trained
            defer { svm_free_and_destroy_model(&owned) }

            let model = trained.pointee
            let labels = (0..<Int(model.nr_class)).map { Int(model.label[$0]) }
            // libsvm's decision value and probA/probB are for labels[0] against labels[1].
            let sign = labels[0] == 1 ? 1.0 : -1.0
            let supportCount = Int(model.l)
            let coefficients = (0..<supportCount).map { sign * model.sv_coef[0]![$0] }
            let rho = sign * model.rho[0]
            let platt = model.probA.map { probA in PlattScaling(a: probA[0], b: sign * model.probB[0]) }
            // sv_indices are 1-based positions in `rows`: take the exact Float training vectors.
            let supportRows = (0..<supportCount).map { rows[Int(model.sv_indices[$0]) - 1] }

            let classifier: Classifier
            switch kernel {
            case .linear:
                var weights = [Double](repeating: 0, count: columns)
                for (alpha, index) in zip(coefficients, supportRows) {
                    for (j, value) in matrix.row(index).enumerated() { weights[j] += alpha * Double(value) }
                }
                classifier = .linearSVM(weights: weights, bias: -rho, platt: platt)
            case .rbf(let gamma):
                // Without probability estimates (inner grid-search folds, which use decision
                // values only) the sigmoid is the plain logistic one, as for a linear SVM
                // without Platt parameters.
                guard let platt = platt ?? (probability ? nil : PlattScaling(a: -1, b: 0)) else {
                    throw SpecdetError(.solverFailed, "libsvm returned no Platt parameters")
                }
                classifier = .rbfSVM(
                    gamma: gamma, supportVectors: VectorRows(supportRows.map { Array(matrix.row($0)) }),
                    coefficients: coefficients, rho: rho, platt: platt)
            }

            let probeNodes = UnsafeMutablePointer<svm_node>.allocate(capacity: stride)
            defer { probeNodes.deallocate() }
            let references = probes.map { probe in
                switch evaluation {
                case .libsvm:
                    fillNodes(probeNodes, probe[...])
                case .precomputed:
                    // libsvm reads K(probe, SV) as probe[serial of SV].value.
                    probeNodes[0] = svm_node(index: 0, value: 0)
                    probe.withUnsafeBufferPointer { probe in
                        packed.withUnsafeBufferPointer { packed in
                            for position in 0..<count {
                                let value = kernelValue(
                                    packed.baseAddress! + position * columns, probe.baseAddress!, columns, kernel)
                                probeNodes[position + 1] = svm_node(index: Int32(position + 1), value: value)
                            }
                        }
                    }
                    probeNodes[count + 1] = svm_node(index: -1, value: 0)
                }
                var decision = [0.0]
                var probabilities = [0.0, 0.0]
                _ = svm_predict_values(trained, probeNodes, &decision)
                if probability { _ = svm_predict_probability(trained, probeNodes, &probabilities) }
                return Reference(labels: labels, decision: decision[0], probabilities: probability ? probabilities : [])
            }
            return (classifier, references)
        }
    }

    /// K(a, b) as prediction computes it: `a·b`, or `exp(−γ‖a − b‖²)` with the support vector as `a`.
    private static func kernelValue(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ columns: Int, _ kernel: Kernel
    ) -> Double {
        switch kernel {
        case .linear: KernelMath.dot(a, b, count: columns)
        case .rbf(let gamma): exp(-gamma * KernelMath.squaredDistance(a, b, count: columns))
        }
    }

    /// Writes libsvm's precomputed-kernel rows: node 0 holds the 1-based serial number, node s
    /// holds K(row, row s−1), then the terminator. The matrix is symmetric: each pair is
    /// computed once, rows dealt round-robin to `threads` threads.
    private static func fillKernelMatrix(
        _ nodes: UnsafeMutablePointer<svm_node>, packed: [Float], count: Int, columns: Int, kernel: Kernel, threads: Int
    ) {
        let stride = count + 2
        for i in 0..<count {
            nodes[i * stride] = svm_node(index: 0, value: Double(i + 1))
            nodes[i * stride + count + 1] = svm_node(index: -1, value: 0)
        }
        let workers = max(1, min(threads, count))
        packed.withUnsafeBufferPointer { packed in
            nonisolated(unsafe) let vectors = packed.baseAddress!
            nonisolated(unsafe) let nodes = nodes
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for i in Swift.stride(from: worker, to: count, by: workers) {
                    for j in i..<count {
                        let value = kernelValue(vectors + i * columns, vectors + j * columns, columns, kernel)
                        nodes[i * stride + j + 1] = svm_node(index: Int32(j + 1), value: value)
                        nodes[j * stride + i + 1] = svm_node(index: Int32(i + 1), value: value)
                    }
                }
            }
        }
    }

    /// Writes one dense row as libsvm nodes: indices 1...d, then the terminator.
    private static func fillNodes(_ start: UnsafeMutablePointer<svm_node>, _ row: ArraySlice<Float>) {
        var node = start
        for (offset, value) in row.enumerated() {
            node.initialize(to: svm_node(index: Int32(offset + 1), value: Double(value)))
            node += 1
        }
        node.initialize(to: svm_node(index: -1, value: 0))
    }
}
