import Foundation
import SpecdetSupport

/// An RBF SVM of bounded size, by the Nyström method (Williams & Seeger 2001): the kernel is
/// made explicit over `m` landmark rows, a linear SVM is trained on that map, and the result is
/// written back as an RBF expansion over the landmarks, so it is scored as any RBF SVM.
///
/// Convention: landmarks `l₁…lₘ`, `K = [k(lᵢ, lⱼ)] + ρI` with `k(a, b) = exp(−γ‖a − b‖²)` (the
/// kernel values of `KernelMath`, as prediction computes them) and ridge ρ the smallest of
/// 1e-10, 1e-8, 1e-6, 1e-4 for which the Cholesky factorisation `K = RRᵀ` succeeds (R lower
/// triangular; only repeated or nearly repeated landmarks need more than the first). The map
/// is `φ(x) = R⁻¹·k(x)`, `k(x) = [k(x, lᵢ)]ᵢ`, so `φ(x)·φ(y) = k(x)ᵀK⁻¹k(y)`. A hinge-loss linear
/// SVM `f = w·φ(x) + b` (`LinearSolver.trainHingeSVM`) is then exactly
/// `f = Σᵢ aᵢ·k(x, lᵢ) + b` with `a = R⁻ᵀw`: support vectors `lᵢ`, coefficients `aᵢ`, ρ = −b.
package enum NystroemSolver {
    /// Most landmarks `train` accepts: the factor alone takes 8m² bytes (2 GB at this bound).
    package static let maximumLandmarks = 16_000

    /// The landmark map of one training run: the landmarks and the factor R.
    struct FeatureMap: Sendable {
        let gamma: Double
        /// The landmarks, `count × columns`.
        let landmarks: VectorRows
        var count: Int { landmarks.count }
        var columns: Int { landmarks.dimension }
        /// R, row-major `count × count`, lower triangle (the rest zero).
        let factor: [Double]
        let ridge: Double

        /// The map over `count` landmarks drawn from `rows` of `x`: distinct rows (bit for bit),
        /// in the order of a Fisher–Yates shuffle driven by `SplitMix64(seed)` (index
        /// `next() % remaining`), as many as there are up to `count`.
        init(_ x: FeatureMatrix, rows: [Int], count: Int, gamma: Double, seed: UInt64) throws(SpecdetError) {
            var pool = rows, generator = SplitMix64(seed: seed)
            var chosen: [Float] = [], seen = Set<[UInt32]>(), taken = 0
            var remaining = pool.count
            while taken < count, remaining > 0 {
                let pick = Int(generator.next() % UInt64(remaining))
                let row = pool[pick]
                pool.swapAt(pick, remaining - 1)
                remaining -= 1
                let vector = x.row(row)
                guard seen.insert(vector.map(\.bitPattern)).inserted else { continue }
                chosen.append(contentsOf: vector)
                taken += 1
            }
            self.gamma = gamma
            self.landmarks = VectorRows(dimension: x.columnCount, values: chosen)
            (factor, ridge) = try Self.factorise(landmarks, gamma: gamma)
        }

        /// The Cholesky factor of the landmarks' kernel matrix plus the smallest ridge that works.
        private static func factorise(_ landmarks: VectorRows, gamma: Double) throws(SpecdetError) -> ([Double], Double) {
            let m = landmarks.count, columns = landmarks.dimension
            var kernel = [Double](repeating: 0, count: m * m)
            landmarks.values.withUnsafeBufferPointer { rows in
                let distances = UnsafeMutablePointer<Double>.allocate(capacity: m)
                defer { distances.deallocate() }
                for i in 0..<m {
                    KernelMath.squaredDistances(landmarks, count: i + 1, to: UnsafeBufferPointer(rebasing: rows[i * columns ..< (i + 1) * columns]),
                                                into: distances)
                    for j in 0...i {
                        let value = exp(-gamma * distances[j])
                        kernel[i * m + j] = value
                        kernel[j * m + i] = value
                    }
                }
            }
            for ridge in [1e-10, 1e-8, 1e-6, 1e-4] {
                if let factor = cholesky(kernel, m, ridge: ridge) { return (factor, ridge) }
            }
            throw SpecdetError(.solverFailed, "the landmarks' kernel matrix cannot be factorised even with a ridge of 1e-4")
        }

        /// Lower Cholesky factor of `a + ridge·I` (row-major, m × m), nil if not positive definite.
        private static func cholesky(_ a: [Double], _ m: Int, ridge: Double) -> [Double]? {
            var l = [Double](repeating: 0, count: m * m)
            for i in 0..<m {
                for j in 0...i {
                    var sum = a[i * m + j] + (i == j ? ridge : 0)
                    for k in 0..<j { sum -= l[i * m + k] * l[j * m + k] }
                    if i == j {
                        guard sum > 0 else { return nil }
                        l[i * m + i] = sum.squareRoot()
                    } else {
                        l[i * m + j] = sum / l[j * m + j]
                    }
                }
            }
            return l
        }

        /// `φ(x) = R⁻¹·k(x)` for `rows` of `x`, row-major `rows.count × count`, rows dealt to
        /// `threads` threads (each row's arithmetic is the same whatever the count).
        func features(of x: FeatureMatrix, rows: [Int], threads: Int) -> [Double] {
            let m = count, columns = self.columns, gamma = self.gamma, landmarks = self.landmarks
            var result = [Double](repeating: 0, count: rows.count * m)
            let workers = max(1, min(threads, rows.count))
            result.withUnsafeMutableBufferPointer { output in
                nonisolated(unsafe) let output = output.baseAddress!
                x.values.withUnsafeBufferPointer { values in
                    nonisolated(unsafe) let values = values.baseAddress!
                    factor.withUnsafeBufferPointer { factor in
                        nonisolated(unsafe) let factor = factor.baseAddress!
                        DispatchQueue.concurrentPerform(iterations: workers) { worker in
                            let distances = UnsafeMutablePointer<Double>.allocate(capacity: m)
                            defer { distances.deallocate() }
                            for position in Swift.stride(from: worker, to: rows.count, by: workers) {
                                let row = UnsafeBufferPointer(start: values + rows[position] * columns, count: columns)
                                let phi = output + position * m
                                KernelMath.squaredDistances(landmarks, count: m, to: row, into: distances)
                                // Forward substitution: R·φ = k(x).
                                for i in 0..<m {
                                    var sum = exp(-gamma * distances[i])
                                    let factorRow = factor + i * m
                                    for k in 0..<i { sum -= factorRow[k] * phi[k] }
                                    phi[i] = sum / factorRow[i]
                                }
                            }
                        }
                    }
                }
            }
            return result
        }

        /// `a = R⁻ᵀ·w` (back substitution), the RBF coefficients of the weights `w` on φ.
        func coefficients(of weights: [Double]) -> [Double] {
            let m = count
            var a = weights
            for i in stride(from: m - 1, through: 0, by: -1) {
                var sum = a[i]
                for k in (i + 1)..<m { sum -= factor[k * m + i] * a[k] }
                a[i] = sum / factor[i * m + i]
            }
            return a
        }
    }

    /// Trains the hinge-loss SVM with cost `c` on the rows of `map`'s φ listed in `positions`
    /// (`phi` row-major, one row per entry of `labels`; the solver's order seeded by `seed`),
    /// and writes it as an RBF SVM over the landmarks: `P(fake) = 1/(1 + exp(−f))` until
    /// `Trainer.calibrated` fits Platt's sigmoid.
    static func train(_ map: FeatureMap, phi: [Double], labels: [Int], positions: [Int], c: Double, seed: UInt64)
        throws(SpecdetError) -> Classifier
    {
        let m = map.count
        var selected = [Double]()
        selected.reserveCapacity(positions.count * m)
        for position in positions { selected.append(contentsOf: phi[position * m ..< (position + 1) * m]) }
        let solution = try LinearSolver.trainHingeSVM(selected, rowCount: positions.count, columns: m,
                                                      labels: positions.map { labels[$0] }, c: c, seed: seed)
        return .rbfSVM(gamma: map.gamma, supportVectors: map.landmarks,
                       coefficients: map.coefficients(of: solution.weights), rho: -solution.bias,
                       platt: PlattScaling(a: -1, b: 0))
    }
}
