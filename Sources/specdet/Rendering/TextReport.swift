import Foundation
import SpecdetClassify

/// The plain-text reports of `train`: what it trains on, the cross-validation table, and the
/// folds file.
enum TextReport {
    /// `training svm on R real and F fake images [and C augmented copies (K rounds: ...)]`.
    static func trainingSummary(_ data: LabelledProfiles, classifier: String) -> String {
        "training \(classifier) on \(data.realCount) real and \(data.fakeCount) fake images"
            + (data.copyCount == 0 ? "" : " and \(data.copyCount) augmented copies")
            + (data.roundCount > 1 ? " (\(data.roundCount) rounds: one classifier each, averaged)" : "") + "\n"
    }

    /// The per-fold and mean held-out metrics, aligned.
    static func crossValidation(_ result: CrossValidationResult, grouping: String) -> String {
        var text = "cross-validation: \(result.k) folds, \(grouping)\n"
        text += "fold  n_real  n_fake  accuracy  balanced_accuracy  roc_auc\n"
        for fold in result.folds {
            text += "\(String(fold.fold).padding(4))  \(String(fold.nReal).padding(6))  \(String(fold.nFake).padding(6))  "
                + "\(format(fold.accuracy).padding(8))  \(format(fold.balancedAccuracy).padding(17))  \(fold.rocAUC.map(format) ?? "-")\n"
        }
        text += "mean  \("".padding(6))  \("".padding(6))  \(format(result.accuracy).padding(8))  "
            + "\(format(result.balancedAccuracy).padding(17))  \(result.rocAUC.map(format) ?? "-")\n"
        return text
    }

    /// The threshold the model uses and how it was chosen.
    static func operatingPoint(_ model: DetectorModel) -> String {
        guard let point = model.operatingPoint, let counts = point.outOfFold else {
            return "threshold \(format(model.threshold)) (P(fake) at decision value 0: no cross-validation to choose it from)\n"
        }
        let rule = switch point.rule {
        case .targetFPR: "out-of-fold false-positive rate at most \(point.targetFPR ?? 0)"
            + (point.targetFPROn.map { " on the originals of \($0.map(\.escapingControlCharacters).joined(separator: ", "))" } ?? "")
        case .accuracy: "highest out-of-fold accuracy"
        case .decisionSign: "the classifier's boundary, decision value 0"
        }
        // With a narrowed target, the counts below are still every original's.
        let over = point.targetFPROn == nil ? "" : "over every original image, "
        return "threshold \(format(model.threshold)) (\(rule)): \(over)out-of-fold accuracy \(format(counts.accuracy)), "
            + "false-positive rate \(format(counts.falsePositiveRate)), true-positive rate \(format(counts.truePositiveRate))\n"
    }

    /// `path,label,fold` of every profile; with augmentation a `copy` column follows (0 for the
    /// original, k for its k-th copy, counted through the rounds in order), so that a copy's
    /// fold can be checked against its source's; then `p_fake_out_of_fold`, its P(fake) from
    /// the cross-validation model that did not train on its fold (the scores the threshold
    /// was chosen from), printed to round-trip.
    static func foldsCSV(_ folds: [Int], data: LabelledProfiles, outOfFold: [Double]) -> String {
        let augmented = data.copyCount > 0
        var text = CSV.row(["path", "label", "fold"] + (augmented ? ["copy"] : []) + ["p_fake_out_of_fold"])
        var copyNumber = 0
        for index in folds.indices {
            copyNumber = data.rounds[index] == 0 ? 0 : copyNumber + 1
            text += CSV.row([data.paths[index].display, data.labels[index] == 1 ? "fake" : "real", String(folds[index])]
                            + (augmented ? [String(copyNumber)] : []) + [String(outOfFold[index])])
        }
        return text
    }

    /// A number with four decimals.
    static func format(_ value: Double) -> String {
        String(format: "%.4f", value)
    }
}

extension String {
    /// Left-aligned in a column `width` terminal columns wide (see `terminalWidth`).
    func padding(_ width: Int) -> String {
        let own = terminalWidth
        return own >= width ? self : self + String(repeating: " ", count: width - own)
    }
}
