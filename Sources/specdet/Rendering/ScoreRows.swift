import Foundation
import SpecdetSupport

/// One row of `score`: an input's outcome under a model.
struct ScoreRow {
    let path: InputPath
    /// `ok` or the error code.
    let status: String
    let probability: Double?
    /// `fake`, `real`, `unknown` (out of the model's domain), or nil for a failed input.
    let label: String?
    let width: Int?
    let height: Int?
    /// Whether the profile lies within the model's domain; nil for a failed input or a model
    /// that records no domain.
    let inDomain: Bool?

    /// The columns of the CSV and the keys of JSON Lines, in order.
    static let columns = ["path", "status", "probability_fake", "label", "width", "height", "in_domain"]

    var fields: [String] {
        [path.display, status, probability.map { String($0) } ?? "", label ?? "", width.map(String.init) ?? "",
         height.map(String.init) ?? "", inDomain.map { $0 ? "true" : "false" } ?? ""]
    }

    var jsonLine: String {
        JSON.object([
            ("path", JSON.string(path.display)), ("status", JSON.string(status)),
            ("probability_fake", JSON.number(probability)), ("label", label.map(JSON.string) ?? "null"),
            ("width", width.map(String.init) ?? "null"), ("height", height.map(String.init) ?? "null"),
            ("in_domain", inDomain.map { $0 ? "true" : "false" } ?? "null"),
        ]) + "\n"
    }

    /// Aligned columns for people: probabilities rounded to 4 places, control characters in
    /// paths escaped, `-` where there is nothing.
    static func table(_ rows: [ScoreRow], header showHeader: Bool) -> String {
        let header = ["path", "status", "p(fake)", "label", "size", "in domain"]
        let body = rows.map { row in
            [row.path.display.escapingControlCharacters, row.status, row.probability.map { String(format: "%.4f", $0) } ?? "-",
             row.label ?? "-", row.width.map { "\($0)x\(row.height ?? 0)" } ?? "-", row.inDomain.map { $0 ? "yes" : "no" } ?? "-"]
        }
        let all = (showHeader ? [header] : []) + body
        guard !all.isEmpty else { return "" }
        let widths = header.indices.map { column in all.map { $0[column].terminalWidth }.max() ?? 0 }
        return all.map { row in
            row.indices.map { row[$0].padding(widths[$0]) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n") + "\n"
    }
}
