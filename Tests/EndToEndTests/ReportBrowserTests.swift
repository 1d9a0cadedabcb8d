import Foundation
import SpecdetImage
import Testing

/// A report of the fixtures opened in a real browser: headless Chromium (Debian's `chromium`,
/// which `make test-deps` installs; CI runs as root, hence `--no-sandbox`). A copy of the page
/// gets two scripts: one first in its head that records every error, unhandled rejection,
/// console error or warning and Content-Security-Policy violation (any attempt to fetch
/// something), and one last that sorts and filters the table as a person would and writes what
/// it saw into the page as JSON, which `--dump-dom` prints. The page itself is screenshotted
/// unchanged.
@Suite(.serialized) struct ReportBrowserTests {
    static let chromium = executableOnPath("chromium") ?? executableOnPath("chromium-browser")
    static let skipReason: Comment = "chromium is not installed (Debian: chromium; make test-deps installs it)"

    /// Records problems from the start of the page.
    static let recorder = """
        <script>window.__problems = [];
        addEventListener("error", e => __problems.push("error: " + (e.message || (e.target && e.target.outerHTML))), true);
        addEventListener("unhandledrejection", e => __problems.push("unhandled rejection: " + e.reason));
        document.addEventListener("securitypolicyviolation", e => __problems.push("blocked: " + e.blockedURI + " (" + e.violatedDirective + ")"));
        for (const level of ["error", "warn"]) {
          const original = console[level];
          console[level] = (...parts) => { __problems.push(level + ": " + parts.join(" ")); original.apply(console, parts); };
        }</script>
        """

    /// Uses the page as a person would and writes what it saw into `#test-results`.
    static let probe = """
        <script>(() => {
          const body = document.getElementById("rows").tBodies[0];
          const rows = () => Array.from(body.rows);
          const out = {rows: rows().length, thumbnails: body.querySelectorAll("img.thumb").length};
          const sort = document.getElementById("sort-p");
          sort.click(); out.descending = rows().map(r => r.dataset.p);
          sort.click(); out.ascending = rows().map(r => r.dataset.p);
          sort.click(); out.restored = rows().map(r => Number(r.dataset.i));
          const label = document.getElementById("label-filter"), status = document.getElementById("status-filter");
          out.labelOptions = Array.from(label.options).map(o => o.value);
          label.value = "fake"; label.dispatchEvent(new Event("change"));
          out.fakeShown = rows().filter(r => !r.hidden).map(r => r.dataset.label);
          out.shownText = document.getElementById("shown").textContent;
          label.value = "*"; label.dispatchEvent(new Event("change"));
          status.value = "failed"; status.dispatchEvent(new Event("change"));
          out.failedShown = rows().filter(r => !r.hidden).length;
          status.value = "*"; status.dispatchEvent(new Event("change"));
          out.allShown = rows().filter(r => !r.hidden).length;
          const hidden = document.querySelector("article.evidence[hidden]");
          if (hidden) { document.getElementById("r" + hidden.dataset.row).cells[2].click(); out.openedOnClick = !hidden.hidden; }
          out.sectionOrder = Array.from(document.querySelectorAll("main > [id]")).map(e => e.id);
          out.resources = performance.getEntriesByType("resource").map(e => e.name);
          out.problems = window.__problems;
          const pre = document.createElement("pre");
          pre.id = "test-results";
          pre.textContent = JSON.stringify(out);
          document.body.appendChild(pre);
        })();</script>
        """

    struct Probe: Decodable {
        let rows: Int
        let thumbnails: Int
        let descending: [String]
        let ascending: [String]
        let restored: [Int]
        let labelOptions: [String]
        let fakeShown: [String]
        let shownText: String
        let failedShown: Int
        let allShown: Int
        let openedOnClick: Bool?
        let sectionOrder: [String]
        let resources: [String]
        let problems: [String]
    }

