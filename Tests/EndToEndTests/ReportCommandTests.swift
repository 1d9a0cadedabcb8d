import Foundation
import Testing
@testable import specdet

/// The rows of a report page: one `<tr id="rN" …>` per input, with its data attributes.
struct ReportRows {
    let rows: [[String: String]]

    init(_ html: String) throws {
        let pattern = try NSRegularExpression(pattern: "<tr id=\"r[0-9]+\"((?: data-[a-z]+=\"[^\"]*\")*)>")
        let attribute = try NSRegularExpression(pattern: "data-([a-z]+)=\"([^\"]*)\"")
        rows = pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { match in
            let text = String(html[Range(match.range(at: 1), in: html)!])
            var values: [String: String] = [:]
            for pair in attribute.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                values[String(text[Range(pair.range(at: 1), in: text)!])] = String(text[Range(pair.range(at: 2), in: text)!])
            }
            return values
        }
    }
}

/// Attribute values in the page that would make a browser fetch something: `src`, `href`,
/// `action`, `srcset`, `poster` and CSS `url(…)` other than data URIs and in-page anchors.
func fetchesIn(_ html: String) throws -> [String] {
    let pattern = try NSRegularExpression(
        pattern: "(?:\\b(?:src|href|action|srcset|poster|xlink:href)\\s*=\\s*[\"']?|url\\(\\s*[\"']?)([^\"'\\s)>]*)", options: [.caseInsensitive])
    return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html))
        .map { String(html[Range($0.range(at: 1), in: html)!]) }
        .filter { !$0.hasPrefix("data:") && !$0.hasPrefix("#") }
}

