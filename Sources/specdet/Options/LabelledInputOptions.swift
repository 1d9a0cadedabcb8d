import ArgumentParser

/// `--real` and `--fake`: the labelled inputs of `train`, `evaluate` and `plot`.
struct LabelledInputOptions: ParsableArguments {
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Real images: files, folders or profile CSVs (every path up to the next option).", valueName: "PATH"))
    var real: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Fake images: files, folders or profile CSVs (every path up to the next option).", valueName: "PATH"))
    var fake: [String] = []
}
