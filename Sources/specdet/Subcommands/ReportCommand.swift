import ArgumentParser
import Foundation
import SpecdetClassify
import SpecdetSupport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Score images and write one self-contained HTML report.",
        discussion: """
            Scores every input as `specdet score` does and writes one HTML file that works \
            offline (it loads nothing: style, script and figures are inline, pictures are data \
            URIs) and prints: a summary (the model and what it was trained on, the counts of \
            ok, failed and of each label, the threshold and the false-positive rate it gave on \
            the model's out-of-fold evidence, a histogram of P(fake)); with --real and --fake \
            an evaluation (accuracy, ROC AUC, the ROC curve, the confusion matrix); evidence for \
            the --thumbnails N inputs of highest P(fake) inside the model's domain, then those \
            outside it while places remain (default 50): a thumbnail (the luma, at \
            most 128 px on its longer side, gray JPEG quality 80, a few kB), its own centred log \
            spectrum, its profile against the model's class means and the three bands where it \
            departs most from the real class (models trained before class means were stored \
            show the profile alone); and a table of every input, sortable by P(fake) and \
            filterable by label and status, with its error code when it failed.

            Rows are written to the file as they are scored and only the N candidates are kept, \
            so memory does not grow with the number of inputs (the inputs given as --real and \
            --fake keep one score each for the evaluation); the evidence is made in a second \
            pass over the N files. The file is written atomically.

            Example:
              specdet report Fixtures/images --output report.html
              specdet report --real photos/ --fake generated/ --model model.json -o eval.html
            """
    )

    @OptionGroup var inputs: PathArguments
    @OptionGroup var modelOptions: ModelOptions

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Images known to be real: files or folders, for the evaluation (every path up to the next option; put unlabelled inputs first).", valueName: "PATH"))
    var real: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Images known to be fake: files or folders, for the evaluation (every path up to the next option).", valueName: "PATH"))
    var fake: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the HTML report (- for stdout).", valueName: "FILE.html"))
    var output: String

    @Option(parsing: .unconditional, help: ArgumentHelp("Thumbnails and evidence for the N inputs of highest P(fake) (in domain first), 0 to \(Self.maximumThumbnails).",
                               valueName: "N"))
    var thumbnails = 50

    @OptionGroup var runOptions: RunOptions

    static let maximumThumbnails = 1000

    func validate() throws {
        guard (0...Self.maximumThumbnails).contains(thumbnails) else {
            throw ValidationError("--thumbnails must be between 0 and \(Self.maximumThumbnails)")
        }
        guard real.isEmpty == fake.isEmpty else { throw ValidationError("give --real and --fake together") }
    }

    func run() throws {
        try OutputGuard.refuse(reading: [modelOptions.model, inputs.listFile], writing: [output])
        var fileModel = modelOptions
        fileModel.threshold = nil
        var model = try fileModel.load(quiet: runOptions.quiet)
        let fileThreshold = model.threshold
        if let threshold = modelOptions.threshold { model.threshold = threshold }
        let unlabelled = inputs.paths.isEmpty && inputs.filesFrom == nil && !real.isEmpty ? nil : try inputs.stream()
        let stream = try ReportInputs(unlabelled: unlabelled, real: real, fake: fake)
        let diagnostics = try OutputSink.writing(to: output) { sink in
            let imageRun = ImageRun(configuration: model.feature, options: runOptions, protecting: [sink.existingIdentity].compactMap { $0 })
            let page = HTMLReport(columns: ScoreRow.columns, labelled: !real.isEmpty)
            try sink.write(page.start(title: "specdet report", description: description))
            var tally = ReportTally(columns: ScoreRow.columns, limit: thumbnails)
            var iterator = stream
            try imageRun.run(&iterator, work: ScoredProfile.work(model)) { path, outcome in
                let fields = ScoreRow(path, outcome, model: model).fields
                let truth = stream.labelOfNextRow(), index = tally.rows
                tally.add(index: index, path: path, fields: fields, profile: try? outcome.get().profile, truth: truth)
                try sink.write(page.row(index: index, fields: fields, truth: truth))
            }
            if let unlabelled { try inputs.finish(unlabelled) }
            for (count, option) in zip(tally.givenCounts, ["--real", "--fake"]) where !real.isEmpty && count == 0 {
                throw SpecdetError(.usage, "no \(option.dropFirst(2)) inputs: \(option) names no image file")
            }
            let candidates = tally.candidates
            let flagged = tally.valueCounts.first { $0.column == "label" }?.counts?["fake"] ?? 0
            let ending = HTMLReport.Ending(
                model: model, modelCard: ModelCard(model, source: modelOptions.model ?? "built-in"),
                modelSummary: DefaultModel.summary(model), fileThreshold: fileThreshold, tally: tally,
                evidence: try ReportEvidence.make(candidates, options: runOptions),
                flaggedWithoutEvidence: flagged - candidates.filter { tally.value("label", in: $0.fields) == "fake" }.count)
            try sink.write(page.end(ending))
            return imageRun.diagnostics
        }
        try diagnostics.finish()
    }

    /// What the report covers, for its header.
    private var description: String {
        var parts: [String] = []
        if !inputs.paths.isEmpty { parts.append("inputs: " + PlotCommand.setName(inputs.paths)) }
        if let list = inputs.filesFrom { parts.append("paths listed in " + (list == "-" ? "standard input" : list)) }
        if let shard = inputs.shard { parts.append("shard \(shard.index) of \(shard.count)") }
        if !real.isEmpty { parts.append("given as real: " + PlotCommand.setName(real) + "; as fake: " + PlotCommand.setName(fake)) }
        return parts.joined(separator: "; ") + "; model: " + (modelOptions.model ?? "the built-in model") + "."
    }
}
