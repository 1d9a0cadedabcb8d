import ArgumentParser

/// `--output`, shared by every command that writes a result.
struct OutputOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp(
        "Write to FILE atomically instead of stdout.", valueName: "FILE"))
    var output: String?
}

/// `--no-header`, shared by the commands that write rows.
struct HeaderOptions: ParsableArguments {
    @Flag(name: .customLong("no-header"), help: "Omit the header row (for concatenating shards).")
    var noHeader = false
}
