import ArgumentParser
import Foundation
import SpecdetSupport

/// Collects the outcome of every input: prints one line per failure on stderr, counts, and
/// decides the exit status once at the end.
final class Diagnostics {
    private(set) var succeeded = 0
    private(set) var failed = 0
    /// Verdicts by label (`score`); empty for other commands.
    private var labels: [String: Int] = [:]
    private let quiet: Bool

    init(quiet: Bool) {
        self.quiet = quiet
    }

    func recordSuccess() {
        succeeded += 1
    }

    /// Counts one input's verdict for the summary.
    func recordLabel(_ label: String) {
        labels[label, default: 0] += 1
    }

    /// Records a failed input and names it on stderr with its code and message.
    func recordFailure(_ path: InputPath, _ error: SpecdetError) {
        failed += 1
        StandardError.write("specdet: \(path.terminalSafe): \(error.code.rawValue): \(error.message)\n")
    }

    /// `N files: X ok, Y failed` on stderr (a row of a profile CSV counts as the file it
    /// stands for), then the verdicts by label when there are any (`: 3 fake, 58 real, 6
    /// unknown`, sorted by label), unless quiet or there was no input.
    func printSummary() {
        let total = succeeded + failed
        guard !quiet, total > 0 else { return }
        let verdicts = labels.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        StandardError.write("\(total) file\(total == 1 ? "" : "s"): \(succeeded) ok, \(failed) failed"
                            + (verdicts.isEmpty ? "" : ": \(verdicts)") + "\n")
    }

    /// 0 when every input was processed, 1 when at least one failed.
    var exitStatus: Int32 { failed > 0 ? 1 : 0 }

    /// Ends a command that has written its output: the summary, then the exit status.
    func finish() throws -> Never {
        printSummary()
        throw ExitCode(exitStatus)
    }
}

/// Unbuffered writes to stderr (messages must not wait behind the data on stdout).
enum StandardError {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
