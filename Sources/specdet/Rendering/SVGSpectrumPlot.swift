import SpecdetClassify
import Foundation

/// The figure of `specdet plot` as one SVG document: the mean ± one standard deviation of the
/// real and the fake profiles, their relative error per band beneath, and optionally a
/// classifier's weight per band. Each part of the profile (`ProfileComparison.parts`) is its
/// own curve over x = 0…1, the first solid, the next dashed; series are named after the set
/// and the part (`real-axis-mean`, `relative-error-diagonal`, `weights-all`).
///
/// A set's curve of a part is drawn only over the bins where every profile of the set had
/// samples of that part's sector (`ProfileComparison.realSampled`); beyond, a `sectors`
/// profile only repeats its sector's last sampled ring. The relative error is drawn where
/// both sets are sampled; weights everywhere. Text is wrapped to the canvas (`SVGText`).
///
/// Every curve carries its numbers in `data-values` and the drawn bins in `data-drawn`, and
/// every panel its axes in `data-*` attributes (see `SVGPanel`), so the plotted points can be
/// checked against the data.
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
    static let xLabel = "spatial frequency (no unit): 0 = ring 1, 1 = ring ⌊r_max⌋ − 1, r_max the corner radius"
    static let yLabel = "20·ln|F| ÷ its all-angle mean on ring 1"
    /// Stroke dash patterns of the parts, in order (none: solid).
    static let dashes: [String?] = [nil, "7 4", "2 3"]
    /// The rule for where curves stop, said in the figure when a profile has sectors.
    static let samplingNote = "A curve is drawn only where every image of its set has samples of the part's sector "
        + "(for square images the axis sector ends near 0.77, and the diagonal one starts after ring 1 when the size is even): "
        + "elsewhere a profile only repeats the sector's nearest sampled ring."

    var document: String {
        let c = comparison
        let left = 92.0, textLeft = 20.0, plotWidth = Double(Self.width) - left - 28, textWidth = Double(Self.width) - 2 * textLeft
        let parts = c.parts.enumerated().map { index, part in
            (name: part.name, bins: part.bins, xs: Array(c.frequency[part.bins]), dash: Self.dashes[index % Self.dashes.count])
        }
        let binsText = parts.count == 1 ? "\(c.frequency.count) bins"
            : "\(parts.map(\.name).joined(separator: " and ")), \(parts[0].bins.count) bins each"
        let title = "Spectral profiles, real vs fake (mean ± one SD; \(binsText))"
        let setTexts = [("real", realName, c.real.count), ("fake", fakeName, c.fake.count)].map { label, name, count in
            "\(label): \(name) (\(count) image\(count == 1 ? "" : "s"))"
        }
        let titleLines = SVGText.wrap(title, width: textWidth, size: 17, bold: true)
        let setLines = setTexts.flatMap { SVGText.wrap($0, width: textWidth, size: 13) }
        let noteLines = parts.count > 1 ? SVGText.wrap(Self.samplingNote, width: textWidth, size: 12) : []
        let partKey = parts.count == 1 ? ""
            : " (" + parts.map { "\($0.name): " + ($0.dash == nil ? "solid" : "dashed") }.joined(separator: ", ") + ")"
        let errorTitle = "Relative spectral error per band: mean fake / mean real − 1" + partKey
        let weightTitle = weights.map { "Classifier weight per band: \($0.description); > 0 leans fake" + partKey }

        // Layout, top to bottom.
        let headerLines: Double = 22 * Double(titleLines.count) + 18 * Double(setLines.count) + 16 * Double(noteLines.count)
        var y: Double = 30 + headerLines
        let mainBox = SVGBox(x: left, y: y, width: plotWidth, height: 360)
        y = mainBox.y + mainBox.height + 68
        y += SVGPanel.titleHeight(errorTitle, width: plotWidth)
        let errorBox = SVGBox(x: left, y: y, width: plotWidth, height: 170)
        y = errorBox.y + errorBox.height + 50
        var weightBox: SVGBox?
        if let weightTitle {
            y += 18 + SVGPanel.titleHeight(weightTitle, width: plotWidth)
            weightBox = SVGBox(x: left, y: y, width: plotWidth, height: 170)
            y += 170 + 50
        }
        let height = Int(y.rounded(.up)) + 10

        var svg = SVGDocument(width: Self.width, height: height, title: ([title] + setTexts).joined(separator: "; "))
        svg.lines(titleLines, x: textLeft, y: 30, size: 17, leading: 22, bold: true)
        var lineY = 30 + 22 * Double(titleLines.count)
        svg.lines(setLines, x: textLeft, y: lineY, size: 13, leading: 18)
        lineY += 18 * Double(setLines.count)
        svg.lines(noteLines, x: textLeft, y: lineY, size: 12, leading: 16)

        let lower = zip(c.real.mean, c.real.std).map { $0 - $1 } + zip(c.fake.mean, c.fake.std).map { $0 - $1 }
        let upper = zip(c.real.mean, c.real.std).map { $0 + $1 } + zip(c.fake.mean, c.fake.std).map { $0 + $1 }
        let main = SVGPanel(name: "profiles", box: mainBox, xAxis: SVGAxis(covering: [0, 1]), yAxis: SVGAxis(covering: lower + upper))
        main.begin(&svg, title: nil, xLabel: Self.xLabel, yLabel: Self.yLabel)
        let sets = [("real", c.real.mean, c.real.std, c.real.count, Self.realColor, c.realSampled),
                    ("fake", c.fake.mean, c.fake.std, c.fake.count, Self.fakeColor, c.fakeSampled)]
        for (name, mean, std, _, color, sampled) in sets {
            for part in parts {
                main.band(&svg, series: "\(name)-\(part.name)-band", xs: part.xs,
                          lower: part.bins.map { mean[$0] - std[$0] }, upper: part.bins.map { mean[$0] + std[$0] }, color: color,
                          drawn: Self.drawn(part.bins, sampled))
            }
        }
        var entries: [(label: String, color: String, dash: String?)] = []
        for (name, mean, _, count, color, sampled) in sets {
            for part in parts {
                main.line(&svg, series: "\(name)-\(part.name)-mean", xs: part.xs, ys: Array(mean[part.bins]), color: color,
                          dash: part.dash, drawn: Self.drawn(part.bins, sampled))
                let partText = parts.count == 1 ? "" : ", \(part.name)"
                entries.append(("\(name)\(partText): mean ± 1 SD (n = \(count))", color, part.dash))
            }
        }
        Self.legend(&svg, box: mainBox, entries: entries)
        svg.end()

        let error = SVGPanel(name: "relative-error", box: errorBox, xAxis: SVGAxis(covering: [0, 1]),
                             yAxis: SVGAxis(covering: c.relativeError, including: 0, ticks: 4))
        error.begin(&svg, title: errorTitle, xLabel: Self.xLabel, yLabel: "fake / real − 1")
        let bothSampled = zip(c.realSampled, c.fakeSampled).map { $0 && $1 }
        for part in parts {
            error.line(&svg, series: "relative-error-\(part.name)", xs: part.xs, ys: Array(c.relativeError[part.bins]),
                       color: Self.errorColor, dash: part.dash, drawn: Self.drawn(part.bins, bothSampled))
        }
        svg.end()

        if let (values, _) = weights, let weightBox, let weightTitle {
            let panel = SVGPanel(name: "weights", box: weightBox, xAxis: SVGAxis(covering: [0, 1]),
                                 yAxis: SVGAxis(covering: values, including: 0, ticks: 4))
            panel.begin(&svg, title: weightTitle, xLabel: Self.xLabel, yLabel: "weight per unit of profile")
            for part in parts {
                panel.line(&svg, series: "weights-\(part.name)", xs: part.xs, ys: Array(values[part.bins]),
                           color: Self.errorColor, dash: part.dash)
            }
            svg.end()
        }
        return svg.text
    }

    /// The part-relative indices of the longest run of `bins` where `sampled` holds (the
    /// sampled bins of a part are one run); the whole part when none is.
    static func drawn(_ bins: Range<Int>, _ sampled: [Bool]) -> ClosedRange<Int> {
        var best: ClosedRange<Int>?, start: Int?
        for index in bins.indices.map({ $0 - bins.lowerBound }) + [bins.count] {
            let on = index < bins.count && sampled[bins.lowerBound + index]
            if on, start == nil { start = index }
            if !on, let first = start {
                if best.map({ index - first > $0.count }) ?? true { best = first...index - 1 }
                start = nil
            }
        }
        return best ?? 0...max(bins.count - 1, 0)
    }

    /// A boxed legend in the top-right corner of `box`: a band swatch crossed by its line, as
    /// wide as its longest label.
    static func legend(_ svg: inout SVGDocument, box: SVGBox, entries: [(label: String, color: String, dash: String?)]) {
        let width = 58 + (entries.map { SVGText.width($0.label, size: 12) }.max() ?? 0)
        let x = box.x + box.width - width - 10, y = box.y + 10
        svg.begin("g", [("class", "legend")])
        svg.element("rect", [("x", SVGDocument.coordinate(x)), ("y", SVGDocument.coordinate(y)),
                             ("width", SVGDocument.coordinate(width)), ("height", "\(12 + 22 * entries.count)"),
                             ("fill", "white"), ("fill-opacity", "0.85"), ("stroke", "#999")])
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
