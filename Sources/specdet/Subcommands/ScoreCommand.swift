import ArgumentParser
import Foundation
import SpecdetClassify
import SpecdetImage
import SpecdetProfile
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
        try OutputGuard.refuse(reading: [modelOptions.model, self.inputs.listFile], writing: [output.output])
        let inputs = try self.inputs.stream()
        let model = try modelOptions.load(quiet: runOptions.quiet)
        let imageRun = try OutputSink.writing(to: output.output) { sink in
            let imageRun = ImageRun(configuration: model.feature, options: runOptions, protecting: [sink.existingIdentity].compactMap { $0 })
            if format == .csv && !header.noHeader { try sink.write(CSV.row(ScoreRow.columns)) }
            var table: [ScoreRow] = []
            try imageRun.run(inputs, work: ScoredProfile.work(model)) { path, outcome in
                let row = ScoreRow(path, outcome, model: model)
                if let label = row.label { imageRun.diagnostics.recordLabel(label) }
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
