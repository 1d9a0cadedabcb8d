import ArgumentParser
import SpecdetClassify
import SpecdetSupport

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Say what a model is, what it was trained on and how well it did.",
        discussion: """
            Without MODEL (or --model MODEL), the model built into the binary. --format json \
            gives the same facts as one object; schema_version and threshold are numbers.

            Example:
              specdet info
              specdet info model.json --format json
            """
    )

    @Argument(help: ArgumentHelp("A model file written by `specdet train` (default: the built-in model).", valueName: "MODEL.json"))
    var modelArgument: String?

    @Option(name: .customLong("model"), help: ArgumentHelp("MODEL.json given as an option, as score and evaluate take it.", valueName: "MODEL.json"))
    var modelOption: String?

    @Option(help: "table or json.")
    var format: ReportFormat = .table

    @OptionGroup var output: OutputOptions

    var model: String? { modelArgument ?? modelOption }

    func validate() throws {
        if modelArgument != nil && modelOption != nil { throw ValidationError("give the model once: MODEL.json or --model MODEL.json") }
    }

    func run() throws {
        try OutputGuard.refuse(reading: [model], writing: [output.output])
        let detector = try model.map { path throws(SpecdetError) in try ModelFile.load(path) } ?? DefaultModel.load()
        let card = ModelCard(detector, source: model ?? "built-in")
        try OutputSink.writing(to: output.output) { try $0.write(format == .json ? card.json : card.text) }
    }
}
