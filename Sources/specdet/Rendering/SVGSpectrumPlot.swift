import SpecdetClassify
import Foundation

/// The figure of `specdet plot` as one SVG document: the mean ± one standard deviation of the
/// real and the fake profiles, their relative error per band beneath, and optionally a
/// classifier's weight per band. Each part of the profile (`ProfileComparison.parts`) is its
/// own curve over x = 0…1, the first solid, the next dashed; series are named after the set
/// and the part (`real-axis-mean`, `relative-error-diagonal`, `weights-all`).
///
/// Every curve carries its numbers in `data-values` and every panel its axes in `data-*`
/// attributes (see `SVGPanel`), so the plotted points can be checked against the data.
struct SVGSpectrumPlot {
    let comparison: ProfileComparison
    /// The model's weight per band and what they are, if it has any.
    let weights: (values: [Double], description: String)?
    /// How the real and the fake sets are named in the title (their command-line arguments).
    let realName: String
    let fakeName: String

    static let realColor = "#1f77b4"
    static let fakeColor = "#d62728"
    static let errorColor = "#6a3d9a"
    static let width = 960
    static let xLabel = "spatial frequency (fraction of the corner radius: 0 = ring 1, 1 = ring ⌊r_max⌋ − 1)"
    /// Stroke dash patterns of the parts, in order (none: solid).
    static let dashes: [String?] = [nil, "7 4", "2 3"]

    var document: String {
        let c = comparison
        let left = 92.0, plotWidth = Double(Self.width) - left - 28
        let mainBox = SVGBox(x: left, y: 96, width: plotWidth, height: 360)
        let errorBox = SVGBox(x: left, y: mainBox.y + mainBox.height + 84, width: plotWidth, height: 170)
        let weightBox = SVGBox(x: left, y: errorBox.y + errorBox.height + 84, width: plotWidth, height: 170)
        let height = Int((weights == nil ? errorBox : weightBox).y + 170 + 56)
        let xAxis = SVGAxis(covering: [0, 1])
        let parts = c.parts.enumerated().map { index, part in
            (name: part.name, bins: part.bins, xs: Array(c.frequency[part.bins]), dash: Self.dashes[index % Self.dashes.count])
        }

        let binsText = parts.count == 1 ? "\(c.frequency.count) bins"
            : "\(parts.map(\.name).joined(separator: " and ")), \(parts[0].bins.count) bins each"
        let title = "Spectral profiles, real vs fake (mean ± one SD; \(binsText))"
        let setLines = [("real", realName, c.real.count), ("fake", fakeName, c.fake.count)].map { label, name, count in
            "\(label): \(name) (\(count) image\(count == 1 ? "" : "s"))"
        }
        var svg = SVGDocument(width: Self.width, height: height, title: ([title] + setLines).joined(separator: "; "))
        svg.element("text", [("x", "\(left)"), ("y", "28"), ("font-size", "17"), ("font-weight", "bold")], text: title)
        for (index, line) in setLines.enumerated() {
            svg.element("text", [("x", "\(left)"), ("y", "\(50 + 18 * index)"), ("font-size", "13")], text: line)
        }

        let lower = zip(c.real.mean, c.real.std).map { $0 - $1 } + zip(c.fake.mean, c.fake.std).map { $0 - $1 }
        let upper = zip(c.real.mean, c.real.std).map { $0 + $1 } + zip(c.fake.mean, c.fake.std).map { $0 + $1 }
        let main = SVGPanel(name: "profiles", box: mainBox, xAxis: xAxis, yAxis: SVGAxis(covering: lower + upper))
        main.begin(&svg, title: nil, xLabel: Self.xLabel, yLabel: "20·ln|F| ÷ its all-angle mean on ring 1")
        let sets = [("real", c.real.mean, c.real.std, c.real.count, Self.realColor),
                    ("fake", c.fake.mean, c.fake.std, c.fake.count, Self.fakeColor)]
        for (name, mean, std, _, color) in sets {
            for part in parts {
                main.band(&svg, series: "\(name)-\(part.name)-band", xs: part.xs,
                          lower: part.bins.map { mean[$0] - std[$0] }, upper: part.bins.map { mean[$0] + std[$0] }, color: color)
            }
        }
        var entries: [(label: String, color: String, dash: String?)] = []
        for (name, mean, _, count, color) in sets {
            for part in parts {
                main.line(&svg, series: "\(name)-\(part.name)-mean", xs: part.xs, ys: Array(mean[part.bins]), color: color,
                          dash: part.dash)
                let partText = parts.count == 1 ? "" : ", \(part.name)"
                entries.append(("\(name)\(partText): mean ± 1 SD (n = \(count))", color, part.dash))
            }
        }
        legend(&svg, box: mainBox, entries: entries)
        svg.end()

        let error = SVGPanel(name: "relative-error", box: errorBox, xAxis: xAxis,
                             yAxis: SVGAxis(covering: c.relativeError, including: 0, ticks: 4))
        let partKey = parts.count == 1 ? ""
            : " (" + parts.map { "\($0.name): " + ($0.dash == nil ? "solid" : "dashed") }.joined(separator: ", ") + ")"
        error.begin(&svg, title: "Relative spectral error per band: mean fake / mean real − 1" + partKey,
                    xLabel: Self.xLabel, yLabel: "fake / real − 1")
        for part in parts {
            error.line(&svg, series: "relative-error-\(part.name)", xs: part.xs, ys: Array(c.relativeError[part.bins]),
                       color: Self.errorColor, dash: part.dash)
        }
        svg.end()

        if let (values, description) = weights {
            let panel = SVGPanel(name: "weights", box: weightBox, xAxis: xAxis,
                                 yAxis: SVGAxis(covering: values, including: 0, ticks: 4))
            panel.begin(&svg, title: "Classifier weight per band: \(description); > 0 leans fake" + partKey,
                        xLabel: Self.xLabel, yLabel: "weight")
            for part in parts {
                panel.line(&svg, series: "weights-\(part.name)", xs: part.xs, ys: Array(values[part.bins]),
                           color: Self.errorColor, dash: part.dash)
            }
            svg.end()
        }
        return svg.text
    }

