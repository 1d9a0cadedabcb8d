import Foundation

/// A linear axis with "nice" ends and ticks (steps of 1, 2 or 5 times a power of ten).
struct SVGAxis {
    let lower: Double
    let upper: Double
    let step: Double

    /// The smallest nice range covering the finite `values` (and `including`, if given) with
    /// about `ticks` steps; 0…1 when there is no finite value, ±10 % around a single value.
    init(covering values: [Double], including: Double? = nil, ticks: Int = 5) {
        let finite = values.filter(\.isFinite) + (including.map { [$0] } ?? [])
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if high <= low {
            let pad = low == 0 ? 1 : abs(low) / 10
            (low, high) = (low - pad, high + pad)
        }
        let raw = (high - low) / Double(ticks)
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw * (1 - 1e-9) }!
        self.step = step
        // The 1e-9 keeps a value on a tick, up to rounding, from adding a whole step.
        self.lower = (low / step + 1e-9).rounded(.down) * step
        self.upper = (high / step - 1e-9).rounded(.up) * step
    }

    /// The tick values from `lower` to `upper`.
    var ticks: [Double] {
        let count = Int(((upper - lower) / step).rounded())
        return (0...count).map { index in
            let value = lower + Double(index) * step
            return abs(value) < step * 1e-9 ? 0 : value
        }
    }

    /// A tick label with as many decimals as the step needs.
    func label(_ value: Double) -> String {
        String(format: "%.\(max(0, Int(-log10(step).rounded(.down))))f", value)
    }
}

/// A rectangle in pixels.
struct SVGBox {
    var x: Double
    var y: Double
    var width: Double
    var height: Double
}

/// One chart panel: a box, an x and a y axis, and shapes drawn in data coordinates.
///
/// The panel's `<g>` carries `data-panel`, `data-box` (`x y width height` in pixels),
/// `data-x-domain` and `data-y-domain` (`lower upper`), so a reader can map any plotted point
/// back to data: `x = xLower + (px − boxX) / boxWidth · (xUpper − xLower)`, and y likewise
/// from the bottom of the box.
struct SVGPanel {
    let name: String
    let box: SVGBox
    let xAxis: SVGAxis
    let yAxis: SVGAxis

    func px(_ x: Double) -> Double {
        box.x + (x - xAxis.lower) / (xAxis.upper - xAxis.lower) * box.width
    }

    func py(_ y: Double) -> Double {
        box.y + box.height - (y - yAxis.lower) / (yAxis.upper - yAxis.lower) * box.height
    }

    static let titleLeading = 17.0

    /// A panel title broken into lines that fit `width` pixels (13 px bold).
    static func titleLines(_ title: String, width: Double) -> [String] {
        SVGText.wrap(title, width: width, size: 13, bold: true)
    }

    /// The height a title takes above a panel's box.
    static func titleHeight(_ title: String?, width: Double) -> Double {
        title.map { Double(titleLines($0, width: width).count) * titleLeading + 4 } ?? 0
    }