@Suite struct ReportCommandTests {
    /// Every input has its row, in input order, a failed one with its error code; the numbers
    /// are those of `specdet score`; the page fetches nothing.
    @Test func everyInputHasItsRowAndThePageFetchesNothing() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("broken.png")
        let good = try Data(contentsOf: Specdet.fixtures.appendingPathComponent("images/dcgan64/real/00000.png"))
        try good.prefix(good.count / 2).write(to: broken)
        let report = folder.appendingPathComponent("report.html")
        let inputs = ["Fixtures/images/dcgan64", broken.path, "Fixtures/images/odd"]
        let run = try Specdet.run(["report", "--thumbnails", "5", "--output", report.path] + inputs)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("broken.png: truncated"))
        let scores = csvRows(try Specdet.run(["score", "--quiet"] + inputs).output).dropFirst()
        let html = try String(contentsOf: report, encoding: .utf8)
        let rows = try ReportRows(html).rows
        #expect(rows.count == scores.count)
        for (row, score) in zip(rows, scores) {
            #expect(row["status"] == score[1] && row["p"] == score[2] && row["label"] == score[3])
        }
        #expect(rows.contains { $0["status"] == "truncated" })
        #expect(html.contains("<td class=\"failed\">truncated</td>"))
        // Five evidence blocks with a thumbnail and a spectrum each; those called fake shown.
        #expect(html.components(separatedBy: "<article class=\"evidence\"").count - 1 == 5)
        #expect(html.components(separatedBy: "<img class=\"thumb\"").count - 1 == 5)
        #expect(html.components(separatedBy: "<img class=\"spectrum\"").count - 1 == 5)
        #expect(html.contains("Where it departs most from the real class"))
        let fetches = try fetchesIn(html)
        #expect(fetches.isEmpty, "\(fetches)")
        #expect(html.contains("Content-Security-Policy\" content=\"default-src 'none'"))
        #expect(html.contains("<span class=\"count\"><b>\(scores.count)</b>inputs</span>"))
        #expect(html.contains("1 truncated"))
        // What unknown means is said where the verdicts are (the built-in model bounds the aspect ratio at 2).
        #expect(html.contains("An input is unknown, with no verdict") && html.contains("more than 2 times its short side"))
    }

    /// With --real and --fake the page evaluates the model as `specdet evaluate` does.
    @Test func anEvaluationMatchesEvaluate() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = folder.appendingPathComponent("report.html")
        let sets = ["--real", "Fixtures/images/ae128_nearest/real", "--fake", "Fixtures/images/ae128_nearest/fake"]
        let run = try Specdet.run(["report", "--quiet", "--thumbnails", "0", "-o", report.path] + sets)
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOf: report, encoding: .utf8)
        let evaluate = try #require(try JSONSerialization.jsonObject(
            with: Specdet.run(["evaluate", "--quiet", "--format", "json"] + sets).stdout) as? [String: Any])
        for (name, key) in [("accuracy", "accuracy"), ("balanced accuracy", "balanced_accuracy"), ("ROC AUC", "roc_auc")] {
            let value = try #require(evaluate[key] as? Double)
            #expect(html.contains("<dt>\(name)</dt><dd>\(String(format: "%.4f", value))</dd>"), "\(name)")
        }
        #expect(html.contains("<tr><th>given real</th><td>\(evaluate["tn"]!)</td><td>\(evaluate["fp"]!)</td></tr>"))
        #expect(html.contains("data-panel=\"roc\""))
        #expect(try ReportRows(html).rows.count == 12)
        #expect(!html.contains("<article class=\"evidence\""))
    }

    /// The counts and the table follow the score rows' own columns and labels: a label or a
    /// column the report has never heard of (here `unknown` and `in_domain`) is counted and
    /// shown without a change to the report.
    @Test func labelsAndColumnsComeFromTheRows() throws {
        let columns = ["path", "status", "probability_fake", "label", "width", "height", "in_domain"]
        var tally = ReportTally(columns: columns, limit: 2)
        let page = HTMLReport(columns: columns, labelled: false)
        let rows = [["a.png", "ok", "0.9", "fake", "64", "64", "true"], ["b.png", "ok", "0.2", "unknown", "9000", "20", "false"],
                    ["c.png", "truncated", "", "", "", "", ""]]
        var html = page.start(title: "t", description: "d")
        for (index, fields) in rows.enumerated() {
            tally.add(index: index, path: InputPath(fields[0]), fields: fields,
                      profile: fields[1] == "ok" ? ImageProfile(width: 64, height: 64, features: [1, 2, 3, 4]) : nil, truth: nil)
            html += page.row(index: index, fields: fields, truth: nil)
        }
        let counts = Dictionary(uniqueKeysWithValues: tally.valueCounts.map { ($0.column, $0.counts ?? [:]) })
        #expect(counts["label"] == ["fake": 1, "unknown": 1])
        #expect(counts["in_domain"] == ["true": 1, "false": 1])
        #expect(tally.statusCounts == ["ok": 2, "truncated": 1])
        #expect(html.contains("<th>in_domain</th>"))
        #expect(html.contains("data-label=\"unknown\""))
        #expect(html.contains("<td class=\"label-unknown\">unknown</td><td>9000x20</td><td>false</td>"))
        #expect(tally.candidates.map(\.index) == [0, 1])
    }

    /// The heap keeps the N highest P(fake), ties to the earlier input, whatever the order.
    @Test func theCandidatesAreTheHighestScores() {
        var tally = ReportTally(columns: ScoreRow.columns, limit: 3)
        let scores = [0.5, 0.9, 0.1, 0.9, 0.7, 0.95, 0.2, 0.7]
        for (index, score) in scores.enumerated() {
            let row = ScoreRow(path: InputPath("\(index).png"), status: "ok", probability: score, label: nil, width: 8, height: 8,
                               inDomain: nil)
            tally.add(index: index, path: row.path, fields: row.fields,
                      profile: ImageProfile(width: 8, height: 8, features: []), truth: nil)
        }
        #expect(tally.candidates.map(\.index) == [5, 1, 3])
        #expect(tally.histogram.reduce(0, +) == scores.count)
    }

    /// An input outside the model's domain has no verdict to show evidence for: it takes a
    /// place only when no input inside is left, however high its P(fake).
    @Test func candidatesInsideTheDomainComeFirst() {
        var tally = ReportTally(columns: ScoreRow.columns, limit: 3)
        let rows = [(0.99, false), (0.4, true), (0.97, false), (0.6, true), (0.2, true)]
        for (index, (score, inDomain)) in rows.enumerated() {
            let row = ScoreRow(path: InputPath("\(index).png"), status: "ok", probability: score, label: inDomain ? "real" : "unknown",
                               width: 8, height: 8, inDomain: inDomain)
            tally.add(index: index, path: row.path, fields: row.fields,
                      profile: ImageProfile(width: 8, height: 8, features: []), truth: index % 2)
        }
        #expect(tally.candidates.map(\.index) == [3, 1, 4])
        #expect(tally.labelledOutOfDomain == 2)
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try Specdet.run(["report", "Fixtures/images/dcgan64"]).status == 2)
        #expect(try Specdet.run(["report", "-o", "/tmp/never.html"]).status == 2)
        #expect(try Specdet.run(["report", "--real", "Fixtures/images/dcgan64/real", "-o", "/tmp/never.html"]).status == 2)
        #expect(try Specdet.run(["report", "Fixtures/images/dcgan64", "--thumbnails", "1001", "-o", "/tmp/never.html"]).status == 2)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never.html"))
    }

    @Test func everyOptionHasHelpAndTheDiscussionAnExample() throws {
        try expectDocumentedHelp(command: "report")
    }
}
