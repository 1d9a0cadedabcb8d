import Foundation
import SpecdetClassify
import SpecdetProfile

/// The page of `specdet report`, written in three parts so that rows stream out as they are
/// scored: `start` (the head and the table's head), one `row` per input, then `end` (the
/// summary, the evaluation, the evidence and the script), which the page shows above the table
/// (CSS `order`, and the script moves the table last, for printing too).
///
/// The page loads nothing (`HTMLReportAssets.contentSecurityPolicy`): style and script are
/// inline, figures are inline SVG, pictures are JPEG data URIs. Every text is escaped.
struct HTMLReport {
    /// The score columns, in their order (`ScoreRow.columns`); any column beyond the known
    /// ones gets a table column of its own.
    let columns: [String]
    /// Whether inputs were given as `--real`/`--fake` (a "given as" column).
    let labelled: Bool

    private static func escaped(_ text: String) -> String { SVGDocument.escaped(text) }

    /// The columns the table shows for the score columns: width and height as one size.
    private var shownColumns: [String] {
        columns.filter { $0 != "height" && ($0 != "width" || columns.contains("height")) }
    }

    func start(title: String, description: String) -> String {
        let headers = shownColumns.map { column -> String in
            switch column {
            case "probability_fake":
                return "<th class=\"p\" aria-sort=\"none\"><button class=\"sort\" id=\"sort-p\" type=\"button\" "
                    + "title=\"sort by P(fake)\">P(fake)</button></th>"
            case "width": return "<th>size</th>"
            default: return "<th>\(Self.escaped(column))</th>"
            }
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(HTMLReportAssets.contentSecurityPolicy)">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Self.escaped(title))</title>
            <style>\(HTMLReportAssets.style)</style></head>
            <body><main>
            <header id="head"><h1>\(Self.escaped(title))</h1><p class="note">\(Self.escaped(description))</p>
            <nav class="note">\(labelled ? "<a href=\"#evaluation\">evaluation</a> · " : "")<a href="#evidence">evidence</a> · \
            <a href="#inputs">every input</a></nav></header>
            <section id="inputs"><h2>Every input</h2>
            <div class="controls"><label>label <select id="label-filter"><option value="*">all</option></select></label>
            <label>status <select id="status-filter"><option value="*">all</option><option value="ok">ok</option>\
            <option value="failed">failed (any code)</option></select></label>
            <span><span id="shown"></span> rows shown; order: <span id="sort-state">input order</span> (click P(fake) to sort)</span></div>
            <table id="rows"><thead><tr><th class="n">#</th><th>thumbnail</th>\(headers.joined())\(labelled ? "<th>given as</th>" : "")</tr></thead>
            <tbody>

            """
    }

    /// One input's row; `truth` is 0 or 1 for an input given as `--real` or `--fake`.
    func row(index: Int, fields: [String], truth: Int?) -> String {
        func value(_ column: String) -> String { columns.firstIndex(of: column).map { fields[$0] } ?? "" }
        let status = value("status"), label = value("label"), probability = value("probability_fake")
        var cells = "<td class=\"n\">\(index + 1)</td><td class=\"t\"></td>"
        for column in shownColumns {
            let text = value(column)
            switch column {
            case "path": cells += "<td class=\"path\">\(Self.escaped(text))</td>"
            case "status": cells += text == "ok" ? "<td>ok</td>" : "<td class=\"failed\">\(Self.escaped(text))</td>"
            case "probability_fake": cells += "<td class=\"p\">\(Double(text).map { String(format: "%.4f", $0) } ?? "")</td>"
            case "label": cells += "<td class=\"\(Self.labelClass(text))\">\(Self.escaped(text))</td>"
            case "width": cells += "<td>\(text.isEmpty ? "" : "\(text)x\(value("height"))")</td>"
            default: cells += "<td>\(Self.escaped(text))</td>"
            }
        }
        if labelled { cells += "<td>\(truth.map { $0 == 1 ? "fake" : "real" } ?? "")</td>" }
        return "<tr id=\"r\(index)\" data-i=\"\(index)\" data-p=\"\(Self.escaped(probability))\" data-label=\"\(Self.escaped(label))\" "
            + "data-status=\"\(Self.escaped(status))\">\(cells)</tr>\n"
    }

    /// A CSS class for a label value (letters, digits and `-` only).
    private static func labelClass(_ label: String) -> String {
        "label-" + String(label.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "-" }.map(Character.init))
    }

    /// What the end of the page says.
    struct Ending {
        let model: DetectorModel
        let modelCard: ModelCard
        let modelSummary: String
        /// The threshold of the model file, before `--threshold`.
        let fileThreshold: Double
        let tally: ReportTally
        let evidence: [ReportEvidence]
        /// The rows called fake that rank below the inputs with evidence.
        let flaggedWithoutEvidence: Int
    }

    func end(_ ending: Ending) -> String {
        "</tbody></table></section>\n" + summary(ending) + evaluation(ending)
            + HTMLReportEvidence.section(ending, flaggedLabel: "fake")
            + "<script>\(HTMLReportAssets.script)</script>\n</main></body></html>\n"
    }

    private func summary(_ ending: Ending) -> String {
        let tally = ending.tally
        var counts = [("inputs", tally.rows), ("ok", tally.statusCounts["ok"] ?? 0),
                      ("failed", tally.rows - (tally.statusCounts["ok"] ?? 0))]
        for (column, values) in tally.valueCounts {
            guard let values else { continue }
            counts += values.sorted { $0.key < $1.key }.map { (column == "label" ? $0.key : "\(column) \($0.key)", $0.value) }
        }
        let countText = counts.map { "<span class=\"count\"><b>\($0.1)</b>\(Self.escaped($0.0))</span>" }.joined(separator: " ")
        let failures = tally.statusCounts.filter { $0.key != "ok" }.sorted { $0.key < $1.key }
            .map { "\($0.value) \(Self.escaped($0.key))" }.joined(separator: ", ")
        let card = ending.modelCard.lines.map { "<dt>\(Self.escaped($0.name))</dt><dd>\(Self.escaped($0.text))</dd>" }.joined()
        return """
            <section id="summary"><h2>Summary</h2>
            <div class="counts">\(countText)</div>
            \(failures.isEmpty ? "" : "<p class=\"note\">Failed inputs by error code: \(failures) (docs/CLI.md lists the codes).</p>")
            <p>\(Self.escaped(Self.thresholdText(ending)))</p>
            \(ending.model.domain == nil ? "" : "<p>\(Self.escaped(Self.unknownText(ending.model)))</p>")
            \(SVGReportCharts.histogram(tally.histogram, threshold: ending.model.threshold))
            <h3>Model</h3><p class="note">\(Self.escaped(ending.modelSummary))</p><dl class="card">\(card)</dl>
            </section>

            """
    }

    /// What `unknown` means, for a model that records a domain.
    static func unknownText(_ model: DetectorModel) -> String {
        "An input is unknown, with no verdict, when it lies outside the model's domain (in domain: no): its profile is "
            + "far from every image the model was trained on"
            + (model.domain?.largestAspectRatio.map { ", or its long side is more than \(String(format: "%g", $0)) times its short side" } ?? "")
            + (model.domain?.smallestSide.map { ", or its short side is under \($0) px" } ?? "")
            + ". Its P(fake) is still shown, but it is an extrapolation, not a verdict; docs/METHOD.md explains the bounds."
    }

    /// The threshold and what it did on the model's out-of-fold evidence, if the model has it.
    static func thresholdText(_ ending: Ending) -> String {
        let threshold = ending.model.threshold, own = ending.fileThreshold
        let format = { (value: Double) in String(format: "%.4f", value) }
        var text = "An input is called fake when P(fake) ≥ \(format(threshold))"
            + (threshold == own ? " (the model's threshold)." : " (set by --threshold; the model's own is \(format(own))).")
        guard let point = ending.model.operatingPoint else {
            return text + " This model file records no out-of-fold evidence (it predates it), so the false-positive rate of "
                + "this threshold is unknown: measure it on data like yours with --real and --fake, or specdet evaluate."
        }
        if threshold == own, let counts = point.outOfFold {
            text += " On the model's out-of-fold evidence (each training image scored by a model that did not train on it), "
                + "it called " + String(format: "%.1f %%", 100 * counts.falsePositiveRate)
                + " of the training images labelled real fake (\(counts.falsePositives) of \(counts.falsePositives + counts.trueNegatives))"
                + " and found " + String(format: "%.1f %%", 100 * counts.truePositiveRate) + " of those labelled fake "
                + "(\(counts.truePositives) of \(counts.truePositives + counts.falseNegatives)); what was labelled which is "
                + "under Model below."
        } else if let bounds = point.roc?.falsePositiveRate(at: threshold) {
            text += " On the model's out-of-fold ROC curve its false-positive rate is between "
                + String(format: "%.1f %% and %.1f %%.", 100 * bounds.lowerBound, 100 * bounds.upperBound)
        }
        return text
    }

    private func evaluation(_ ending: Ending) -> String {
        guard labelled else { return "" }
        let (labels, scores) = ending.tally.labelled
        let heading = "<section id=\"evaluation\"><h2>Evaluation on the inputs given as real and fake</h2>\n"
        guard labels.contains(0), labels.contains(1), let scored = try? ScoredSamples(labels: labels, scores: scores) else {
            return heading + "<p>An evaluation needs scored images of both sets; got \(labels.filter { $0 == 0 }.count) real and "
                + "\(labels.filter { $0 == 1 }.count) fake.</p></section>\n"
        }
        let counts = scored.confusion(threshold: ending.model.threshold)
        let unknown = ending.tally.labelledOutOfDomain
        let outOfDomain = unknown == 0 ? "" : "; the \(unknown) of them outside the model's domain (unknown) are counted by their "
            + "P(fake) all the same, as specdet evaluate counts them"
        let metrics = [("accuracy", counts.accuracy), ("balanced accuracy", counts.balancedAccuracy), ("ROC AUC", scored.rocAUC),
                       ("average precision", scored.averagePrecision)]
            .map { "<dt>\($0.0)</dt><dd>\($0.1.map { String(format: "%.4f", $0) } ?? "-")</dd>" }.joined()
        return heading + """
            <p class="note">At the threshold \(String(format: "%.4f", ending.model.threshold)), over the \(labels.count) inputs given as real or fake that \
            were scored (failed ones left out)\(outOfDomain).</p>
            <div class="figures"><div><dl class="card">\(metrics)</dl>
            <table class="confusion"><thead><tr><th></th><th>called real</th><th>called fake</th></tr></thead><tbody>
            <tr><th>given real</th><td>\(counts.trueNegatives)</td><td>\(counts.falsePositives)</td></tr>
            <tr><th>given fake</th><td>\(counts.falseNegatives)</td><td>\(counts.truePositives)</td></tr></tbody></table></div>
            \(SVGReportCharts.roc(scored.rocCurve(), auc: scored.rocAUC, point: (counts.falsePositiveRate, counts.truePositiveRate)))
            </div></section>

            """
    }
}