    /// A boxed legend in the top-right corner of `box`: a band swatch crossed by its line.
    private func legend(_ svg: inout SVGDocument, box: SVGBox, entries: [(label: String, color: String, dash: String?)]) {
        let width = 300.0, x = box.x + box.width - width - 10, y = box.y + 10
        svg.begin("g", [("class", "legend")])
        svg.element("rect", [("x", SVGDocument.coordinate(x)), ("y", SVGDocument.coordinate(y)), ("width", "\(width)"),
                             ("height", "\(12 + 22 * entries.count)"), ("fill", "white"), ("fill-opacity", "0.85"),
                             ("stroke", "#999")])
        for (index, (label, color, dash)) in entries.enumerated() {
            let rowY = y + 17 + 22 * Double(index)
            svg.element("rect", [("x", SVGDocument.coordinate(x + 10)), ("y", SVGDocument.coordinate(rowY - 6)),
                                 ("width", "28"), ("height", "12"), ("fill", color), ("fill-opacity", "0.22")])
            svg.element("line", [("x1", SVGDocument.coordinate(x + 10)), ("x2", SVGDocument.coordinate(x + 38)),
                                 ("y1", SVGDocument.coordinate(rowY)), ("y2", SVGDocument.coordinate(rowY))]
                        + SVGPanel.stroke(color, dash: dash))
            svg.element("text", [("x", SVGDocument.coordinate(x + 46)), ("y", SVGDocument.coordinate(rowY)),
                                 ("dominant-baseline", "middle")], text: label)
        }
        svg.end()
    }
}
