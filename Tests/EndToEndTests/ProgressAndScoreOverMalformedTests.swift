import Foundation
import Testing

@Suite struct ProgressTests {
    /// Under a pseudo-terminal (`script -qec`) the progress line is drawn and redrawn in place
    /// with `\r`; with stderr on a pipe nothing of it is written.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1) from util-linux"))
    func progressOnATerminalOnly() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = Specdet.fixtures.appendingPathComponent("images/jpeg/mate_wood_1024x1024_q85_baseline_color.jpg").path
        let list = folder.appendingPathComponent("list.txt")
        try String(repeating: image + "\n", count: 60).write(to: list, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out.csv").path
        let command = "\(Specdet.binary.path) profile --jobs 1 --files-from \(list.path) --output \(output)"

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let terminal = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(terminal.contains("\r\u{1B}[K"), "no in-place redraw in \(terminal.debugDescription.prefix(200))")
        #expect(terminal.contains("/60 files"))
        #expect(terminal.contains("img/s") && terminal.contains("ETA"))
        #expect(terminal.contains("60 files: 60 ok, 0 failed"))

        let piped = try Specdet.run(["profile", "--jobs", "1", "--files-from", list.path, "--output", output])
        #expect(piped.status == 0)
        #expect(!piped.stderr.contains("\r"))
        #expect(piped.stderr == "60 files: 60 ok, 0 failed\n")

        let quiet = try Specdet.run(["profile", "--quiet", "--files-from", list.path, "--output", output])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty)
    }
}

@Suite(.slow) struct ScoreOverMalformedTests {
    /// `specdet score` over the whole malformed folder finishes, exits 1, and writes one row
    /// per file that `specdet profile` walks.
    @Test func scoreGivesOneRowPerFileAndExitsOne() throws {
        let score = try TimedProcess.specdet(["score", "--quiet", "Fixtures/malformed"])
        #expect(!score.timedOut, "specdet score Fixtures/malformed hung")
        #expect(score.exited(1))
        let profile = try Specdet.run(["profile", "--quiet", "Fixtures/malformed"])
        let scored = csvRows(score.output).dropFirst(), profiled = csvRows(profile.output).dropFirst()
        #expect(scored.count == profiled.count && scored.count > 250)
        #expect(scored.map { $0[0] } == profiled.map { $0[0] })
        #expect(scored.map { $0[1] } == profiled.map { $0[1] })
        for row in scored where row[1] == "ok" {
            #expect(Double(row[2]).map { (0...1).contains($0) } == true)
        }
    }
}
