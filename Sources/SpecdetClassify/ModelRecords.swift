// The provenance parts of a model file: hyperparameters and training record.

/// The outcome of a grid search, kept in the model's hyperparameters.
package struct GridSearchResult: Codable, Sendable, Equatable {
    /// The grid that was searched.
    package var grid: GridSearch
    /// Whether the inner folds kept groups together.
    package var grouped: Bool
    /// The chosen setting's mean inner-fold balanced accuracy (the criterion).
    package var balancedAccuracy: Double
    /// The chosen setting's mean inner-fold ROC AUC of the decision values, if defined.
    package var rocAUC: Double?

    private enum CodingKeys: String, CodingKey {
        case grid, grouped
        case balancedAccuracy = "balanced_accuracy"
        case rocAUC = "roc_auc"
    }

    /// A record of a finished search.
    package init(grid: GridSearch, grouped: Bool, balancedAccuracy: Double, rocAUC: Double?) {
        self.grid = grid
        self.grouped = grouped
        self.balancedAccuracy = balancedAccuracy
        self.rocAUC = rocAUC
    }
}

/// The hyperparameters a model was trained with.
package struct Hyperparameters: Codable, Sendable, Equatable {
    /// The classifier (also implied by the parameters; a model whose two disagree is refused).
    package var classifier: ClassifierKind
    /// The cost C.
    package var c: Double
    /// The RBF γ (`svm` only).
    package var gamma: Double?
    /// How C and γ were chosen, when a grid search chose them.
    package var gridSearch: GridSearchResult?
    /// The Nyström landmarks of an RBF SVM trained through them (`NystroemSolver`); nil for an
    /// SVM trained by libsvm.
    package var landmarks: Int?

    private enum CodingKeys: String, CodingKey {
        case classifier, c, gamma, landmarks
        case gridSearch = "grid_search"
    }

    /// The hyperparameters of one model.
    package init(classifier: ClassifierKind, c: Double, gamma: Double?, gridSearch: GridSearchResult? = nil,
                 landmarks: Int? = nil) {
        self.classifier = classifier
        self.c = c
        self.gamma = gamma
        self.gridSearch = gridSearch
        self.landmarks = landmarks
    }
}

/// One `--real` or `--fake` argument a model was trained on.
package struct TrainingSource: Codable, Sendable, Equatable {
    /// `real` or `fake`.
    package var label: String
    /// The argument as given (a folder, file or profile CSV).
    package var source: String
    /// Images profiled from it (augmented copies not counted).
    package var images: Int
    /// Its smallest and largest image, `WxH`, by pixel count.
    package var smallest: String
    package var largest: String

    package init(label: String, source: String, images: Int, smallest: String, largest: String) {
        self.label = label
        self.source = source
        self.images = images
        self.smallest = smallest
        self.largest = largest
    }
}

/// How and on what a model was trained.
package struct TrainingRecord: Codable, Sendable, Equatable {
    /// Number of real (label 0) training samples, augmented copies included.
    package var nReal: Int
    /// Number of fake (label 1) training samples, augmented copies included.
    package var nFake: Int
    /// Cross-validation of the same options on the same data, if it was run.
    package var crossValidation: CrossValidationResult?
    /// The program that trained the model, e.g. `"specdet 0.3.0"`.
    package var toolVersion: String
    /// When, as ISO 8601 UTC (`2025-01-31T12:00:00Z`).
    package var date: String
    /// How training images were augmented, if at all.
    package var augmentation: String?
    /// The seed of every random choice in training.
    package var seed: UInt64
    /// The solver library, its version and settings.
    package var solver: String
    /// What the model was trained on, by source; nil in models that predate it.
    package var data: [TrainingSource]?

    private enum CodingKeys: String, CodingKey {
        case nReal = "n_real"
        case nFake = "n_fake"
        case crossValidation = "cross_validation"
        case toolVersion = "tool_version"
        case date, augmentation, seed, solver, data
    }

    /// A training record.
    package init(
        nReal: Int, nFake: Int, crossValidation: CrossValidationResult?, toolVersion: String, date: String,
        augmentation: String?, seed: UInt64, solver: String
    ) {
        self.nReal = nReal
        self.nFake = nFake
        self.crossValidation = crossValidation
        self.toolVersion = toolVersion
        self.date = date
        self.augmentation = augmentation
        self.seed = seed
        self.solver = solver
    }
}

/// What a model keeps of its training classes: the per-bin mean and standard deviation of the
/// original training profiles of each class (augmented copies left out), as
/// `ProfileComparison` computes them (population statistics, in `Double`). A report draws an
/// image's profile against them; they play no part in prediction. Models trained before they
/// were stored have none.
package struct ClassMeans: Codable, Sendable, Equatable {
    /// Mean of the real profiles, one value per bin.
    package var real: [Double]
    /// Mean of the fake profiles.
    package var fake: [Double]
    /// Standard deviation of the real profiles.
    package var realStd: [Double]
    /// Standard deviation of the fake profiles.
    package var fakeStd: [Double]

    private enum CodingKeys: String, CodingKey {
        case real, fake
        case realStd = "real_std"
        case fakeStd = "fake_std"
    }

    /// The class statistics of a comparison.
    package init(_ comparison: ProfileComparison) {
        real = comparison.real.mean
        fake = comparison.fake.mean
        realStd = comparison.real.std
        fakeStd = comparison.fake.std
    }
}

extension ClassMeans {
    /// A band where a profile departs from the real class: its bin, the profile's value there
    /// and `z = (value − real mean) / real std`.
    package struct Departure: Sendable, Equatable {
        package let bin: Int
        package let value: Double
        package let z: Double
    }

    /// The `count` bins of `profile` with the largest |profile − real mean| / real std, largest
    /// first (ties: the lower bin), among the bins in `bins` (nil: all) whose real standard
    /// deviation is positive, each at least `apart` bins from every one before it (bins that
    /// resample one spectral ring are one band, not several).
    package func departures(of profile: [Float], within bins: [ClosedRange<Int>]?, count: Int, apart: Int = 1) -> [Departure] {
        let candidates = (bins?.flatMap { Array($0) } ?? Array(profile.indices))
            .filter { $0 < profile.count && $0 < real.count && realStd[$0] > 0 }
        let ranked = candidates.map { bin in
            Departure(bin: bin, value: Double(profile[bin]), z: (Double(profile[bin]) - real[bin]) / realStd[bin])
        }.sorted { abs($0.z) > abs($1.z) || abs($0.z) == abs($1.z) && $0.bin < $1.bin }
        var chosen: [Departure] = []
        for departure in ranked where chosen.count < count && chosen.allSatisfy({ abs($0.bin - departure.bin) >= apart }) {
            chosen.append(departure)
        }
        return chosen
    }
}

extension ROCCurve {
    /// Bounds on the false-positive rate of "fake when score ≥ `threshold`" read from the
    /// curve's points (thresholds falling, rates rising): at least the rate of the nearest
    /// point at or above the threshold (0 if none), at most that of the nearest point at or
    /// below it (1 if none). nil for an empty curve.
    package func falsePositiveRate(at threshold: Double) -> ClosedRange<Double>? {
        guard !thresholds.isEmpty else { return nil }
        let above = thresholds.indices.last { thresholds[$0] >= threshold }
        let below = thresholds.indices.first { thresholds[$0] <= threshold }
        let low = above.map { falsePositiveRates[$0] } ?? 0, high = below.map { falsePositiveRates[$0] } ?? 1
        return min(low, high)...max(low, high)
    }
}
