import Foundation
import Testing
@testable import SpecdetProfile

@Suite struct NotAKnotSplineTests {
    /// A not-a-knot cubic spline reproduces any cubic polynomial exactly.
    @Test(arguments: [4, 5, 6, 43, 88, 722])
    func reproducesCubics(points: Int) {
        let count = 300
        let cubic = { (x: Double) in 0.5 - 0.25 * x + 0.003 * x * x - 1e-5 * x * x * x }
        let h = Double(count) / Double(points - 1)
        let values = (0..<points).map { cubic(Double($0) * h) }
        let resampled = NotAKnotSpline.resample(values, count: count)
        #expect(resampled.count == count)
        for j in 0..<count {
            let x = Double(j) * Double(count) / Double(count - 1)
            #expect(abs(resampled[j] - cubic(x)) < 1e-9, "at \(j)")
        }
    }

    /// Values from SciPy for a non-polynomial input:
    /// `python3 -c "import numpy as np; from scipy.interpolate import griddata;
    ///  y=np.sin(np.arange(7)**1.5); print(griddata(np.linspace(0,10,7), y, np.linspace(0,10,10), method='cubic').tolist())"`
    @Test func matchesSciPy() {
        let values = (0..<7).map { sin(pow(Double($0), 1.5)) }
        let expected = [0.0, 0.6588127652957508, 0.8713658457364034, 0.3080717423630447, -0.819233408168464,
                        -0.2921415658078038, 0.9893582466233821, -0.1374452210096605, -1.405991973211791, 0.8473764566857575]
        let resampled = NotAKnotSpline.resample(values, count: 10)
        for (got, want) in zip(resampled, expected) {
            #expect(abs(got - want) < 1e-12)
        }
    }
}
