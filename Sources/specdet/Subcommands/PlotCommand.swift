import ArgumentParser
import Foundation
import SpecdetClassify
import SpecdetProfile
import SpecdetSupport

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Plot the mean spectral profiles of real and fake images as SVG.",
        discussion: """
            Draws, over spatial frequency, the mean ± one standard deviation (population, over \
            the images of each set) of the profiles of the real and of the fake images, and \
            beneath it their relative error per band (mean fake / mean real − 1). With --model, \
            a third panel shows the classifier's weight per band, acting on the raw profile \
            (divided by the scaler's std when the model standardises); an RBF SVM has none, and \
            the panel is left out. Each part of a profile (durall: all angles; sectors: the axis and \
            the diagonal profile, drawn solid and dashed) has its own x axis: its bin i of N at \
            x = i / (N − 1), bin 0 being ring 1, the last bin ring floor(r_max) − 1 (r_max: the \
            corner radius). A set's curve is drawn only where every image of the set has \
            samples of the part's sector (the axis sector of a square image ends near x = 0.77, \
            the diagonal one of an even size starts after ring 1; elsewhere a profile repeats \
            the nearest sampled ring); --csv keeps every bin. The SVG is plain \
            XML for a browser; each curve carries its numbers in data-values. --real and --fake \
            also take CSV files written by `specdet profile`. Inputs that fail are reported and left out.

            Example:
              specdet plot --real Fixtures/images/ae128_convtranspose/real \\
                --fake Fixtures/images/ae128_convtranspose/fake \\
                --output spectra.svg --csv spectra.csv
            """
    )

    @OptionGroup var inputs: LabelledInputOptions

    @Option(help: ArgumentHelp(
        "Also draw the weight per band of this model (written by `specdet train`); its --bins must match.",
        valueName: "MODEL.json"))
    var model: String?

    @Option(help: ArgumentHelp(
        "Also write the plotted numbers as CSV: bin,part,frequency,mean_real,std_real,mean_fake,std_fake,relative_error[,weight].",
        valueName: "FILE"))
    var csv: String?

    @OptionGroup var output: OutputOptions
    @OptionGroup var features: FeatureOptions
    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        if (csv == "-") && (output.output ?? "-") == "-" {
            throw ValidationError("the SVG and the --csv numbers cannot both go to standard output")
        }
    }

    func run() throws {
        try OutputGuard.refuse(reading: [model], writing: [output.output, csv])
        let detector = try model.map { path throws(SpecdetError) in try ModelFile.load(path) }
        let configuration = features.configuration(fallback: detector?.feature ?? FeatureOptions.standard)
        if let detector, detector.feature != configuration {
            throw SpecdetError(.usage, "the model was trained on \(detector.feature.features.rawValue) profiles of \(detector.feature.bins) bins; "
                                 + "give --features \(detector.feature.features.rawValue) --bins \(detector.feature.bins), or neither")
        }
        if let detector, detector.bandWeights == nil, !runOptions.quiet {
            StandardError.write("specdet: warning: the model (an RBF SVM) has no weight per band: the plot has no weight panel\n")
        }
        let diagnostics = try OutputSink.writingAll(to: [output.output ?? "-", csv]) { sinks in
            let labelled = try LabelledInputs(real: inputs.real, fake: inputs.fake, configuration: configuration,
                                              protecting: sinks.compactMap { $0?.existingIdentity })
            let imageRun = ImageRun(configuration: configuration, options: runOptions)
            let profiles = try labelled.profile(with: imageRun)
            guard profiles.realCount > 0, profiles.fakeCount > 0 else {
                throw SpecdetError(.usage, "a plot needs profiles of both sets; got \(profiles.realCount) real and \(profiles.fakeCount) fake")
            }
            // Once per size: many images share one.
            var sampledBySize: [ImageSize: [ClosedRange<Int>]?] = [:]
            let sampledBins = profiles.sizes.map { size -> [ClosedRange<Int>]? in
                guard let size else { return nil }
                if let known = sampledBySize[size] { return known }
                let bins = ProfileExtractor.sampledBins(width: size.width, height: size.height, configuration: configuration)
                sampledBySize[size] = bins
                return bins
            }
            let comparison = ProfileComparison(features: profiles.features, labels: profiles.labels, configuration: configuration,
                                               sampledBins: sampledBins)
            let weights = detector?.bandWeights
            let plot = SVGSpectrumPlot(comparison: comparison, weights: weights,
                                       realName: Self.setName(inputs.real), fakeName: Self.setName(inputs.fake))
            try sinks[1]?.write(ComparisonCSV.text(comparison, weights: weights?.values))
            try sinks[0]!.write(plot.document)
            return imageRun.diagnostics
        }
        try diagnostics.finish()
    }

    /// A set's arguments for the title: up to two, each at most 60 characters (the middle
    /// elided), then how many more.
    static func setName(_ arguments: [String]) -> String {
        let shown = arguments.prefix(2).map { $0.count <= 60 ? $0 : $0.prefix(24) + "…" + $0.suffix(35) }
            .joined(separator: ", ")
        return arguments.count > 2 ? shown + " and \(arguments.count - 2) more" : shown
    }
}
