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
            the panel says so. Each part of a profile (durall: all angles; sectors: the axis and \
            the diagonal profile, drawn solid and dashed) has its own x axis: its bin i of N at \
            x = i / (N − 1), bin 0 being ring 1, the last bin ring floor(r_max) − 1 (r_max: the \
            corner radius). The SVG is plain XML for a \
            browser; each curve carries its numbers in data-values. --real and --fake also \
            take CSV files written by `specdet profile`. Inputs that fail are reported and left out.

            Example:
              specdet plot --real Fixtures/images/ae128_convtranspose/real \\
                --fake Fixtures/images/ae128_convtranspose/fake \\
                --output spectra.svg --csv spectra.csv
            """
    )

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Real images: files, folders or profile CSVs.", valueName: "PATH"))
    var real: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Fake images: files, folders or profile CSVs.", valueName: "PATH"))
    var fake: [String] = []

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
        var detector: DetectorModel?
        if let model {
            do {
                detector = try DetectorModel.load(from: URL(fileURLWithPath: model))
            } catch {
                throw error.prefixed("cannot use the model '\(model)': ")
            }
        }
        let configuration = features.configuration(fallback: detector?.feature ?? FeatureOptions.standard)
        if let detector, detector.feature != configuration {
            throw SpecdetError(.usage, "the model was trained on \(detector.feature.features.rawValue) profiles of \(detector.feature.bins) bins; "
                                 + "give --features \(detector.feature.features.rawValue) --bins \(detector.feature.bins), or neither")
        }
        let inputs = try LabelledInputs(real: real, fake: fake, configuration: configuration)
        let imageRun = ImageRun(configuration: configuration, options: runOptions)
        let profiles = try inputs.profile(with: imageRun)
        guard profiles.realCount > 0, profiles.fakeCount > 0 else {
            throw SpecdetError(.usage, "a plot needs profiles of both sets; got \(profiles.realCount) real and \(profiles.fakeCount) fake")
        }
        let comparison = ProfileComparison(profiles, configuration: configuration)
        let weights = detector.map(BandWeights.init)
        let plot = SVGSpectrumPlot(comparison: comparison, weights: weights,
                                   realName: Self.setName(real), fakeName: Self.setName(fake))
        if let csv {
            try OutputSink.writing(to: csv) { try $0.write(comparison.csv(weights: weights)) }
        }
        try OutputSink.writing(to: output.output) { try $0.write(plot.document) }
        try imageRun.diagnostics.finish()
    }

    /// A set's arguments for the title: up to two, each at most 60 characters (the middle
    /// elided), then how many more.
    static func setName(_ arguments: [String]) -> String {
        let shown = arguments.prefix(2).map { $0.count <= 60 ? $0 : $0.prefix(24) + "…" + $0.suffix(35) }
            .joined(separator: ", ")
        return arguments.count > 2 ? shown + " and \(arguments.count - 2) more" : shown
    }
}

/// The per-bin statistics `plot` draws and `--csv` writes.
///
/// Convention: a profile is one or more parts (`parts`: durall's all-angle profile, or
/// sectors' axis and diagonal profiles of `bins / 2` values each); bin `i` of a part of `N`
/// bins sits at frequency `i / (N − 1)` of that part (bin 0 is ring 1, bin `N − 1` ring
/// `floor(r_max) − 1`, see `ProfileExtractor`). The mean and the standard deviation are over
/// the original profiles of one class, the population deviation (divided by n, numpy's
/// default), in `Double`; the relative error is `mean_fake / mean_real − 1`.
struct ProfileComparison {
    /// One part of the profile: its name and its bins.
    struct Part {
        let name: String
        let bins: Range<Int>
    }

    let parts: [Part]
    let frequency: [Double]
    let meanReal: [Double]
    let stdReal: [Double]
    let meanFake: [Double]
    let stdFake: [Double]
    let relativeError: [Double]
    let realCount: Int
    let fakeCount: Int

    init(_ profiles: LabelledProfiles, configuration: ProfileConfiguration) {
        func statistics(label: Int) -> (mean: [Double], std: [Double], count: Int) {
            let rows = profiles.features.indices.filter { profiles.labels[$0] == label && profiles.rounds[$0] == 0 }
                .map { profiles.features[$0] }
            let bins = rows[0].count, n = Double(rows.count)
            var mean = [Double](repeating: 0, count: bins), variance = mean
            for row in rows {
                for (j, value) in row.enumerated() { mean[j] += Double(value) }
            }
            mean = mean.map { $0 / n }
            for row in rows {
                for (j, value) in row.enumerated() { variance[j] += (Double(value) - mean[j]) * (Double(value) - mean[j]) }
            }
            return (mean, variance.map { ($0 / n).squareRoot() }, rows.count)
        }
        let real = statistics(label: 0), fake = statistics(label: 1)
        let names = configuration.features.partNames.count == 1 ? ["all"] : configuration.features.partNames
        let size = configuration.bins / names.count
        parts = names.enumerated().map { index, name in Part(name: name, bins: index * size..<(index + 1) * size) }
        frequency = parts.flatMap { part in
            part.bins.map { size > 1 ? Double($0 - part.bins.lowerBound) / Double(size - 1) : 0 }
        }
        (meanReal, stdReal, realCount) = real
        (meanFake, stdFake, fakeCount) = fake
        relativeError = zip(fake.mean, real.mean).map { $0 / $1 - 1 }
    }

    /// `bin,part,frequency,mean_real,std_real,mean_fake,std_fake,relative_error` and, for a
    /// model with per-band weights, `weight`: `bin` counts over the whole profile, `frequency`
    /// within the part; numbers in Swift's shortest round-trip form.
    func csv(weights: BandWeights?) -> String {
        var perBand: [Double]?
        if case .linear(let values, _) = weights { perBand = values }
        var text = CSV.row(["bin", "part", "frequency", "mean_real", "std_real", "mean_fake", "std_fake", "relative_error"]
                           + (perBand == nil ? [] : ["weight"]))
        for part in parts {
            for bin in part.bins {
                let numbers = [frequency[bin], meanReal[bin], stdReal[bin], meanFake[bin], stdFake[bin], relativeError[bin]]
                    + (perBand.map { [$0[bin]] } ?? [])
                text += CSV.row([String(bin), part.name] + numbers.map(\.description))
            }
        }
        return text
    }
}

/// What a model weighs per frequency band.
enum BandWeights {
    /// One weight per bin, acting on the raw profile, and what they are.
    case linear([Double], description: String)
    /// The classifier has no per-band weights; the sentence says why.
    case unavailable(String)

    /// Logistic regression and linear SVM: `f = w·z + b` on `z = (x − mean) / std` when the
    /// model standardises, which is `Σ (w_j / std_j)·x_j + const` on the raw profile `x`, so the
    /// weight of band j is `w_j / std_j` (`w_j` without a scaler). An RBF SVM has none.
    init(model: DetectorModel) {
        switch model.classifier {
        case .logistic(let weights, _), .linearSVM(let weights, _, _):
            let name = model.classifier.kind == .logistic ? "logistic regression" : "linear SVM"
            guard let scaler = model.scaler else {
                self = .linear(weights, description: name)
                return
            }
            self = .linear(zip(weights, scaler.std).map { $0 / $1 }, description: name + ", ÷ the scaler's std (on raw features)")
        case .rbfSVM(_, let supportVectors, _, _, _):
            self = .unavailable("RBF SVM: no per-band weights (its decision is a kernel sum over \(supportVectors.count) support vectors)")
        }
    }
}
