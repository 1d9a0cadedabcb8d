import _SpecdetVectorC

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

    /// `‖rowᵢ − x‖²` for the first `count` rows of `rows`, into `result[0..<count]`: each
    /// exactly as `squaredDistance` sums it (bit-identical), sixteen rows at a time by the
    /// widest vector instructions the processor has (`sd_squared_distances`).
    static func squaredDistances(
        _ rows: VectorRows, count: Int, to x: UnsafeBufferPointer<Float>, into result: UnsafeMutablePointer<Double>
    ) {
        precondition(count <= rows.count && x.count == rows.dimension, "rows to measure must exist, x must be as long as they are")
        rows.blocks.withUnsafeBufferPointer { blocks in
            sd_squared_distances(blocks.baseAddress!, count, rows.dimension, x.baseAddress!, result)
        }
    }
}
