import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ShardingTests {
    /// Shards 1..N of a run cover every input exactly once, and their concatenated rows equal
    /// the unsharded output after sorting.
    @Test(arguments: [1, 2, 3, 7])
    func shardsPartitionTheInputs(count: Int) throws {
        let whole = try Specdet.run(["profile", "--quiet", "--no-header", "Fixtures/images"])
        #expect(whole.status == 0)
        var pieces: [Substring] = []
        for index in 1...count {
            let shard = try Specdet.run(["profile", "--quiet", "--no-header", "--shard", "\(index)/\(count)", "Fixtures/images"])
            #expect(shard.status == 0)
            pieces += shard.lines
        }
        #expect(pieces.count == whole.lines.count)
        #expect(pieces.sorted() == whole.lines.sorted())
        #expect(Set(pieces).count == pieces.count)
    }

    /// The promise the scale-out recipe rests on, without GNU parallel (`make scale-check` runs
    /// the same through `parallel --joblog` and `--resume-failed`): each shard writes its output
    /// atomically, so an output that exists is a shard that finished. One shard gets SIGTERM
    /// mid-run and leaves no file; running again the shards without an output runs that one
    /// alone, and the shards' rows then equal the unsharded rows, each exactly once.
    @Test func anInterruptedShardRunAgainAloneCompletesTheRows() throws {
        let manager = FileManager.default
        let folder = try Specdet.temporaryFolder()
        defer { try? manager.removeItem(at: folder) }
        let images = Specdet.fixtures.appendingPathComponent("images").path
        let names = try manager.subpathsOfDirectory(atPath: images).filter { $0.hasSuffix(".png") || $0.hasSuffix(".jpg") }.sorted()
        var paths: [String] = []
        for copy in 1...2 {  // distinct paths, hashed to their own shards, for the same files
            try manager.createSymbolicLink(atPath: folder.appendingPathComponent("c\(copy)").path, withDestinationPath: images)
            paths += names.map { "c\(copy)/\($0)" }
        }
        try Data(paths.map { $0 + "\n" }.joined().utf8).write(to: folder.appendingPathComponent("list.txt"))
        // `profile`, not `score`: the same inputs and outputs, without the SVM that is slow in a debug build.
        let profile = ["profile", "--quiet", "--no-header", "--jobs", "1", "--files-from"]
        let count = 4, victim = 2
        func shard(_ index: Int) -> [String] { ["--shard", "\(index)/\(count)", "--output", "out-\(index).csv"] }
        func rows(_ name: String) throws -> [Substring] {
            try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8).split(separator: "\n")
        }
        func withoutOutput() -> [Int] {
            (1...count).filter { !manager.fileExists(atPath: folder.appendingPathComponent("out-\($0).csv").path) }
        }

        #expect(try Specdet.run(profile + ["list.txt", "--output", "whole.csv"], in: folder).status == 0)
        for index in 1...count where index != victim {
            #expect(try Specdet.run(profile + ["list.txt"] + shard(index), in: folder).status == 0)
        }
        let stopped = try Self.terminateMidRun(profile + ["-"] + shard(victim), in: folder,
                                               output: "out-\(victim).csv", list: paths.prefix(paths.count / 2))
        #expect(stopped.sawTemporaryFile, "the shard never opened its output")
        #expect(stopped.status == 130)
        let left = try manager.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") || $0.hasPrefix("out-") }
        #expect(left.sorted() == (1...count).filter { $0 != victim }.map { "out-\($0).csv" }, "no partial output, no temporary file")

        #expect(withoutOutput() == [victim])
        for index in withoutOutput() {
            #expect(try Specdet.run(profile + ["list.txt"] + shard(index), in: folder).status == 0)
        }
        let pieces = try (1...count).flatMap { try rows("out-\($0).csv") }, whole = try rows("whole.csv")
        #expect(whole.count == paths.count)
        #expect(pieces.sorted() == whole.sorted())
        #expect(Set(pieces).count == pieces.count)
    }

    /// Runs specdet reading `--files-from -` from a pipe that gets `list` and stays open, so the
    /// run is under way and not finished: once its temporary `output` exists and a moment more,
    /// it gets SIGTERM (SIGKILL only if it hangs).
    static func terminateMidRun(_ arguments: [String], in folder: URL, output: String,
                                list: ArraySlice<String>) throws -> (status: Int32, sawTemporaryFile: Bool) {
        _ = pipeSignalIgnored
        let process = Process()
        process.executableURL = Specdet.binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { try? input.fileHandleForWriting.close() }
        try input.fileHandleForWriting.write(contentsOf: Data(list.map { $0 + "\n" }.joined().utf8))
        let deadline = ContinuousClock.now + .seconds(hangTimeout * testSlowdown)
        var sawTemporaryFile = false
        while process.isRunning, !sawTemporaryFile, ContinuousClock.now < deadline {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            sawTemporaryFile = names.contains { $0.hasPrefix(".\(output).specdet-") }
            usleep(10_000)
        }
        usleep(300_000)  // the lines given are being scored
        kill(process.processIdentifier, SIGTERM)
        while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return (process.terminationStatus, sawTemporaryFile)
    }

    @Test func jsonLinesHaveOneObjectPerInput() throws {
        let run = try Specdet.run(["score", "--quiet", "--format", "jsonl", "Fixtures/images/odd", "Fixtures/malformed/png/png_ihdr_bad_crc.png"])
        #expect(run.status == 1)
        let objects = try run.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.count == 3)
        #expect(objects.map { $0["status"] as? String } == ["ok", "ok", "checksum_mismatch"])
        #expect(objects[2]["probability_fake"] is NSNull)
        #expect((objects[0]["probability_fake"] as? Double).map { (0...1).contains($0) } == true)
    }

    /// Out-of-range numbers are refused with the rule they break, negative ones included (not
    /// taken for options).
    @Test func anInvalidShardIsAUsageError() throws {
        for (arguments, reason) in [(["--shard", "0/3"], "--shard K/N needs 1 <= K <= N, not 0/3"),
                                    (["--shard", "4/3"], "--shard K/N needs 1 <= K <= N, not 4/3"),
                                    (["--shard", "-1/2"], "--shard K/N needs 1 <= K <= N, not -1/2"),
                                    (["--jobs", "-3"], "--jobs must be at least 1"),
                                    (["--max-side", "-1"], "--max-side must not be negative")] {
            let run = try Specdet.run(["profile"] + arguments + ["Fixtures/images/odd"])
            #expect(run.status == 2 && run.stderr.contains(reason), "\(arguments): \(run.stderr)")
        }
    }
}
