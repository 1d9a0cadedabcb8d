import Foundation

/// `result[i] = 10·ln((re_i + ε)² + im_i²)` for `count` interleaved complex values, that is
/// `20·ln|F + ε|` with ε added to the real part.
///
/// The logarithm is Cephes' `logf` algorithm (S. L. Moshier): `v = m·2^e` with `m` in
/// [√½, √2), a degree-9 minimax polynomial in `m − 1`, and `e·ln 2` added in two parts;
/// relative error below 2e-7 (about one float ulp) for positive normal `v`. Written as one
/// branch-free loop so the compiler vectorises it (the scalar `logf` call per coefficient cost
/// as much as the FFT); values that are zero, subnormal, infinite or NaN are recomputed with
/// `logf` afterwards.
func logMagnitude(interleaved complex: UnsafePointer<Float>, epsilon: Float,
                  into result: UnsafeMutablePointer<Float>, count: Int) {
    var special: UInt32 = 0
    for i in 0..<count {
        let re = complex[2 * i] + epsilon
        let im = complex[2 * i + 1]
        let bits = (re * re + im * im).bitPattern
        // Exponent field 0 (zero, subnormal) or 255 (infinity, NaN) wraps to ≥ 0xFE000000.
        special |= (bits &- 0x0080_0000) >= 0x7F00_0000 ? 1 : 0
        var exponent = Float(Int32(bitPattern: bits >> 23) &- 126)
        var mantissa = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F00_0000)
        let small = mantissa < 0.707106781186547524
        exponent = small ? exponent - 1 : exponent
        mantissa = small ? mantissa + mantissa : mantissa
        let x = mantissa - 1
        let z = x * x
        var y: Float = 7.0376836292e-2
        y = y * x - 1.1514610310e-1
        y = y * x + 1.1676998740e-1
        y = y * x - 1.2420140846e-1
        y = y * x + 1.4249322787e-1
        y = y * x - 1.6668057665e-1
        y = y * x + 2.0000714765e-1
        y = y * x - 2.4999993993e-1
        y = y * x + 3.3333331174e-1
        y = y * x * z
        y += -2.12194440e-4 * exponent
        y += -0.5 * z
        result[i] = 10 * (x + y + 0.693359375 * exponent)
    }
    guard special != 0 else { return }
    for i in 0..<count {
        let re = complex[2 * i] + epsilon
        let im = complex[2 * i + 1]
        let value = re * re + im * im
        if !value.isNormal { result[i] = 10 * logf(value) }
    }
}
