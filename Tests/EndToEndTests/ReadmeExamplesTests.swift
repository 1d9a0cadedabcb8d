import Foundation
import Testing

/// Every `specdet` command in README.md's ```sh blocks runs, so the examples cannot rot.
///
/// Each block runs in a fresh folder holding a link to Fixtures/, with the built binary first
/// on PATH. A command must exit 0, unless its line ends with `# exits 1`. When a ```text block
/// follows the ```sh block directly, its first line must equal the first line the commands
/// printed (headers and table heads are stable; the numbers below them may change with the model),
/// where `…` in the expected line stands for any text (a 300-column header is abbreviated).
@Suite struct ReadmeExamplesTests {
    struct Example: CustomStringConvertible {
        let commands: [String]
        let expectedFirstLine: String?
        var description: String { commands.first ?? "" }
    }

    static let examples: [Example] = {
        let text = (try? String(contentsOf: Specdet.root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
        var examples: [Example] = []
        var lines = text.components(separatedBy: "\n")[...]
        while let line = lines.popFirst() {
            guard line == "```sh" else { continue }
            var block: [String] = []
            while let next = lines.popFirst(), next != "```" {
                // A line ending in a backslash continues on the next one.
                if let last = block.last, last.hasSuffix("\\") {
                    block[block.count - 1] = String(last.dropLast()) + next.trimmingCharacters(in: .whitespaces)
                } else {
                    block.append(next)
                }
            }
            let commands = block.filter { $0.hasPrefix("specdet ") }
            guard !commands.isEmpty else { continue }
            var expected: String?
            if lines.first == "```text" {
                lines.removeFirst()
                expected = lines.first
            }
            examples.append(Example(commands: commands, expectedFirstLine: expected))
        }
        return examples
    }()

    @Test func theReadmeHasExamplesForEverySubcommand() {
        let all = Self.examples.flatMap(\.commands).joined(separator: "\n")
        for command in ["profile", "train", "score", "report", "evaluate", "plot", "fingerprint"] {
            #expect(all.contains("specdet \(command)"), "no example of specdet \(command)")
        }
    }

    @Test(arguments: examples)
    func exampleRuns(example: Example) throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("Fixtures"), withDestinationURL: Specdet.fixtures)
        var firstOutput: String?
        for command in example.commands {
            let expectedStatus: Int32 = command.hasSuffix("# exits 1") ? 1 : 0
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            process.currentDirectoryURL = folder
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = Specdet.binary.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            process.environment = environment
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == expectedStatus, "\(command)")
            if firstOutput == nil, !output.isEmpty { firstOutput = output.components(separatedBy: "\n").first }
        }
        if let expected = example.expectedFirstLine {
            #expect(Self.line(firstOutput ?? "", matches: expected), "\(firstOutput ?? "no output") is not \(expected)")
        }
    }

    /// Whether `line` equals `pattern`, each `…` in the pattern matching any text.
    static func line(_ line: String, matches pattern: String) -> Bool {
        let pieces = pattern.components(separatedBy: "…")
        guard pieces.count > 1 else { return line == pattern }
        guard line.hasPrefix(pieces[0]), line.hasSuffix(pieces[pieces.count - 1]),
              line.count >= pieces[0].count + pieces[pieces.count - 1].count else { return false }
        var rest = line.dropFirst(pieces[0].count).dropLast(pieces[pieces.count - 1].count)
        for piece in pieces.dropFirst().dropLast() {
            guard let found = rest.range(of: piece) else { return false }
            rest = rest[found.upperBound...]
        }
        return true
    }

    @Test func anEllipsisMatchesAnyTextAndNothingElseDoes() {
        #expect(Self.line("a,b,c,d,e", matches: "a,…,c,…,e"))
        #expect(Self.line("a,b,c,d,e", matches: "a,b,c,d,e"))
        #expect(!Self.line("a,b,x,d,e", matches: "a,…,c,…,e"))
        #expect(!Self.line("a,b", matches: "a,b…,b"))
        #expect(!Self.line("a,b,c", matches: "a,b"))
    }
}
