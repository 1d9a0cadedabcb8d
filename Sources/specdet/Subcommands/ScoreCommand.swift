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
            One row per input: path,status,probability_fake,label,width,height. probability_fake \
            is P(fake) in [0, 1]; label is fake when it reaches the model's threshold (or \
            --threshold), real otherwise, empty for inputs that failed.

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

    static let columns = ["path", "status", "probability_fake", "label", "width", "height"]

    func run() throws {
        let inputs = try self.inputs.stream()
        let model = try modelOptions.load(quiet: runOptions.quiet)
        let imageRun = try OutputSink.writing(to: output.output) { sink in
            let imageRun = ImageRun(configuration: model.feature, options: runOptions, protecting: [sink.existingIdentity].compactMap { $0 })
            if let modelPath = modelOptions.model { try imageRun.outputGuard.check(InputPath(modelPath)) }
            if format == .csv && !header.noHeader { try sink.write(CSV.row(Self.columns)) }
            var table: [[String]] = []
            try imageRun.run(inputs, work: Self.work(model)) { path, outcome in
                let fields = try Self.fields(path, outcome, model: model)
                switch format {
                case .csv: try sink.write(CSV.row(fields))
                case .jsonl: try sink.write(Self.jsonLine(fields) + "\n")
                case .table: table.append(fields)
                }
            }
            try self.inputs.finish(inputs)
            if format == .table { try sink.write(Self.table(table, header: !header.noHeader)) }
            return imageRun
        }
        try imageRun.diagnostics.finish()
    }

    /// A profile and the model's P(fake) of it.
    struct ScoredProfile: Sendable {
        var profile: ImageProfile
        var probability: Result<Double, SpecdetError>
    }

    /// The work of a worker thread: the profile and the model's P(fake) of it. The model is
    /// evaluated on the workers: with thousands of support vectors it costs more than profiling
    /// a small image.
    static func work(_ model: DetectorModel) -> @Sendable (GrayImage, InputPath, ProfileExtractor) throws(SpecdetError) -> ScoredProfile {
        { image, _, extractor throws(SpecdetError) in
            let profile = try ImageRun.profile(image, extractor)
            return ScoredProfile(profile: profile,
                                 probability: Result { () throws(SpecdetError) in try model.probabilityFake(profile.features) })
        }
    }

    /// The row of one input, as text fields in `columns` order (empty where unknown).
    static func fields(_ path: InputPath, _ outcome: Result<ScoredProfile, SpecdetError>, model: DetectorModel) throws -> [String] {
        switch outcome {
        case .success(let scored):
            let probability: Double
            switch scored.probability {
            case .success(let value): probability = value
            case .failure(let error): throw error
            }
            let profile = scored.profile
            return [path.display, "ok", String(probability), model.isFake(probability: probability) ? "fake" : "real",
                    String(profile.width), String(profile.height)]
        case .failure(let failure):
            return [path.display, failure.code.rawValue, "", "", failure.width.map(String.init) ?? "", failure.height.map(String.init) ?? ""]
        }
    }

    private static func jsonLine(_ fields: [String]) -> String {
        JSON.object([
            ("path", JSON.string(fields[0])), ("status", JSON.string(fields[1])),
            ("probability_fake", fields[2].isEmpty ? "null" : fields[2]),
            ("label", fields[3].isEmpty ? "null" : JSON.string(fields[3])),
            ("width", fields[4].isEmpty ? "null" : fields[4]), ("height", fields[5].isEmpty ? "null" : fields[5]),
        ])
    }

    /// Aligned columns; probabilities rounded to 4 places, control characters in paths escaped.
    private static func table(_ rows: [[String]], header showHeader: Bool) -> String {
        let header = ["path", "status", "p(fake)", "label", "size"]
        let body = rows.map { fields in
            [fields[0].escapingControlCharacters, fields[1],
             Double(fields[2]).map { String(format: "%.4f", $0) } ?? "-", fields[3].isEmpty ? "-" : fields[3],
             fields[4].isEmpty ? "-" : "\(fields[4])x\(fields[5])"]
        }
        let all = (showHeader ? [header] : []) + body
        guard !all.isEmpty else { return "" }
        let widths = header.indices.map { column in all.map { $0[column].terminalWidth }.max() ?? 0 }
        return all.map { row in
            row.indices.map { row[$0].padding(widths[$0]) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n") + "\n"
    }
}
