/// The named feature sets specdet can compute. The raw value is written in model files.
public enum FeatureSet: String, Codable, Sendable, CaseIterable {
    /// The published method (Durall et al.): mean of `20·ln|F + 1e-8|` per integer ring,
    /// rings 1…floor(r_max)−1, not-a-knot cubic resampling to `bins` values, divided by the
    /// first value.
    case durall
}

/// Everything needed to recompute a feature vector identically: stored in every model file
/// and checked when a model is loaded.
public struct ProfileConfiguration: Codable, Sendable, Equatable {
    /// Which feature set.
    public var features: FeatureSet
    /// Number of values per image after resampling (the published default is 300).
    public var bins: Int

    /// The added constant before the logarithm (added to the real part of every coefficient).
    public static let epsilon: Float = 1e-8
    /// Fewest raw rings a profile needs: the not-a-knot cubic spline needs four points.
    public static let minimumRings = 4

    public init(features: FeatureSet = .durall, bins: Int = 300) {
        self.features = features
        self.bins = bins
    }
}
