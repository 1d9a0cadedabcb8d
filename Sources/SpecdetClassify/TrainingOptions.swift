import Foundation

/// How to train a detector. The defaults reproduce the published setting: logistic
/// regression, C = 1, no feature scaling, fake when the decision value is ≥ 0.
package struct TrainingOptions: Sendable, Equatable {
    /// Which classifier to train.
    package var classifier: ClassifierKind
    /// The cost C; `nil` means the published value: 1 for `logistic` and `svmLinear`, 6.37 for `svm`.
    /// Ignored when `gridSearch` is set.
    package var c: Double?
    /// The RBF kernel's γ in `exp(−γ‖x − y‖²)`; `svm` only; `nil` means the published 0.86.
    /// Ignored when `gridSearch` is set.
    package var gamma: Double?
    /// Train the RBF SVM through this many Nyström landmarks (`NystroemSolver`) instead of
    /// libsvm: a model of at most that many support vectors whatever the training set. `svm` only.
    package var landmarks: Int?
    /// Standardise features (`Standardizer`) before the classifier; the published setting does not.
    package var standardize: Bool
    /// Choose C (and γ) by an inner cross-validation; implies `standardize`. `nil`: off.
    package var gridSearch: GridSearch?
    /// Seeds every random choice: libsvm's Platt-scaling folds (`srand`) and the inner folds.
    package var seed: UInt64
    /// The threshold stored in the model (fake when `P(fake) ≥ threshold`); `nil` means
    /// `P(fake)` at decision value 0, so that labels follow the sign of the decision function
    /// as in scikit-learn's `predict` (0.5 for logistic regression; for an SVM, libsvm's Platt
    /// sigmoid at 0, whose internal random folds would otherwise move the boundary).
    package var threshold: Double?
    /// Written in the model's training record, e.g. `"specdet 0.3.0"`.
    package var toolVersion: String
    /// Written in the model's training record: how training images were augmented, if at all.
    package var augmentation: String?
    /// The training date written in the model; `nil` means now. Fix it for byte-identical files.
    package var date: Date?
    /// Whether an SVM's Platt sigmoid is fitted by libsvm's internal 5-fold cross-validation
    /// (six trainings instead of one). Off when `Trainer.calibrated` fits it on grouped
    /// out-of-fold scores afterwards; a model trained without either has `P(fake) = 1/(1 + e^−f)`.
    package var solverProbabilities: Bool = true
    /// Threads for the parallel parts of training (kernel matrices, scoring held-out folds);
    /// the model does not depend on it.
    package var threads: Int

    /// Options with the published defaults unless given.
    package init(
        classifier: ClassifierKind = .logistic, c: Double? = nil, gamma: Double? = nil, landmarks: Int? = nil,
        standardize: Bool = false,
        gridSearch: GridSearch? = nil, seed: UInt64 = 0, threshold: Double? = nil, toolVersion: String = "specdet",
        augmentation: String? = nil, date: Date? = nil, threads: Int = 1
    ) {
        self.classifier = classifier
        self.c = c
        self.gamma = gamma
        self.landmarks = landmarks
        self.standardize = standardize
        self.gridSearch = gridSearch
        self.seed = seed
        self.threshold = threshold
        self.toolVersion = toolVersion
        self.augmentation = augmentation
        self.date = date
        self.threads = max(1, threads)
    }

    /// The published C of each classifier.
    package static func publishedC(for classifier: ClassifierKind) -> Double {
        classifier == .svm ? 6.37 : 1
    }

    /// The published RBF γ.
    package static let publishedGamma = 0.86
}

/// The grid of an inner-CV hyperparameter search, run on standardised features.
///
/// Rule: every C in `cValues` (and, for `svm`, every γ = factor / d for `factor` in
/// `gammaFactors`, d = number of features; γ = 1/d is scikit-learn's `'scale'` for unit-variance
/// features) is trained on `folds` inner folds of the training set (grouped when groups are
/// given, else stratified, both seeded by `TrainingOptions.seed`, see `CrossValidation.folds`),
/// without Platt scaling, and scored by the mean balanced accuracy of the decision value's sign
/// (fake when f ≥ 0) on the held-out folds. The best mean balanced accuracy wins; ties go to
/// the higher mean ROC AUC, then to the first in grid order (C outer, γ inner, as listed), so
/// with the default ascending grids the stronger regularisation wins.
package struct GridSearch: Codable, Sendable, Equatable {
    /// Number of inner folds (at least 2).
    package var folds: Int
    /// Costs to try, in tie-breaking order.
    package var cValues: [Double]
    /// RBF γ values to try, as multiples of 1/d, in tie-breaking order.
    package var gammaFactors: [Double]

    private enum CodingKeys: String, CodingKey {
        case folds
        case cValues = "c_values"
        case gammaFactors = "gamma_factors"
    }

    /// A grid; the defaults are C ∈ {0.1, 1, 10, 100}, γ ∈ {1/(4d), 1/d, 4/d}, 3 folds.
    package init(folds: Int = 3, cValues: [Double] = [0.1, 1, 10, 100], gammaFactors: [Double] = [0.25, 1, 4]) {
        self.folds = folds
        self.cValues = cValues
        self.gammaFactors = gammaFactors
    }
}
