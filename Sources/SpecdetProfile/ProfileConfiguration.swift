/// The named feature sets specdet can compute. The raw value is written in model files.
public enum FeatureSet: String, Codable, Sendable, CaseIterable {
    /// The published method (Durall et al.): mean of `20·ln|F + 1e-8|` per integer ring,
    /// rings 1…floor(r_max)−1, not-a-knot cubic resampling to `bins` values, divided by the
    /// first value.
    case durall
    /// The same ring means taken separately over the axis-aligned samples (direction within
    /// 22.5° of the fx or fy axis) and the diagonal ones: two profiles of `bins / 2` values
    /// each (axis first), both divided by the first value of the all-angle profile (ring 1's
    /// mean over every direction). JPEG's quantisation hits the diagonal frequencies hardest;
    /// apart, the two profiles let a classifier tell compression from generation.
    case sectors
}

/// Everything needed to recompute a feature vector identically: stored in every model file
/// and checked when a model is loaded.
public struct ProfileConfiguration: Codable, Sendable, Equatable {
    /// Which feature set.
    public var features: FeatureSet
    /// Number of values per image after resampling, in all (the published default is 300).
    public var bins: Int

    /// Fewest raw rings a profile needs: the not-a-knot cubic spline needs four points.
    public static let minimumRings = 4
    /// Allowed `bins`.
    public static let binRange = 2...100_000

    public init(features: FeatureSet = .durall, bins: Int = 300) {
        self.features = features
        self.bins = bins
    }

    /// Why these settings cannot give a profile, or nil when they can.
    public var problem: String? {
        guard Self.binRange.contains(bins) else {
            return "bins must be between \(Self.binRange.lowerBound) and \(Self.binRange.upperBound), not \(bins)"
        }
        if features == .sectors && (bins < 4 || bins % 2 != 0) {
            return "the sectors feature set needs an even number of bins, at least 4 (two profiles of bins / 2), not \(bins)"
        }
        return nil
    }
}

extension FeatureSet {
    /// Names of the parts of a profile, which name its CSV columns: `bin_i` for durall,
    /// `axis_i` then `diagonal_i` for sectors.
    package var partNames: [String] {
        switch self {
        case .durall: ["bin"]
        case .sectors: ["axis", "diagonal"]
        }
    }
}

extension ProfileConfiguration {
    /// The feature columns of a profile CSV (see `FeatureSet.partNames`).
    package var columnNames: [String] {
        let parts = features.partNames
        return parts.flatMap { part in (0..<bins / parts.count).map { "\(part)_\($0)" } }
    }

    /// The columns of a profile CSV before the features.
    package static let leadingCSVColumns = ["path", "status", "width", "height"]

    /// The header row of a profile CSV: `leadingCSVColumns`, then `columnNames`.
    package var csvHeader: [String] { Self.leadingCSVColumns + columnNames }
}
