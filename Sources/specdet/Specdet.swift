import ArgumentParser
import Foundation
import SpecdetSupport

@main
struct Specdet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "specdet",
        abstract: "Tell real photographs from generated images by their Fourier spectra.",
        discussion: "Exit status: 0 every input processed, 1 some inputs failed, 2 usage, model or output error, 130 interrupted.",
        version: "0.1.0",
        subcommands: [ScoreCommand.self, ReportCommand.self, ProfileCommand.self, TrainCommand.self, EvaluateCommand.self, InfoCommand.self, PlotCommand.self, FingerprintCommand.self]
    )

    /// Runs the command and decides the exit status in one place: usage, model and output
    /// errors are 2 (ArgumentParser's own usage code 64 is mapped to 2 as well).
    static func main() {
        Interruption.installHandlers()
        // A closed stdin, stdout or stderr would be handed to the first file opened, and
        // diagnostics would then land in an output: give each closed one /dev/null instead.
        for descriptor in Int32(0)...2 where fcntl(descriptor, F_GETFD) == -1 {
            _ = open("/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY)
            // An output sent to a closed stdout would vanish into /dev/null with status 0.
            if descriptor == 1 { OutputSink.standardOutputClosed = true }
        }
        do {
            try refuseGroupedShortFlags(Array(CommandLine.arguments.dropFirst()))
            var command = try parseAsRoot()
            try command.run()
        } catch let error as SpecdetError {
            // Input failures are rows, counted by the diagnostics; what reaches here ends the run.
            StandardError.write("specdet: error: \(error.message)\n")
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .success || code.rawValue == 1 && error is ExitCode {
                exit(withError: error)
            }
            // One shape for every error that ends a run, ArgumentParser's own included.
            var message = fullMessage(for: error)
            if message.hasPrefix("Error: ") { message = "specdet: error: " + message.dropFirst("Error: ".count) }
            if !message.isEmpty { StandardError.write(message + "\n") }
            Foundation.exit(code == .success ? 0 : 2)
        }
    }

    /// specdet's only short options are `-h` and `-o`, so an argument like `-dash.png` is a
    /// file name, which ArgumentParser would read as grouped flags (`-d -a -s -h ...`) and
    /// answer with the help and status 0: a run that silently did nothing. Refuse it instead.
    /// A negative number (`--threshold -0.5`, `--shard -1/2`) is a value, left to the option's
    /// own check.
    static func refuseGroupedShortFlags(_ arguments: [String]) throws {
        for argument in arguments.prefix(while: { $0 != "--" })
        where argument.hasPrefix("-") && !argument.hasPrefix("--") && argument.count > 2 && !argument.hasPrefix("-o")
            && Double(argument) == nil && !argument.dropFirst().allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "/") }) {
            throw SpecdetError(.usage, "'\(argument)' is not an option; to name a file that starts with '-', write ./\(argument) or put it after --")
        }
    }
}
