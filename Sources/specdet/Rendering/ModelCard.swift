import Foundation
import SpecdetClassify

/// What `specdet info` says about a model: one `name value` line per fact, aligned, or the
/// same pairs as one JSON object, where the numbers a script reads (`schema_version`,
/// `threshold`) are JSON numbers.
struct ModelCard {
    /// Each fact: its name, its text, and for a number its JSON value (else the text is).
    let lines: [(name: String, text: String, number: String?)]

    init(_ model: DetectorModel, source: String) {
        var lines: [(name: String, text: String, number: String?)] = [
            ("model", source, nil), ("schema_version", String(model.schemaVersion), String(model.schemaVersion))]
        let hyperparameters = model.hyperparameters
        switch model.classifier {
        case .rbfSVM(let gamma, let vectors, _, _, _):
            let through = hyperparameters.landmarks == nil ? "" : ", Nyström landmarks"
            lines.append(("classifier", "svm (RBF kernel, C \(hyperparameters.c), gamma \(gamma), \(vectors.count) support vectors\(through))", nil))
        case .logistic:
            lines.append(("classifier", "logistic regression (C \(hyperparameters.c))", nil))
        case .linearSVM:
            lines.append(("classifier", "linear svm (C \(hyperparameters.c))", nil))
        }
        lines.append(("features", "\(model.feature.features.rawValue), \(model.feature.bins) values per image", nil))
        lines.append(("standardized", model.scaler == nil ? "no" : "yes", nil))
        lines.append(("threshold", "\(model.threshold) (fake when P(fake) >= threshold)", JSON.number(model.threshold)))
        lines.append(("threshold_rule", TextReport.operatingPoint(model).dropLast().description, nil))
        let training = model.training
        lines.append(("training_samples", "\(training.nReal) real, \(training.nFake) fake (augmented copies included)", nil))
        for source in training.data ?? [] {
            lines.append(("training_data", "\(source.label) \(source.source): \(source.images) images, \(source.smallest) to \(source.largest)", nil))
        }
        lines.append(("augmentation", training.augmentation ?? "none", nil))
        if let domain = model.domain {
            let quantile = "the \(domain.quantile) quantile of the training images' out-of-fold distances"
            var bounds = domain.supportVectorBound.map { "distance to the nearest support vector ≤ \(String(format: "%.3f", $0)) (\(quantile))" }
                ?? "Mahalanobis distance ≤ \(String(format: "%.2f", domain.bound)) (\(quantile); shrinkage \(String(format: "%.3f", domain.shrinkage)))"
            bounds += domain.largestAspectRatio.map { "; aspect ratio (long side over short side) ≤ \(String(format: "%g", $0))" }
                ?? "; no bound on the aspect ratio"
            bounds += domain.smallestSide.map { "; short side ≥ \($0) px" } ?? "; no bound on the size"
            lines.append(("domain", bounds, nil))
        } else {
            lines.append(("domain", "none recorded: every profile is taken as in domain", nil))
        }
        if let cv = training.crossValidation {
            let auc = cv.rocAUC.map { String(format: "%.4f", $0) } ?? "-"
            lines.append(("cross_validation", "\(cv.k) folds, \(cv.grouped ? "grouped" : "not grouped"): accuracy "
                          + String(format: "%.4f", cv.accuracy) + ", balanced accuracy "
                          + String(format: "%.4f", cv.balancedAccuracy) + ", ROC AUC \(auc)", nil))
        }
        lines.append(("class_means", model.classMeans == nil ? "none (the model predates them: reports draw profiles alone)"
                      : "the per-bin mean and SD of each class's original training profiles (what reports compare against)", nil))
        lines.append(("solver", training.solver, nil))
        lines.append(("trained_by", "\(training.toolVersion), \(training.date), seed \(training.seed)", nil))
        self.lines = lines
    }

    var text: String {
        let width = (lines.map(\.name.count).max() ?? 0) + 2
        return lines.map { $0.name.padding(width) + $0.text }.joined(separator: "\n") + "\n"
    }

    /// One key per name, in order of first appearance; `training_data` (one line per training
    /// source) is an array, whatever the count, as is any other name with several lines.
    var json: String {
        var order: [String] = [], values: [String: [String]] = [:]
        for line in lines {
            if values[line.name] == nil { order.append(line.name) }
            values[line.name, default: []].append(line.number ?? JSON.string(line.text))
        }
        let fields = order.map { key in
            let all = values[key]!
            return (key, all.count == 1 && key != "training_data" ? all[0] : "[" + all.joined(separator: ",") + "]")
        }
        return JSON.object(fields) + "\n"
    }
}
