import Foundation
import SpecdetImage
import Testing

/// The program `name` on PATH, or nil.
func executableOnPath(_ name: String) -> String? {
    (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// Every figure `plot` draws stays on its canvas, whatever the options: the SVG is rendered by
/// librsvg (`rsvg-convert`, Debian's librsvg2-bin, which `make test-deps` installs) with a
/// margin added around the canvas, and nothing may be drawn in the margin. Text that runs past
/// an edge (a title too long for the panel, a set name, a legend) paints pixels there.
@Suite struct PlotLayoutTests {
    static let rsvg = executableOnPath("rsvg-convert")
    static let margin = 300

    /// A standardised logistic model of the dcgan64 fixtures (it has weights for a third panel).
    static let logisticModel: Result<URL, any Error> = Result {
        let folder = try Specdet.temporaryFolder()
        let model = folder.appendingPathComponent("logistic.json")
        let run = try Specdet.run(["train", "--quiet", "--folds", "0", "--augment", "none", "--classifier", "logistic",
                                   "--standardize", "--real", "Fixtures/images/dcgan64/real", "--fake", "Fixtures/images/dcgan64/fake",
                                   "--output", model.path])
        guard run.status == 0 else { throw CocoaError(.fileWriteUnknown) }
        return model
    }

    static let combinations: [(features: String, model: Bool, longNames: Bool)] =
        ["sectors", "durall"].flatMap { features in [false, true].flatMap { model in [false, true].map { (features, model, $0) } } }

    @Test(.enabled(if: rsvg != nil, "rsvg-convert is not installed (Debian: librsvg2-bin; make test-deps installs it)"),
          arguments: combinations)
    func nothingIsDrawnOutsideTheCanvas(features: String, model: Bool, longNames: Bool) throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var real = ["Fixtures/images/dcgan64/real"], fake = ["Fixtures/images/dcgan64/fake"]
        if longNames {
            // Three long arguments per set: the title names two, elided to 60 characters, "and 1 more".
            let long = String(repeating: "a-rather-long-folder-name-", count: 4)
            real = try (1...3).map { index in
                let link = folder.appendingPathComponent("\(long)real-\(index)")
                try FileManager.default.createSymbolicLink(at: link, withDestinationURL: Specdet.fixtures.appendingPathComponent("images/dcgan64/real"))
                return link.path
            }
            fake = try (1...3).map { index in
                let link = folder.appendingPathComponent("WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW-fake-\(index)")
                try FileManager.default.createSymbolicLink(at: link, withDestinationURL: Specdet.fixtures.appendingPathComponent("images/dcgan64/fake"))
                return link.path
            }
        }
        let svgURL = folder.appendingPathComponent("plot.svg")
        var arguments = ["plot", "--quiet", "--features", features, "--output", svgURL.path, "--real"] + real + ["--fake"] + fake
        if model { arguments += ["--model", try Self.logisticModel.get().path] }
        if model && features == "durall" { return }  // the model is a sectors model; plot refuses the mix (tested elsewhere)
        let run = try Specdet.run(arguments)
        #expect(run.status == 0, "\(run.stderr)")
        let svg = try String(contentsOf: svgURL, encoding: .utf8)
        let (width, height) = try Self.canvasSize(svg)
        let pixels = try Self.renderWithMargin(svg, width: width, height: height, folder: folder)
        let outsideValue = pixels.pixels[0]
        #expect(outsideValue != 255, "the margin must not be white")
        var outside = 0, first: (Int, Int)?
        for y in 0..<pixels.height {
            for x in 0..<pixels.width {
                let inside = (Self.margin..<Self.margin + width).contains(x) && (Self.margin..<Self.margin + height).contains(y)
                if !inside && pixels.pixels[y * pixels.width + x] != outsideValue {
                    outside += 1
                    if first == nil { first = (x - Self.margin, y - Self.margin) }
                }
            }
        }
        #expect(outside == 0, "\(outside) pixels drawn outside the \(width)x\(height) canvas, the first at \(first.map { "\($0)" } ?? "")")
    }

    /// The report's figures (the histogram, the ROC curve, the profiles against the class
    /// means), each inline `<svg>` of the page rendered alone, stay on their canvases too.
    @Test(.enabled(if: rsvg != nil, "rsvg-convert is not installed (Debian: librsvg2-bin; make test-deps installs it)"))
    func theReportsFiguresStayOnTheirCanvas() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = folder.appendingPathComponent("report.html")
        let run = try Specdet.run(["report", "--quiet", "--thumbnails", "2", "--threshold", "0.93", "Fixtures/images/odd", "--real",
                                   "Fixtures/images/dcgan64/real", "--fake", "Fixtures/images/dcgan64/fake", "-o", report.path])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOf: report, encoding: .utf8)
        let figures = html.components(separatedBy: "<svg ").dropFirst().map { "<svg " + $0.components(separatedBy: "</svg>")[0] + "</svg>" }
        #expect(figures.count == 4)  // the histogram, the ROC curve, two profiles
        for figure in figures {
            let (width, height) = try Self.canvasSize(figure)
            let pixels = try Self.renderWithMargin(figure, width: width, height: height, folder: folder)
            let outside = pixels.pixels.indices.filter { index in
                let x = index % pixels.width - Self.margin, y = index / pixels.width - Self.margin
                return !((0..<width).contains(x) && (0..<height).contains(y)) && pixels.pixels[index] != pixels.pixels[0]
            }
            #expect(outside.isEmpty, "\(outside.count) pixels outside the \(width)x\(height) canvas of \(figure.prefix(300))")
        }
    }

    /// The `width` and `height` of the root element.
    static func canvasSize(_ svg: String) throws -> (Int, Int) {
        func attribute(_ name: String) throws -> Int {
            let pattern = try NSRegularExpression(pattern: "<svg [^>]*\\b\(name)=\"([0-9]+)\"")
            let match = try #require(pattern.firstMatch(in: svg, range: NSRange(svg.startIndex..., in: svg)))
            return Int(svg[Range(match.range(at: 1), in: svg)!])!
        }
        return (try attribute("width"), try attribute("height"))
    }

    /// The SVG drawn by rsvg-convert on a green page that extends `margin` pixels beyond the
    /// canvas on every side (the canvas's own white background kept to the canvas), as luma.
    static func renderWithMargin(_ svg: String, width: Int, height: Int, folder: URL) throws -> GrayImage {
        let m = margin
        let widened = svg
            .replacingOccurrences(of: "width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\"",
                                  with: "width=\"\(width + 2 * m)\" height=\"\(height + 2 * m)\" viewBox=\"\(-m) \(-m) \(width + 2 * m) \(height + 2 * m)\"")
            .replacingOccurrences(of: "<rect width=\"100%\" height=\"100%\"", with: "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\"")
        #expect(widened.contains("viewBox=\"\(-m) \(-m)"), "the SVG's root element is not as expected")
        let input = folder.appendingPathComponent("widened.svg"), output = folder.appendingPathComponent("widened.png")
        try widened.write(to: input, atomically: true, encoding: .utf8)
        let run = try TimedProcess.run(try #require(rsvg), ["--background-color=#00ff00", "--output", output.path, input.path])
        #expect(run.exited(0), "\(run.stderr)")
        return try ImageDecoder.decode(path: output.path)
    }
}
