import Foundation
import SpecdetClassify
import SpecdetProfile

/// The evidence part of the report page: for each input of highest P(fake), its thumbnail, its
/// own centred log spectrum, its profile against the model's class means and the bands where
/// it departs most from the real class.
enum HTMLReportEvidence {
    /// How many departing bands each input lists.
    static let departureCount = 3

    static func section(_ ending: HTMLReport.Ending, flaggedLabel: String) -> String {
        let tally = ending.tally, model = ending.model
        var text = """
            <section id="evidence"><h2>Evidence</h2>
            <p class="note">The \(tally.limit) inputs of highest P(fake) inside the model's domain, then those outside it while places \
            remain (here \(ending.evidence.count)), have a thumbnail (the luma \
            specdet analysed, at most \(ReportEvidence.side) px on its longer side, gray JPEG quality \(ReportEvidence.quality)) and \
            the evidence below: their own centred log spectrum (DC at the centre, ±0.5 cycles/pixel on both axes, gray from the \
            0.5th to the 99.5th percentile), and their profile against the model's class means (the mean ± one SD of its real \
            training images, blue; the mean of its fakes, red, dashed). Those called fake are shown; click any row with a \
            thumbnail to open its own.\(ending.flaggedWithoutEvidence > 0 ? " \(ending.flaggedWithoutEvidence) more inputs called fake rank below these and have no evidence here (report --thumbnails N shows more)." : "")</p>

            """
        if model.classMeans == nil {
            text += "<p class=\"note\">This model file keeps no class means (it was trained before they were stored): profiles are "
                + "drawn alone. A model trained by this version of specdet train has them.</p>\n"
        }
        let configuration = model.feature
        let names = configuration.features.partNames.count == 1 ? ["all"] : configuration.features.partNames
        let size = configuration.bins / names.count
        let parts = names.enumerated().map { ($1, $0 * size..<($0 + 1) * size) }
        for evidence in ending.evidence {
            let candidate = evidence.candidate
            let label = tally.value("label", in: candidate.fields)
            let drawn = ProfileExtractor.sampledBins(width: candidate.size.width, height: candidate.size.height, configuration: configuration)
            text += "<article class=\"evidence\" id=\"e\(candidate.index)\" data-row=\"\(candidate.index)\"\(label == flaggedLabel ? "" : " hidden")>\n"
            text += "<h3>#\(candidate.index + 1) \(SVGDocument.escaped(candidate.path.display))</h3>\n"
            text += "<p>P(fake) " + String(format: "%.4f", candidate.probability) + ", \(SVGDocument.escaped(label.isEmpty ? "no label" : label)), "
                + "\(candidate.size.width)x\(candidate.size.height)</p>\n<div class=\"figures\">"
            if let thumbnail = evidence.thumbnail {
                text += "<figure><img class=\"thumb\" alt=\"thumbnail\" src=\"data:image/jpeg;base64,\(Data(thumbnail).base64EncodedString())\">"
                    + "<figcaption>the image (luma)</figcaption></figure>"
            }
            if let spectrum = evidence.spectrum {
                text += "<figure><img class=\"spectrum\" alt=\"centred log spectrum\" src=\"data:image/jpeg;base64,\(Data(spectrum).base64EncodedString())\">"
                    + "<figcaption>its centred log spectrum</figcaption></figure>"
            }
            text += "<div>" + SVGReportCharts.profile(candidate.features, parts: parts, drawn: drawn, classMeans: model.classMeans)
                + "<div class=\"key\"><span style=\"border-color:#111\"></span>this input"
                + (model.classMeans == nil ? "" : "<span style=\"border-color:\(SVGSpectrumPlot.realColor)\"></span>real mean ± 1 SD"
                   + "<span style=\"border-color:\(SVGSpectrumPlot.fakeColor);border-top-style:dashed\"></span>fake mean") + "</div></div></div>\n"
            if let problem = evidence.problem { text += "<p class=\"note\">No pictures: \(SVGDocument.escaped(problem)).</p>\n" }
            if let classMeans = model.classMeans {
                let departures = classMeans.departures(of: candidate.features, within: drawn, count: departureCount,
                                                       apart: binsPerRing(parts: parts, size: candidate.size))
                text += "<p>Where it departs most from the real class (|profile − real mean| ÷ real SD, over the bands its sectors "
                    + "sample):</p><ul>" + departures.map { "<li>\(describe($0, parts: parts, size: candidate.size, means: classMeans))</li>" }
                    .joined() + "</ul>\n"
            }
            text += "</article>\n"
        }
        return text + "</section>\n"
    }

    /// Bins of a part per kept spectral ring of an image of `size`, rounded up (at least 1).
    static func binsPerRing(parts: [(String, Range<Int>)], size: ImageSize) -> Int {
        let bins = parts.first?.1.count ?? 1
        return max(1, Int((Double(bins) / Double(max(keptRings(size) - 1, 1))).rounded(.up)))
    }

    /// The rings 1…floor(r_max) − 1 a part's bins span for an image of `size`.
    static func keptRings(_ size: ImageSize) -> Int {
        Int(hypot(Double(size.width - 1) / 2, Double(size.height - 1) / 2).rounded(.down)) - 1
    }

    /// `diagonal sector at 0.83 (ring 45, ≈ 0.35 cycles/pixel): 0.4120 against 0.5300 ± 0.0210, −5.6 SD`.
    static func describe(_ departure: ClassMeans.Departure, parts: [(String, Range<Int>)], size: ImageSize, means: ClassMeans) -> String {
        let (name, bins) = parts.first { $0.1.contains(departure.bin) } ?? parts[0]
        let position = bins.count > 1 ? Double(departure.bin - bins.lowerBound) / Double(bins.count - 1) : 0
        let kept = keptRings(size)
        let ring = 1 + position * Double(kept - 1)
        let frequency = size.width == size.height ? String(format: "%.3f", ring / Double(size.width))
            : String(format: "%.3f–%.3f", ring / Double(max(size.width, size.height)), ring / Double(min(size.width, size.height)))
        let where_ = name == "all" ? "all angles" : "\(name) sector"
        return "\(where_) at " + String(format: "%.2f (ring %.0f, ≈ ", position, ring) + frequency + " cycles/pixel): "
            + String(format: "%.4f against %.4f ± %.4f, %+.1f SD", departure.value, means.real[departure.bin],
                     means.realStd[departure.bin], departure.z)
    }
}
