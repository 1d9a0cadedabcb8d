import Foundation

/// The figure of `specdet plot` as one SVG document: the mean ± one standard deviation of the
/// real and the fake profiles, their relative error per band beneath, and optionally a
/// classifier's weight per band.
///
/// Every curve carries its numbers in `data-values` and every panel its axes in `data-*`
/// attributes (see `SVGPanel`), so the plotted points can be checked against the data.
struct SVGSpectrumPlot {
    let comparison: ProfileComparison
    let weights: BandWeights?
    /// How the real and the fake sets are named in the title (their command-line arguments).
    let realName: String
    let fakeName: String

    static let realColor = "#1f77b4"
    static let fakeColor = "#d62728"
    static let errorColor = "#6a3d9a"
    static let width = 960
    static let xLabel = "spatial frequency (fraction of the corner radius: 0 = ring 1, 1 = ring ⌊r_max⌋ − 1)"

    var document: String {
        let c = comparison
        let left = 92.0, plotWidth = Double(Self.width) - left - 28
        let mainBox = SVGBox(x: left, y: 96, width: plotWidth, height: 360)
        let errorBox = SVGBox(x: left, y: mainBox.y + mainBox.height + 84, width: plotWidth, height: 170)
        let weightBox = SVGBox(x: left, y: errorBox.y + errorBox.height + 84, width: plotWidth, height: 170)
        let height = Int((weights == nil ? errorBox : weightBox).y + 170 + 56)
        let x = c.frequency
        let xAxis = SVGAxis(covering: [0, 1])

        let title = "Spectral profiles, real vs fake: mean ± one standard deviation (\(x.count) bins)"
        let sets = [("real", realName, c.realCount), ("fake", fakeName, c.fakeCount)].map { label, name, count in
            "\(label): \(name) (\(count) image\(count == 1 ? "" : "s"))"
        }
        var svg = SVGDocument(width: Self.width, height: height, title: ([title] + sets).joined(separator: "; "))
        svg.element("text", [("x", "\(left)"), ("y", "28"), ("font-size", "17"), ("font-weight", "bold")], text: title)
        for (index, line) in sets.enumerated() {
            svg.element("text", [("x", "\(left)"), ("y", "\(50 + 18 * index)"), ("font-size", "13")], text: line)
        }

        let lower = zip(c.meanReal, c.stdReal).map { $0 - $1 } + zip(c.meanFake, c.stdFake).map { $0 - $1 }
        let upper = zip(c.meanReal, c.stdReal).map { $0 + $1 } + zip(c.meanFake, c.stdFake).map { $0 + $1 }
        let main = SVGPanel(name: "profiles", box: mainBox, xAxis: xAxis, yAxis: SVGAxis(covering: lower + upper))
        main.begin(&svg, title: nil, xLabel: Self.xLabel, yLabel: "20·ln|F|, normalised to the first bin")
        let curves = [("real", c.meanReal, c.stdReal, c.realCount, Self.realColor),
                      ("fake", c.meanFake, c.stdFake, c.fakeCount, Self.fakeColor)]
        for (name, mean, std, _, color) in curves {
            main.band(&svg, series: "\(name)-band", xs: x, lower: zip(mean, std).map { $0 - $1 },
                      upper: zip(mean, std).map { $0 + $1 }, color: color)
        }
        for (name, mean, _, _, color) in curves {
            main.line(&svg, series: "\(name)-mean", xs: x, ys: mean, color: color)
        }
        legend(&svg, box: mainBox, entries: curves.map { ("\($0.0): mean ± 1 SD (n = \($0.3))", $0.4) })
        svg.end()

        let error = SVGPanel(name: "relative-error", box: errorBox, xAxis: xAxis,
                             yAxis: SVGAxis(covering: c.relativeError, including: 0, ticks: 4))
        error.begin(&svg, title: "Relative spectral error per band: mean fake / mean real − 1",
                    xLabel: Self.xLabel, yLabel: "fake / real − 1")
        error.line(&svg, series: "relative-error", xs: x, ys: c.relativeError, color: Self.errorColor)
        svg.end()

        switch weights {
        case nil:
            break
        case .linear(let values, let description):
            let panel = SVGPanel(name: "weights", box: weightBox, xAxis: xAxis,
                                 yAxis: SVGAxis(covering: values, including: 0, ticks: 4))
            panel.begin(&svg, title: "Classifier weight per band: \(description); > 0 leans fake",
                        xLabel: Self.xLabel, yLabel: "weight")
            let binWidth = x.count > 1 ? 0.8 / Double(x.count - 1) : 0.8
            panel.bars(&svg, series: "weights", xs: x, values: values, width: binWidth,
                       positive: Self.fakeColor, negative: Self.realColor)
            svg.end()
        case .unavailable(let reason):
            svg.begin("g", [("class", "panel"), ("data-panel", "weights")])
            svg.element("text", [("x", "\(left)"), ("y", "\(weightBox.y - 8)"), ("font-size", "13"), ("font-weight", "bold")],
                        text: "Classifier weight per band")
            svg.element("rect", [("x", "\(left)"), ("y", "\(weightBox.y)"), ("width", "\(plotWidth)"),
                                 ("height", "\(weightBox.height)"), ("fill", "#f6f6f6"), ("stroke", "#444")])
            svg.element("text", [("x", "\(left + plotWidth / 2)"), ("y", "\(weightBox.y + weightBox.height / 2)"),
                                 ("text-anchor", "middle"), ("dominant-baseline", "middle"), ("font-size", "14")],
                        text: reason)
            svg.end()
        }
        return svg.text
    }

    /// A boxed legend in the top-right corner of `box`: a band swatch crossed by its line.
    private func legend(_ svg: inout SVGDocument, box: SVGBox, entries: [(String, String)]) {
        let width = 250.0, x = box.x + box.width - width - 10, y = box.y + 10
        svg.begin("g", [("class", "legend")])
        svg.element("rect", [("x", SVGDocument.coordinate(x)), ("y", SVGDocument.coordinate(y)), ("width", "\(width)"),
                             ("height", "\(12 + 22 * entries.count)"), ("fill", "white"), ("fill-opacity", "0.85"),
                             ("stroke", "#999")])
        for (index, (label, color)) in entries.enumerated() {
            let rowY = y + 17 + 22 * Double(index)
            svg.element("rect", [("x", SVGDocument.coordinate(x + 10)), ("y", SVGDocument.coordinate(rowY - 6)),
                                 ("width", "28"), ("height", "12"), ("fill", color), ("fill-opacity", "0.22")])
            svg.element("line", [("x1", SVGDocument.coordinate(x + 10)), ("x2", SVGDocument.coordinate(x + 38)),
                                 ("y1", SVGDocument.coordinate(rowY)), ("y2", SVGDocument.coordinate(rowY)),
                                 ("stroke", color), ("stroke-width", "1.8")])
            svg.element("text", [("x", SVGDocument.coordinate(x + 46)), ("y", SVGDocument.coordinate(rowY)),
                                 ("dominant-baseline", "middle")], text: label)
        }
        svg.end()
    }
}