    /// Runs headless Chromium on `page` with `arguments` (a fresh profile folder each time).
    static func chromium(_ arguments: [String], page: URL, folder: URL) throws -> TimedRun {
        let profile = folder.appendingPathComponent("profile-\(UUID().uuidString)")
        return try TimedProcess.run(try #require(chromium), [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--user-data-dir=\(profile.path)", "--hide-scrollbars",
        ] + arguments + [page.absoluteString], timeout: 300)
    }

    @Test(.enabled(if: chromium != nil, skipReason))
    func theReportWorksInABrowserAndFetchesNothing() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = folder.appendingPathComponent("report.html")
        let run = try Specdet.run(["report", "--quiet", "Fixtures/images", "-o", report.path])
        #expect(run.status == 0, "\(run.stderr)")
        let scores = csvRows(try Specdet.run(["score", "--quiet", "Fixtures/images"]).output).dropFirst()
        let html = try String(contentsOf: report, encoding: .utf8)
        let fetches = try fetchesIn(html)
        #expect(fetches.isEmpty, "\(fetches)")

        let probed = folder.appendingPathComponent("probed.html")
        let headEnd = try #require(html.range(of: "<head>"))
        let withProbe = html.replacingCharacters(in: headEnd, with: "<head>" + Self.recorder)
            .replacingOccurrences(of: "</body>", with: Self.probe + "</body>")
        try withProbe.write(to: probed, atomically: true, encoding: .utf8)
        let dump = try Self.chromium(["--dump-dom"], page: probed, folder: folder)
        #expect(dump.exited(0) && !dump.timedOut, "\(dump.stderr.suffix(2000))")
        let dom = dump.output
        let start = try #require(dom.range(of: "<pre id=\"test-results\">"), "no test results in the page: \(dom.suffix(500))")
        let end = try #require(dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex))
        let json = dom[start.upperBound..<end.lowerBound].replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        let probe = try JSONDecoder().decode(Probe.self, from: Data(json.utf8))

        #expect(probe.problems.isEmpty, "\(probe.problems)")
        #expect(probe.resources.isEmpty, "\(probe.resources)")
        #expect(probe.rows == scores.count && probe.allShown == scores.count)
        #expect(probe.thumbnails == min(50, scores.count))
        let numbers = probe.descending.compactMap(Double.init)
        #expect(numbers.count == scores.count && numbers == numbers.sorted(by: >))
        #expect(probe.ascending.compactMap(Double.init) == numbers.sorted())
        #expect(probe.restored == Array(0..<scores.count))
        #expect(Set(probe.labelOptions).isSuperset(of: ["*", "fake", "real"]))
        let fakes = scores.filter { $0[3] == "fake" }.count
        #expect(fakes > 0 && probe.fakeShown == Array(repeating: "fake", count: fakes))
        #expect(probe.shownText == String(fakes))
        #expect(probe.failedShown == 0)
        #expect(probe.openedOnClick ?? true)
        #expect(probe.sectionOrder == ["head", "summary", "evidence", "inputs"])

        // The page as it is: a laptop-sized screenshot that is not blank.
        let screenshot = folder.appendingPathComponent("screenshot.png")
        let shot = try Self.chromium(["--screenshot=\(screenshot.path)", "--window-size=1280,900"], page: report, folder: folder)
        #expect(shot.exited(0), "\(shot.stderr.suffix(2000))")
        let image = try ImageDecoder.decode(path: screenshot.path)
        #expect(image.width == 1280 && image.height == 900)
        let dark = image.pixels.filter { $0 < 100 }.count, white = image.pixels.filter { $0 > 245 }.count
        #expect(dark > 2000, "only \(dark) dark pixels: is the page blank?")
        #expect(white > image.pixels.count / 3, "\(white) white pixels of \(image.pixels.count)")
    }

    /// The check for fetches finds them: a page with a link or a source elsewhere fails it.
    @Test func theFetchCheckFindsURLs() throws {
        #expect(try fetchesIn("<img src=\"https://example.org/a.png\"><a href='#x'>x</a><img src=\"data:image/png;base64,AA\">")
                == ["https://example.org/a.png"])
        #expect(try fetchesIn("<link rel=stylesheet href=http://example.org/s.css><div style=\"background:url('//cdn/x.png')\">")
                == ["http://example.org/s.css", "//cdn/x.png"])
    }
}
