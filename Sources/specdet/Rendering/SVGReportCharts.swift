import Foundation
import SpecdetClassify

/// The small figures of a report, each an `<svg>` element for the HTML page (see `SVGPanel`
/// for the `data-*` attributes that map their points back to data).
enum SVGReportCharts {
    /// Bars of how many inputs fall in each equal bin of P(fake) over [0, 1], with the
    /// threshold drawn as a dashed red line.
    static func histogram(_ counts: [Int], threshold: Double) -> String {
        let width = 640, height = 250
        let box = SVGBox(x: 74, y: 40, width: 546, height: 150)
        let total = counts.reduce(0, +)
        let title = "P(fake) of the \(total) scored input\(total == 1 ? "" : "s"), in bins of \(1 / Double(counts.count))"
        var svg = SVGDocument(width: width, height: height, title: title)
        let panel = SVGPanel(name: "histogram", box: box, xAxis: SVGAxis(covering: [0, 1]),
                             yAxis: SVGAxis(covering: counts.map(Double.init), including: 0, ticks: 4))
        panel.begin(&svg, title: title, xLabel: "P(fake) (no unit)", yLabel: "inputs")
        for (bin, count) in counts.enumerated() where count > 0 {
            let x0 = panel.px(Double(bin) / Double(counts.count)), x1 = panel.px(Double(bin + 1) / Double(counts.count))
            let top = panel.py(Double(count))
            svg.element("rect", [("x", SVGDocument.coordinate(x0 + 1)), ("y", SVGDocument.coordinate(top)),
                                 ("width", SVGDocument.coordinate(max(x1 - x0 - 2, 1))),
                                 ("height", SVGDocument.coordinate(box.y + box.height - top)),
                                 ("fill", Double(bin + 1) / Double(counts.count) <= threshold ? SVGSpectrumPlot.realColor : "#888"),
                                 ("data-count", String(count))])
        }
        let x = panel.px(threshold)
        svg.element("line", [("class", "threshold"), ("x1", SVGDocument.coordinate(x)), ("x2", SVGDocument.coordinate(x)),
                             ("y1", SVGDocument.coordinate(box.y)), ("y2", SVGDocument.coordinate(box.y + box.height)),
                             ("stroke", SVGSpectrumPlot.fakeColor), ("stroke-width", "2"), ("stroke-dasharray", "5 3")])
        let label = "threshold \(String(format: "%.4g", threshold)): fake at or above"
        let rightward = x + 4 + SVGText.width(label, size: 12) <= box.x + box.width
        svg.element("text", [("x", SVGDocument.coordinate(rightward ? x + 4 : x - 4)), ("y", SVGDocument.coordinate(box.y + 14)),
                             ("text-anchor", rightward ? "start" : "end"), ("fill", SVGSpectrumPlot.fakeColor)], text: label)
        svg.end()
        return svg.inlineText
    }

    /// A ROC curve (false- against true-positive rate) with the diagonal of chance and the
    /// operating point at the threshold.
    static func roc(_ curve: ROCCurve, auc: Double?, point: (fpr: Double, tpr: Double)) -> String {
        let width = 380, height = 340
        let box = SVGBox(x: 74, y: 40, width: 284, height: 230)
        let title = "ROC curve" + (auc.map { String(format: ", AUC %.4f", $0) } ?? "")
        var svg = SVGDocument(width: width, height: height, title: title)
        let panel = SVGPanel(name: "roc", box: box, xAxis: SVGAxis(covering: [0, 1]), yAxis: SVGAxis(covering: [0, 1]))
        panel.begin(&svg, title: title, xLabel: "false-positive rate (reals called fake)", yLabel: "true-positive rate")
        panel.line(&svg, series: "chance", xs: [0, 1], ys: [0, 1], color: "#999", dash: "4 4", width: 1)
        // The curve from (0, 0) to (1, 1): its points run from the highest threshold down.
        panel.line(&svg, series: "roc", xs: [0] + curve.falsePositiveRates + [1], ys: [0] + curve.truePositiveRates + [1],
                   color: SVGSpectrumPlot.errorColor)
        svg.element("circle", [("class", "operating-point"), ("cx", SVGDocument.coordinate(panel.px(point.fpr))),
                               ("cy", SVGDocument.coordinate(panel.py(point.tpr))), ("r", "5"), ("fill", SVGSpectrumPlot.fakeColor)])
        svg.end()
        return svg.inlineText
    }

    /// One panel per part of a profile: the input's profile (black, over the bins `drawn`
    /// holds for the part) against the real class mean ± one SD (blue) and the fake class mean
    /// (red, dashed) when the model has them.
    static func profile(_ features: [Float], parts: [(name: String, bins: Range<Int>)], drawn: [ClosedRange<Int>]?,
                        classMeans: ClassMeans?) -> String {
        let panelWidth = 330.0, width = Int(panelWidth) * parts.count, height = 236
        var svg = SVGDocument(width: width, height: height, title: "the input's profile against the model's class means")
        for (index, part) in parts.enumerated() {
            let box = SVGBox(x: Double(index) * panelWidth + 72, y: 30, width: panelWidth - 86, height: 150)
            let xs = part.bins.map { part.bins.count > 1 ? Double($0 - part.bins.lowerBound) / Double(part.bins.count - 1) : 0 }
            let own = part.bins.map { Double(features[$0]) }
            var values = own
            if let classMeans {
                values += part.bins.flatMap { [classMeans.real[$0] - classMeans.realStd[$0], classMeans.real[$0] + classMeans.realStd[$0],
                                               classMeans.fake[$0]] }
            }
            let panel = SVGPanel(name: "profile-\(part.name)", box: box, xAxis: SVGAxis(covering: [0, 1]),
                                 yAxis: SVGAxis(covering: values, ticks: 4))
            panel.begin(&svg, title: part.name == "all" ? "all angles" : "\(part.name) sector", xLabel: "frequency (0: ring 1, 1: corner)",
                        yLabel: "profile")
            if let classMeans {
                let real = part.bins.map { classMeans.real[$0] }, std = part.bins.map { classMeans.realStd[$0] }
                panel.band(&svg, series: "real-band", xs: xs, lower: zip(real, std).map { $0 - $1 }, upper: zip(real, std).map { $0 + $1 },
                           color: SVGSpectrumPlot.realColor)
                panel.line(&svg, series: "real-mean", xs: xs, ys: real, color: SVGSpectrumPlot.realColor)
                panel.line(&svg, series: "fake-mean", xs: xs, ys: part.bins.map { classMeans.fake[$0] }, color: SVGSpectrumPlot.fakeColor,
                           dash: "6 3")
            }
            let shown = drawn.map { ranges in
                ranges[index].lowerBound - part.bins.lowerBound...ranges[index].upperBound - part.bins.lowerBound
            }
            panel.line(&svg, series: "input", xs: xs, ys: own, color: "#111", drawn: shown, width: 2)
            svg.end()
        }
        return svg.inlineText
    }
}
