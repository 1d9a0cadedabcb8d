import Foundation
import FoundationXML
import Testing

/// An SVG written by `specdet plot`, parsed as XML, with the panel geometry its `data-*`
/// attributes describe.
private struct PlotSVG {
    let document: XMLDocument

    init(_ url: URL) throws {
        document = try XMLDocument(contentsOf: url, options: [])
    }

    func elements(_ xpath: String) throws -> [XMLElement] {
        try document.nodes(forXPath: xpath).compactMap { $0 as? XMLElement }
    }

    /// The one element with `data-series` = `name`.
    func series(_ name: String) throws -> XMLElement {
        let found = try elements("//*[@data-series='\(name)']")
        try #require(found.count == 1, "\(found.count) elements of series \(name)")
        return found[0]
    }

    func panel(_ name: String) throws -> XMLElement {
        let found = try elements("//*[local-name()='g'][@data-panel='\(name)']")
        try #require(found.count == 1, "\(found.count) panels named \(name)")
        return found[0]
    }

    /// The polyline's points mapped back to data coordinates through its panel's axes.
    func dataPoints(series name: String, panel panelName: String) throws -> [(x: Double, y: Double)] {
        let panel = try panel(panelName)
        let box = numbers(panel, "data-box"), xDomain = numbers(panel, "data-x-domain"), yDomain = numbers(panel, "data-y-domain")
        return attribute(try series(name), "points").split(separator: " ").map { pair in
            let xy = pair.split(separator: ",").map { Double($0)! }
            return (xDomain[0] + (xy[0] - box[0]) / box[2] * (xDomain[1] - xDomain[0]),
                    yDomain[0] + (box[1] + box[3] - xy[1]) / box[3] * (yDomain[1] - yDomain[0]))
        }
    }

    /// The data size of a hundredth of a pixel along the panel's y axis (the SVG's rounding).
    func yResolution(panel name: String) throws -> Double {
        let panel = try panel(name)
        let yDomain = numbers(panel, "data-y-domain")
        return 0.0051 * (yDomain[1] - yDomain[0]) / numbers(panel, "data-box")[3]
    }

    func values(series name: String) throws -> [Double] {
        numbers(try series(name), "data-values")
    }

    /// The first and last index of the values a series draws.
    func drawn(series name: String) throws -> ClosedRange<Int> {
        let bounds = numbers(try series(name), "data-drawn").map { Int($0) }
        return bounds[0]...bounds[1]
    }

    private func numbers(_ element: XMLElement, _ name: String) -> [Double] {
        attribute(element, name).split(separator: " ").map { Double($0)! }
    }

    /// An attribute's value ("" if absent). Looked up in `attributes`: on Linux,
    /// `attribute(forName:)` finds no unprefixed attribute of an element in a default namespace.
    private func attribute(_ element: XMLElement, _ name: String) -> String {
        element.attributes?.first { $0.name == name }?.stringValue ?? ""
    }

    var text: String { document.rootElement()?.stringValue ?? "" }
}

/// Per-bin means of the `ok` rows of `specdet profile` output (its numbers are `Float`s).
private func profileMeans(_ paths: [String], features: String) throws -> (means: [Double], count: Int) {
    let run = try Specdet.run(["profile", "--quiet", "--features", features] + paths)
    let rows = csvRows(run.output).dropFirst().filter { $0[1] == "ok" }.map { $0[4...].map { Double(Float($0)!) } }
    let means = rows[0].indices.map { bin in rows.map { $0[bin] }.reduce(0, +) / Double(rows.count) }
    return (means, rows.count)
}

