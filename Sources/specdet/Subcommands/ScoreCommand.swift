import ArgumentParser
import Foundation
import SpecdetClassify
import SpecdetSupport

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score images for fakeness with a trained model (default: the built-in one).",
        discussion: """
            One row per input: path,status,probability_fake,label,width,height,in_domain. \
            probability_fake is P(fake) in [0, 1]; label is fake when it reaches the model's \
            threshold (or --threshold), real otherwise, unknown when the profile lies outside \
            the model's domain (in_domain false: far from every image it was trained on; the \
            probability is still written), and empty for inputs that failed.

            Example:
              specdet score downloads/ --format table
              specdet score --model model.json photos/ --output scores.csv
            """
    )

    @OptionGroup var inputs: PathArguments
    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "csv, jsonl or table.")
    var format: ScoreFormat = .csv

    @OptionGroup var output: OutputOptions
    @OptionGroup var header: HeaderOptions
    @OptionGroup var runOptions: RunOptions

    func run() throws {
        let inputs = try self.inputs.stream()
        let model = try modelOptions.load(quiet: runOptions.quiet)
        let imageRun = try OutputSink.writing(to: output.output) { sink in
            let imageRun = ImageRun(configuration: model.feature, options: runOptions, protecting: [sink.existingIdentity].compactMap { $0 })
            if let modelPath = modelOptions.model { try imageRun.outputGuard.check(InputPath(modelPath)) }
            if format == .csv && !header.noHeader { try sink.write(CSV.row(ScoreRow.columns)) }
            var table: [ScoreRow] = []
            // The model is evaluated on the worker threads: it can cost more than profiling a small image.
            try imageRun.run(inputs, work: { image, _, extractor throws(SpecdetError) in
                let profile = try ImageRun.profile(image, extractor)
                let probability = try model.probabilityFake(profile.features)
                guard probability.isFinite else {
                    throw SpecdetError(.degenerateSpectrum, "the model gives no finite P(fake) for this profile",
                                       width: profile.width, height: profile.height)
                }
                return (profile, probability, model.domain.map { $0.contains(profile.features) })
            }) { path, outcome in
                let row: ScoreRow
                switch outcome {
                case .success(let (profile, probability, inDomain)):
                    let label = inDomain == false ? "unknown" : model.isFake(probability: probability) ? "fake" : "real"
                    row = ScoreRow(path: path, status: "ok", probability: probability, label: label, width: profile.width,
                                   height: profile.height, inDomain: inDomain)
                case .failure(let failure):
                    row = ScoreRow(path: path, status: failure.code.rawValue, probability: nil, label: nil, width: failure.width,
                                   height: failure.height, inDomain: nil)
                }
                switch format {
                case .csv: try sink.write(CSV.row(row.fields))
                case .jsonl: try sink.write(row.jsonLine)
                case .table: table.append(row)
                }
            }
            try self.inputs.finish(inputs)
            if format == .table { try sink.write(ScoreRow.table(table, header: !header.noHeader)) }
            return imageRun
        }
        try imageRun.diagnostics.finish()
    }
}
