import Foundation
import SpecdetClassify

/// What `specdet info` says about a model: one `name value` line per fact, aligned, or the
/// same pairs as one JSON object, where the numbers a script reads (`schema_version`,
/// `threshold`) are JSON numbers.
struct ModelCard {
    let lines: [(String, String)]
    /// The JSON value of the facts that are numbers, in place of their line's text.
    private let numbers: [String: String]

    init(_ model: DetectorModel, source: String) {
        var lines: [(String, String)] = [("model", source), ("schema_version", String(model.schemaVersion))]
        let hyperparameters = model.hyperparameters
        switch model.classifier {
        case .rbfSVM(let gamma, let vectors, _, _, _):
            let through = hyperparameters.landmarks == nil ? "" : ", Nyström landmarks"
            lines.append(("classifier", "svm (RBF kernel, C \(hyperparameters.c), gamma \(gamma), \(vectors.count) support vectors\(through))"))
        case .logistic:
            lines.append(("classifier", "logistic regression (C \(hyperparameters.c))"))
        case .linearSVM:
            lines.append(("classifier", "linear svm (C \(hyperparameters.c))"))
        }
        lines.append(("features", "\(model.feature.features.rawValue), \(model.feature.bins) values per image"))
        lines.append(("standardized", model.scaler == nil ? "no" : "yes"))
        lines.append(("threshold", "\(model.threshold) (fake when P(fake) >= threshold)"))
        lines.append(("threshold_rule", TextReport.operatingPoint(model).dropLast().description))
        let training = model.training
        lines.append(("training_samples", "\(training.nReal) real, \(training.nFake) fake (augmented copies included)"))
        for source in training.data ?? [] {
            lines.append(("training_data", "\(source.label) \(source.source): \(source.images) images, \(source.smallest) to \(source.largest)"))
        }
        lines.append(("augmentation", training.augmentation ?? "none"))
        if let domain = model.domain {
            let quantile = "the \(domain.quantile) quantile of the training images' out-of-fold distances"
            var bounds = domain.supportVectorBound.map { "distance to the nearest support vector ≤ \(String(format: "%.3f", $0)) (\(quantile))" }
                ?? "Mahalanobis distance ≤ \(String(format: "%.2f", domain.bound)) (\(quantile); shrinkage \(String(format: "%.3f", domain.shrinkage)))"
            bounds += domain.largestAspectRatio.map { "; aspect ratio (long side over short side) ≤ \(String(format: "%g", $0))" }
                ?? "; no bound on the aspect ratio"
            lines.append(("domain", bounds))
        } else {
            lines.append(("domain", "none recorded: every profile is taken as in domain"))
        }
        if let cv = training.crossValidation {
            let auc = cv.rocAUC.map { String(format: "%.4f", $0) } ?? "-"
            lines.append(("cross_validation", "\(cv.k) folds, \(cv.grouped ? "grouped" : "not grouped"): accuracy "
                          + String(format: "%.4f", cv.accuracy) + ", balanced accuracy "
                          + String(format: "%.4f", cv.balancedAccuracy) + ", ROC AUC \(auc)"))
        }
        lines.append(("class_means", model.classMeans == nil ? "none (the model predates them: reports draw profiles alone)"
                      : "the per-bin mean and SD of each class's original training profiles (what reports compare against)"))
        lines.append(("solver", training.solver))
        lines.append(("trained_by", "\(training.toolVersion), \(training.date), seed \(training.seed)"))
        self.lines = lines
        numbers = ["schema_version": String(model.schemaVersion), "threshold": JSON.number(model.threshold)]
    }

    var text: String {
        let width = (lines.map(\.0.count).max() ?? 0) + 2
        return lines.map { $0.0.padding(width) + $0.1 }.joined(separator: "\n") + "\n"
    }

    /// One key per name, in order of first appearance; `training_data` (one line per training
    /// source) is an array, whatever the count, as is any other name with several lines.
    var json: String {
        var order: [String] = [], values: [String: [String]] = [:]
        for (key, value) in lines {
            if values[key] == nil { order.append(key) }
            values[key, default: []].append(value)
        }
        let fields = order.map { key in
            let all = values[key]!
            if let number = numbers[key] { return (key, number) }
            return (key, all.count == 1 && key != "training_data" ? JSON.string(all[0]) : "[" + all.map(JSON.string).joined(separator: ",") + "]")
        }
        return JSON.object(fields) + "\n"
    }
}
