import SpecdetClassify
import SpecdetProfile
import Testing

@Suite struct ClassMeansTests {
    /// Real profiles 0 and 2 in every bin: mean 1, standard deviation 1, so a probe's value in
    /// a bin is 1 + its z there.
    static let means = ClassMeans(ProfileComparison(
        features: [[Float](repeating: 0, count: 300), [Float](repeating: 2, count: 300), [Float](repeating: 5, count: 300)],
        labels: [0, 0, 1], configuration: ProfileConfiguration()))

    /// A probe with a cluster of departures (z 9, 8, 7 in bins 10–12) and one apart (z 5 in
    /// bin 100).
    static let probe: [Float] = (0..<300).map { bin in
        1 + ([10: 9, 11: 8, 12: 7, 100: 5][bin] ?? 0)
    }

    @Test func departuresAreTheLargestZFirst() {
        let departures = Self.means.departures(of: Self.probe, within: nil, count: 3)
        #expect(departures.map(\.bin) == [10, 11, 12])
        #expect(departures.map(\.z) == [9, 8, 7])
    }

    /// Bins closer than `apart` to a larger departure are one band with it.
    @Test func departuresApartSkipTheNeighboursOfALargerOne() {
        let departures = Self.means.departures(of: Self.probe, within: nil, count: 3, apart: 4)
        #expect(departures.map(\.bin) == [10, 100, 0])
        #expect(departures.first?.value == 10)
    }
}
