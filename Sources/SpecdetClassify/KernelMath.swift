/// The kernel arithmetic shared by training (libsvm's precomputed kernel) and prediction, so
/// the two see bit-identical kernel values.
///
/// Convention: `Float` inputs are widened to `Double`; sums use four interleaved partial sums
/// (element j goes to sum j % 4), combined as `(s0 + s1) + (s2 + s3)`: a fixed order, so the
/// result does not depend on the build, and four times the throughput of one running sum.
enum KernelMath {
    /// `Σ a[j]·b[j]`.
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var j = 0
        while j + 4 <= count {
            s0 += Double(a[j]) * Double(b[j])
            s1 += Double(a[j + 1]) * Double(b[j + 1])
            s2 += Double(a[j + 2]) * Double(b[j + 2])
            s3 += Double(a[j + 3]) * Double(b[j + 3])
            j += 4
        }
        while j < count {
            s0 += Double(a[j]) * Double(b[j])
            j += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// `‖a − b‖²`, from the differences (not from `‖a‖² + ‖b‖² − 2a·b`, which cancels badly).
    static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var j = 0
        while j + 4 <= count {
            let d0 = Double(a[j]) - Double(b[j])
            let d1 = Double(a[j + 1]) - Double(b[j + 1])
            let d2 = Double(a[j + 2]) - Double(b[j + 2])
            let d3 = Double(a[j + 3]) - Double(b[j + 3])
            s0 += d0 * d0
            s1 += d1 * d1
            s2 += d2 * d2
            s3 += d3 * d3
            j += 4
        }
        while j < count {
            let d = Double(a[j]) - Double(b[j])
            s0 += d * d
            j += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// `‖aₖ − b‖²` for four vectors at once, each summed exactly as `squaredDistance` sums it
    /// (the same four partial sums, in the same order: bit-identical results). Four independent
    /// sums per step keep the processor's adders busy where one vector's sums wait on each other.
    static func squaredDistances(
        _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ a2: UnsafePointer<Float>, _ a3: UnsafePointer<Float>,
        _ b: UnsafePointer<Float>, count: Int
    ) -> SIMD4<Double> {
        // Lane i of each accumulator is partial sum i of `squaredDistance`.
        var s0 = SIMD4<Double>(), s1 = SIMD4<Double>(), s2 = SIMD4<Double>(), s3 = SIMD4<Double>()
        func load(_ pointer: UnsafePointer<Float>, _ j: Int) -> SIMD4<Double> {
            SIMD4<Double>(UnsafeRawPointer(pointer + j).loadUnaligned(as: SIMD4<Float>.self))
        }
        var j = 0
        while j + 4 <= count {
            let x = load(b, j)
            let d0 = load(a0, j) - x, d1 = load(a1, j) - x, d2 = load(a2, j) - x, d3 = load(a3, j) - x
            s0 += d0 * d0
            s1 += d1 * d1
            s2 += d2 * d2
            s3 += d3 * d3
            j += 4
        }
        while j < count {
            let x = Double(b[j])
            let d0 = Double(a0[j]) - x, d1 = Double(a1[j]) - x, d2 = Double(a2[j]) - x, d3 = Double(a3[j]) - x
            s0[0] += d0 * d0
            s1[0] += d1 * d1
            s2[0] += d2 * d2
            s3[0] += d3 * d3
            j += 1
        }
        func total(_ s: SIMD4<Double>) -> Double { (s[0] + s[1]) + (s[2] + s[3]) }
        return SIMD4(total(s0), total(s1), total(s2), total(s3))
    }
}