    /// Opens the panel's group and draws its grid, ticks and labels (a title wrapped to the
    /// box's width, its last line 8 px above the box); close it with `end()`.
    func begin(_ svg: inout SVGDocument, title: String?, xLabel: String?, yLabel: String) {
        svg.begin("g", [("class", "panel"), ("data-panel", name),
                        ("data-box", [box.x, box.y, box.width, box.height].map { $0.description }.joined(separator: " ")),
                        ("data-x-domain", "\(xAxis.lower) \(xAxis.upper)"),
                        ("data-y-domain", "\(yAxis.lower) \(yAxis.upper)")])
        if let title {
            let lines = Self.titleLines(title, width: box.width)
            svg.lines(lines, x: box.x, y: box.y - 8 - Self.titleLeading * Double(lines.count - 1), size: 13,
                      leading: Self.titleLeading, bold: true)
        }
        let bottom = box.y + box.height, right = box.x + box.width
        for tick in yAxis.ticks {
            let y = SVGDocument.coordinate(py(tick))
            svg.element("line", [("x1", SVGDocument.coordinate(box.x)), ("x2", SVGDocument.coordinate(right)),
                                 ("y1", y), ("y2", y), ("stroke", tick == 0 ? "#888" : "#e4e4e4")])
            svg.element("text", [("x", SVGDocument.coordinate(box.x - 6)), ("y", y), ("text-anchor", "end"),
                                 ("dominant-baseline", "middle")], text: yAxis.label(tick))
        }
        for tick in xAxis.ticks {
            let x = SVGDocument.coordinate(px(tick))
            svg.element("line", [("x1", x), ("x2", x), ("y1", SVGDocument.coordinate(box.y)),
                                 ("y2", SVGDocument.coordinate(bottom)), ("stroke", "#e4e4e4")])
            svg.element("text", [("x", x), ("y", SVGDocument.coordinate(bottom + 16)), ("text-anchor", "middle")],
                        text: xAxis.label(tick))
        }
        svg.element("rect", [("x", SVGDocument.coordinate(box.x)), ("y", SVGDocument.coordinate(box.y)),
                             ("width", SVGDocument.coordinate(box.width)), ("height", SVGDocument.coordinate(box.height)),
                             ("fill", "none"), ("stroke", "#444")])
        if let xLabel {
            svg.element("text", [("x", SVGDocument.coordinate(box.x + box.width / 2)),
                                 ("y", SVGDocument.coordinate(bottom + 36)), ("text-anchor", "middle")], text: xLabel)
        }
        let labelX = SVGDocument.coordinate(box.x - 58), labelY = SVGDocument.coordinate(box.y + box.height / 2)
        svg.element("text", [("x", labelX), ("y", labelY), ("text-anchor", "middle"),
                             ("transform", "rotate(-90 \(labelX) \(labelY))")], text: yLabel)
    }

    /// The pixel points of the finite `(x, y)` pairs, as an SVG `points` list.
    private func points(_ xs: [Double], _ ys: [Double]) -> [String] {
        zip(xs, ys).filter { $0.1.isFinite }.map { SVGDocument.coordinate(px($0.0)) + "," + SVGDocument.coordinate(py($0.1)) }
    }

    /// A polyline through the finite values at the indices `drawn` (all when nil), carrying
    /// every value in `data-values` and the drawn indices in `data-drawn` (`first last`);
    /// dashed with `dash` (an SVG `stroke-dasharray`) if given.
    func line(_ svg: inout SVGDocument, series: String, xs: [Double], ys: [Double], color: String, dash: String? = nil,
              drawn: ClosedRange<Int>? = nil, width: Double = 1.8) {
        let shown = drawn ?? 0...max(xs.count - 1, 0)
        let kept = xs.isEmpty ? [] : Array(shown.clamped(to: 0...xs.count - 1))
        svg.element("polyline", [("data-series", series), ("data-values", ys.map(\.description).joined(separator: " ")),
                                 ("data-drawn", "\(shown.lowerBound) \(shown.upperBound)"),
                                 ("points", points(kept.map { xs[$0] }, kept.map { ys[$0] }).joined(separator: " ")),
                                 ("fill", "none"), ("stroke-linejoin", "round")]
                    + Self.stroke(color, dash: dash, width: width))
    }

    /// The stroke of every curve (and of its legend sample): 1.8 px in `color`, dashed with `dash`.
    static func stroke(_ color: String, dash: String?, width: Double = 1.8) -> [(String, String)] {
        [("stroke", color), ("stroke-width", width.description)] + (dash.map { [("stroke-dasharray", $0)] } ?? [])
    }

    /// A translucent band from `lower` to `upper` over the indices `drawn` (all when nil),
    /// skipping bins where either is not finite.
    func band(_ svg: inout SVGDocument, series: String, xs: [Double], lower: [Double], upper: [Double], color: String,
              drawn: ClosedRange<Int>? = nil) {
        let keep = xs.indices.filter { lower[$0].isFinite && upper[$0].isFinite && (drawn?.contains($0) ?? true) }
        let outline = points(keep.map { xs[$0] }, keep.map { upper[$0] })
            + points(keep.reversed().map { xs[$0] }, keep.reversed().map { lower[$0] })
        svg.element("polygon", [("data-series", series), ("points", outline.joined(separator: " ")),
                                ("fill", color), ("fill-opacity", "0.22"), ("stroke", "none")])
    }
}
