import Foundation
import Testing

@Suite struct ProfileCommandTests {
    /// The reference values were produced by the reference script (command in Fixtures/README.md).
    @Test func profilesMatchTheReferencePipelineWithin1e3() throws {
        let run = try Specdet.run(["profile", "--quiet", "--features", "durall", "Fixtures/images"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = csvRows(run.output)
        let header = rows[0]
        #expect(header.prefix(4) == ["path", "status", "width", "height"])
        #expect(header.count == 4 + 300)
        let reference = csvRows(try String(contentsOf: Specdet.fixtures.appendingPathComponent("reference/durall_generic_300.csv"), encoding: .utf8))
        let referenceHeader = reference[0]
        let firstFeature = referenceHeader.firstIndex(of: "f0")!
        var expected: [String: [Double]] = [:]
        for row in reference.dropFirst() {
            expected[row[0]] = row[firstFeature...].map { Double($0)! }
        }
        #expect(rows.count - 1 == expected.count)
        var worst = 0.0
        for row in rows.dropFirst() {
            #expect(row[1] == "ok")
            let values = row[4...].map { Double($0)! }
            let want = try #require(expected[row[0]], "no reference row for \(row[0])")
            #expect(values.count == want.count)
            worst = max(worst, zip(values, want).map { abs($0 - $1) }.max()!)
            #expect(values[0] == 1)
        }
        #expect(worst <= 1e-3, "largest difference \(worst)")
    }

    /// The sectors feature set against an independent numpy implementation
    /// (tools/research/feature_prototype.py, double precision, angles by arctan2; Fixtures/make_fixtures.sh).
    @Test func sectorsMatchTheNumpyPrototypeWithin1e4() throws {
        let run = try Specdet.run(["profile", "--quiet", "Fixtures/images"])  // sectors: the default
        #expect(run.status == 0, "\(run.stderr)")
        let rows = csvRows(run.output)
        #expect(rows[0][4] == "axis_0" && rows[0][154] == "diagonal_0" && rows[0].count == 304)
        let reference = csvRows(try String(contentsOf: Specdet.fixtures.appendingPathComponent("reference/sectors_300.csv"), encoding: .utf8))
        var expected: [String: [Double]] = [:]
        for row in reference.dropFirst() { expected[row[0]] = row[1...].map { Double($0)! } }
        #expect(rows.count - 1 == expected.count)
        var worst = 0.0
        for row in rows.dropFirst() {
            let values = row[4...].map { Double($0)! }
            let want = try #require(expected[row[0]], "no reference row for \(row[0])")
            #expect(values.count == 300 && want.count == 300)
            worst = max(worst, zip(values, want).map { abs($0 - $1) }.max()!)
        }
        #expect(worst <= 1e-4, "largest difference \(worst)")
    }

    @Test func sectorsNeedAnEvenBinCount() throws {
        let run = try Specdet.run(["profile", "--features", "sectors", "--bins", "301", "Fixtures/images/odd"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("even"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test func rowsComeInSortedByteOrderWhateverTheParallelism() throws {
        let one = try Specdet.run(["profile", "--quiet", "--jobs", "1", "Fixtures/images/dcgan64"])
        let four = try Specdet.run(["profile", "--quiet", "--jobs", "4", "Fixtures/images/dcgan64"])
        #expect(one.status == 0 && four.status == 0)
        #expect(one.stdout == four.stdout)
        let paths = csvRows(one.output).dropFirst().map { $0[0] }
        #expect(paths == paths.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(paths.first == "Fixtures/images/dcgan64/fake/00000.png")
    }

    @Test func aCorruptFileKeepsItsRowAndTheRunExitsOne() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = Specdet.fixtures.appendingPathComponent("images/dcgan64/real")
        let names = try FileManager.default.contentsOfDirectory(atPath: source.path).sorted().prefix(3)
        for name in names {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        let good = try Data(contentsOf: source.appendingPathComponent(names.first!))
        try good.prefix(good.count / 2).write(to: folder.appendingPathComponent("broken.png"))
        let run = try Specdet.run(["profile", folder.path])
        #expect(run.status == 1)
        let rows = csvRows(run.output).dropFirst()
        #expect(rows.count == 4)
        let broken = try #require(rows.first { $0[0].hasSuffix("broken.png") })
        #expect(broken[1] == "truncated")
        #expect(broken[4...].allSatisfy { $0.isEmpty })
        #expect(rows.filter { $0[1] == "ok" }.count == 3)
        #expect(rows.filter { $0[1] == "ok" }.allSatisfy { $0[4...].allSatisfy { Double($0) != nil } })
        #expect(run.stderr.contains("broken.png: truncated:"))
        #expect(run.stderr.contains("4 files: 3 ok, 1 failed"))
    }

    @Test func outputIsWrittenAtomicallyAndUnwritableOutputIsExitTwo() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("profiles.csv")
        let run = try Specdet.run(["profile", "--quiet", "Fixtures/images/odd", "--output", target.path])
        #expect(run.status == 0)
        #expect(run.stdout.isEmpty)
        #expect(csvRows(try String(contentsOf: target, encoding: .utf8)).count == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["profiles.csv"])

        let missing = try Specdet.run(["profile", "Fixtures/images/odd", "--output", folder.path + "/no/such/dir/x.csv"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot write"))
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try Specdet.run(["profile", "--bins", "1", "Fixtures/images/odd"]).status == 2)
        #expect(try Specdet.run(["profile", "--no-such-option"]).status == 2)
        #expect(try Specdet.run(["profile"]).status == 2)
    }

    @Test func filesFromStdinAndNoHeaderConcatenate() throws {
        let list = "Fixtures/images/odd/ae128_real_00010_97x61.png\nFixtures/images/odd/ae128_real_00016_61x97.png\n"
        let run = try Specdet.run(["profile", "--quiet", "--no-header", "--files-from", "-"], stdin: list)
        #expect(run.status == 0)
        let rows = csvRows(run.output)
        #expect(rows.map { $0[0] } == ["Fixtures/images/odd/ae128_real_00010_97x61.png", "Fixtures/images/odd/ae128_real_00016_61x97.png"])
        #expect(rows.map { $0[2] + "x" + $0[3] } == ["97x61", "61x97"])
        // A NUL-separated list (`find -print0`) reads the same, with CRLF lines mixed in.
        let nul = "Fixtures/images/odd/ae128_real_00010_97x61.png\u{0}Fixtures/images/odd/ae128_real_00016_61x97.png\u{0}"
            + "Fixtures/images/odd/ae128_real_00010_97x61.png\r\n"
        let separated = try Specdet.run(["profile", "--quiet", "--no-header", "--files-from", "-"], stdin: nul)
        #expect(separated.status == 0, "\(separated.stderr)")
        #expect(csvRows(separated.output).map { $0[0] } == rows.map { $0[0] } + [rows[0][0]])
    }

    /// An endless run of empty entries (`/dev/zero`: NUL after NUL) is not a list: refused once
    /// the run is longer than any list has, not read forever.
    @Test func anEndlessRunOfEmptyLinesIsNotAList() throws {
        let run = try Specdet.run(["profile", "--quiet", "--files-from", "/dev/zero"])
        #expect(run.status == 2 && run.stderr.contains("'/dev/zero' has more than"), "\(run.stderr)")
    }

    /// A second list would silently replace the first: refused.
    @Test func twoListsAreRefused() throws {
        let run = try Specdet.run(["profile", "--files-from", "/dev/null", "--files-from", "/dev/null"])
        #expect(run.status == 2 && run.stderr.contains("give --files-from once"), "\(run.stderr)")
    }
}

@Suite struct LimitOptionTests {
    /// Each limit is an option: an image over it becomes an error row, the run goes on. The
    /// row keeps the size when the header was read (the file-size check comes before it).
    @Test(arguments: [
        (["--max-fft-memory", "100000"], "memory_limit_exceeded", "1024"),
        (["--max-pixels", "10000"], "pixel_limit_exceeded", "1024"),
        (["--max-side", "100"], "pixel_limit_exceeded", "1024"),
        (["--max-file-size", "1000"], "file_too_large", ""),
    ])
    func limitsTurnLargeImagesIntoErrorRows(options: [String], code: String, side: String) throws {
        let run = try Specdet.run(["profile", "--quiet"] + options + ["Fixtures/images/jpeg/mate_wood_1024x1024_q85_baseline_color.jpg"])
        #expect(run.status == 1)
        let rows = csvRows(run.output).dropFirst()
        #expect(rows.count == 1 && rows.first?[1] == code, "\(rows.first?.prefix(2) ?? [])")
        #expect(rows.first?[2] == side && rows.first?[3] == side, "\(rows.first?.prefix(4) ?? [])")
    }
}
