import Foundation
import Testing

/// Whole outputs compared with expected files in `Snapshots/`, as swift-argument-parser tests
/// its own help: every `--help` text, every completion script, and the complete rows of
/// deterministic runs. `SPECDET_UPDATE_SNAPSHOTS=1 swift test --filter SnapshotTests` rewrites
/// the files; review the diff before committing it.
@Suite struct SnapshotTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    static let updating = ProcessInfo.processInfo.environment["SPECDET_UPDATE_SNAPSHOTS"] == "1"

    /// Compares `actual` with the snapshot `name`, or writes it when updating.
    static func assertSnapshot(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = folder.appendingPathComponent(name)
        if updating {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if actual != expected {
            let actualLines = actual.components(separatedBy: "\n"), expectedLines = expected.components(separatedBy: "\n")
            let first = (0..<min(actualLines.count, expectedLines.count)).first { actualLines[$0] != expectedLines[$0] }
                ?? min(actualLines.count, expectedLines.count)
            Issue.record("""
                output differs from Snapshots/\(name) at line \(first + 1):
                  expected: \(first < expectedLines.count ? expectedLines[first] : "(end)")
                  actual:   \(first < actualLines.count ? actualLines[first] : "(end)")
                """, sourceLocation: sourceLocation)
        }
    }

    static let environment = ["COLUMNS": "100", "SOURCE_DATE_EPOCH": "1700000000"]

    @Test(arguments: ["", "profile", "train", "score", "report", "evaluate", "info", "plot", "fingerprint"])
    func helpText(command: String) throws {
        let run = try Specdet.run((command.isEmpty ? [] : [command]) + ["--help"], environment: Self.environment)
        #expect(run.status == 0, "\(run.stderr)")
        try Self.assertSnapshot(run.output, "help/\(command.isEmpty ? "specdet" : command).txt")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScript(shell: String) throws {
        let run = try Specdet.run(["--generate-completion-script", shell], environment: Self.environment)
        #expect(run.status == 0, "\(run.stderr)")
        try Self.assertSnapshot(run.output, "completion.\(shell)")
    }

    /// The exact rows of `profile` over the fixtures with odd sizes and JPEGs, both feature sets.
    @Test(arguments: ["sectors", "durall"])
    func profileRows(features: String) throws {
        let run = try Specdet.run(["profile", "--quiet", "--features", features, "Fixtures/images/odd", "Fixtures/images/jpeg"])
        #expect(run.status == 0, "\(run.stderr)")
        try Self.assertSnapshot(run.output, "profile-\(features).csv")
    }
}