@Suite struct PlotCommandTests {
    /// The curves the SVG draws are the means of `specdet profile`'s rows, one curve per part of
    /// the profile (durall: all angles; sectors: axis, then diagonal), each over x = 0…1, in the
    /// data attributes and, within the SVG's rounding to 0.01 px, at the plotted first and last points.
    /// 64x64 images keep rings 1…43: the axis sector has samples up to ring 33 (bin 113.5 of
    /// 0…149, so 113 is the last drawn, x ≈ 0.76), the diagonal one from ring 2 (bin 3.5, so
    /// from 4); a durall profile is drawn whole.
    @Test(arguments: [("dcgan64", "sectors", ["axis", "diagonal"], ["axis": 0...113, "diagonal": 4...149]),
                      ("ae128_convtranspose", "durall", ["all"], ["all": 0...299])])
    func curvesAreTheMeansOfTheProfiles(corpus: String, features: String, parts: [String],
                                        expectedDrawn: [String: ClosedRange<Int>]) throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let svgURL = folder.appendingPathComponent("plot.svg"), csvURL = folder.appendingPathComponent("plot.csv")
        let real = "Fixtures/images/\(corpus)/real", fake = "Fixtures/images/\(corpus)/fake"
        let run = try Specdet.run(["plot", "--quiet", "--features", features, "--real", real, "--fake", fake,
                                   "--output", svgURL.path, "--csv", csvURL.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.output.isEmpty)

        let svg = try PlotSVG(svgURL)
        #expect(svg.document.rootElement()?.name == "svg")
        let csv = csvRows(try String(contentsOf: csvURL, encoding: .utf8))
        #expect(csv[0] == ["bin", "part", "frequency", "mean_real", "std_real", "mean_fake", "std_fake", "relative_error"])
        #expect(csv.count == 1 + 300)
        let size = 300 / parts.count
        #expect(csv.dropFirst().map { $0[1] } == parts.flatMap { Array(repeating: $0, count: size) })
        #expect(csv.dropFirst().map { Double($0[2])! } == Array(repeating: (0..<size).map { Double($0) / Double(size - 1) }, count: parts.count).flatMap { $0 })
        for (name, path, column) in [("real", real, 3), ("fake", fake, 5)] {
            let (means, count) = try profileMeans([path], features: features)
            #expect(means.count == 300)
            #expect(svg.text.contains("\(name): \(path) (\(count) images)"))
            #expect(zip(csv.dropFirst().map { Double($0[column])! }, means).allSatisfy { abs($0 - $1) <= 1e-12 })
            for (index, part) in parts.enumerated() {
                let expected = Array(means[index * size..<(index + 1) * size])
                let values = try svg.values(series: "\(name)-\(part)-mean")
                #expect(values.count == size)
                #expect(zip(values, expected).allSatisfy { abs($0 - $1) <= 1e-12 })

                // Only the bins every image has samples of the part's sector for are drawn.
                let points = try svg.dataPoints(series: "\(name)-\(part)-mean", panel: "profiles")
                let tolerance = try svg.yResolution(panel: "profiles")
                let drawn = try svg.drawn(series: "\(name)-\(part)-mean")
                #expect(drawn == expectedDrawn[part], "\(name) \(part)")
                #expect(points.count == drawn.count)
                let (first, last) = (drawn.lowerBound, drawn.upperBound)
                #expect(abs(points[0].x - Double(first) / Double(size - 1)) < 1e-4)
                #expect(abs(points[points.count - 1].x - Double(last) / Double(size - 1)) < 1e-4)
                #expect(abs(points[0].y - expected[first]) <= tolerance, "first point \(points[0].y) vs \(expected[first])")
                #expect(abs(points[points.count - 1].y - expected[last]) <= tolerance,
                        "last point \(points[points.count - 1].y) vs \(expected[last])")
                #expect(try svg.series("\(name)-\(part)-band").name == "polygon")
            }
        }
        for (index, part) in parts.enumerated() {
            let error = try svg.values(series: "relative-error-\(part)")
            let rows = csv.dropFirst().dropFirst(index * size).prefix(size)
            #expect(error.count == size)
            #expect(zip(error, rows).allSatisfy { $0 == Double($1[7])! && $0 == Double($1[5])! / Double($1[3])! - 1 })
        }
        #expect(svg.text.contains("spatial frequency (no unit)"))
        #expect(svg.text.contains("20·ln|F| ÷ its all-angle mean on ring 1"))
        #expect(try svg.elements("//*[@class='legend']").count == 1)
    }

    /// Profile CSVs give exactly the numbers the images give.
    @Test func acceptsProfileCSVs() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var csvs: [String] = []
        for set in ["real", "fake"] {
            let url = folder.appendingPathComponent("\(set).csv")
            #expect(try Specdet.run(["profile", "--quiet", "--bins", "50", "Fixtures/images/dcgan64/\(set)", "--output", url.path]).status == 0)
            csvs.append(url.path)
        }
        let fromImages = folder.appendingPathComponent("images.csv"), fromProfiles = folder.appendingPathComponent("profiles.csv")
        let first = try Specdet.run(["plot", "--quiet", "--bins", "50", "--real", "Fixtures/images/dcgan64/real",
                                     "--fake", "Fixtures/images/dcgan64/fake", "--csv", fromImages.path])
        let second = try Specdet.run(["plot", "--quiet", "--bins", "50", "--real", csvs[0], "--fake", csvs[1], "--csv", fromProfiles.path])
        #expect(first.status == 0 && second.status == 0)
        #expect(try Data(contentsOf: fromImages) == Data(contentsOf: fromProfiles))
        #expect(first.output.hasPrefix("<?xml"))  // the SVG went to stdout
        #expect(try XMLDocument(data: second.stdout, options: []).rootElement()?.name == "svg")
    }

    /// A standardised logistic model's panel shows w / std per band; an RBF SVM's says it has none.
    @Test func modelPanelShowsWeightsOnRawFeatures() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = ["--real", "Fixtures/images/dcgan64/real", "--fake", "Fixtures/images/dcgan64/fake"]
        let logistic = folder.appendingPathComponent("logistic.json"), rbf = folder.appendingPathComponent("svm.json")
        #expect(try Specdet.run(["train", "--quiet", "--folds", "0", "--classifier", "logistic", "--standardize", "--output", logistic.path] + data).status == 0)
        #expect(try Specdet.run(["train", "--quiet", "--folds", "0", "--classifier", "svm", "--output", rbf.path] + data).status == 0)

        let svgURL = folder.appendingPathComponent("plot.svg"), csvURL = folder.appendingPathComponent("plot.csv")
        var run = try Specdet.run(["plot", "--quiet", "--model", logistic.path, "--output", svgURL.path, "--csv", csvURL.path] + data)
        #expect(run.status == 0, "\(run.stderr)")
        let model = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: logistic)) as? [String: Any])
        let weights = try #require((model["classifier"] as? [String: Any])?["weights"] as? [Double])
        let std = try #require((model["scaler"] as? [String: Any])?["std"] as? [Double])
        let expected = zip(weights, std).map { $0 / $1 }
        let svg = try PlotSVG(svgURL)
        #expect(zip(try svg.values(series: "weights-axis") + svg.values(series: "weights-diagonal"), expected).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) })
        #expect(svg.text.contains("logistic regression"))
        let csv = csvRows(try String(contentsOf: csvURL, encoding: .utf8))
        #expect(csv[0].last == "weight")
        // JSONSerialization may round the model's last digit differently from specdet's JSONDecoder.
        #expect(zip(csv.dropFirst().map { Double($0[8])! }, expected).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) })
        #expect(try svg.values(series: "weights-axis").count == 150)

        run = try Specdet.run(["plot", "--model", rbf.path, "--output", svgURL.path, "--csv", csvURL.path] + data)
        #expect(run.status == 0, "\(run.stderr)")
        // An RBF SVM has no per-band weights: no panel for them, and stderr says so.
        #expect(run.stderr.contains("has no weight per band"), "\(run.stderr)")
        let rbfPlot = try PlotSVG(svgURL)
        #expect(try rbfPlot.elements("//*[@data-panel='weights']").isEmpty)
        #expect(try rbfPlot.elements("//*[@data-panel='profiles']").count == 1)
        #expect(csvRows(try String(contentsOf: csvURL, encoding: .utf8))[0].last == "relative_error")

        run = try Specdet.run(["plot", "--quiet", "--model", logistic.path, "--bins", "100"] + data)
        #expect(run.status == 2)
        #expect(run.stderr.contains("--bins 300"))
    }

    /// Markup characters and control characters in a path still give well-formed XML.
    @Test func titlesWithMarkupAndControlCharactersStayValidXML() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let odd = folder.appendingPathComponent("a&b<c>\"d'\u{1}e")
        try FileManager.default.createDirectory(at: odd, withIntermediateDirectories: true)
        let source = Specdet.fixtures.appendingPathComponent("images/dcgan64/real")
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: odd.appendingPathComponent(name))
        }
        let svgURL = folder.appendingPathComponent("plot.svg")
        let run = try Specdet.run(["plot", "--quiet", "--real", odd.path, "--fake", "Fixtures/images/dcgan64/fake", "--output", svgURL.path])
        #expect(run.status == 0, "\(run.stderr)")
        let svg = try PlotSVG(svgURL)
        #expect(svg.text.contains("a&b<c>\"d'\\x01e"))
    }

    @Test func aFailedInputIsLeftOutAndTheRunExitsOne() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("broken.png")
        let good = try Data(contentsOf: Specdet.fixtures.appendingPathComponent("images/dcgan64/real/00000.png"))
        try good.prefix(good.count / 2).write(to: broken)
        let svgURL = folder.appendingPathComponent("plot.svg")
        let run = try Specdet.run(["plot", "--real", "Fixtures/images/dcgan64/real", broken.path,
                                   "--fake", "Fixtures/images/dcgan64/fake", "--output", svgURL.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("broken.png: truncated"))
        #expect(try PlotSVG(svgURL).text.contains("(6 images)"))
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try Specdet.run(["plot", "--real", "Fixtures/images/dcgan64/real"]).status == 2)
        #expect(try Specdet.run(["plot", "--real", "Fixtures/images/dcgan64/real", "--fake", "Fixtures/images/dcgan64/fake",
                                 "--csv", "-"]).status == 2)
        #expect(try Specdet.run(["plot", "--real", "Fixtures/images/dcgan64/real", "--fake", "Fixtures/images/dcgan64/fake",
                                 "--model", "/nonexistent/model.json"]).status == 2)
    }

    @Test func everyOptionHasHelpAndTheDiscussionAnExample() throws {
        try expectDocumentedHelp(command: "plot")
    }
}

/// Every argument of `specdet COMMAND` has help text, and its discussion has an example that
/// runs that command.
func expectDocumentedHelp(command: String) throws {
    let run = try Specdet.run([command, "--experimental-dump-help"])
    #expect(run.status == 0)
    let tool = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
    let info = try #require(tool["command"] as? [String: Any])
    let discussion = try #require(info["discussion"] as? String)
    #expect(discussion.contains("Example:\n  specdet \(command) "))
    let arguments = try #require(info["arguments"] as? [[String: Any]])
    #expect(arguments.count > 5)
    for argument in arguments {
        let abstract = argument["abstract"] as? String ?? ""
        #expect(!abstract.isEmpty, "no help for \(argument["names"] ?? argument["valueName"] ?? "?")")
    }
}
