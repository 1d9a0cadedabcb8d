import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Inputs reach specdet in other forms than a plain folder walk: a name on the command line
/// that is not UTF-8, profile CSVs holding escaped names and failed rows, a groups file with
/// paths spelled differently, an empty folder. Each gives the same answer as the plain form.
@Suite struct InputsAsGivenTests {
    static let image = "Fixtures/images/dcgan64/real/00031.png"

    /// A folder holding a copy of the fixture image under each of `names` (raw bytes).
    /// A temporary folder holding a file under each name: the fixture image, or with
    /// `distinct`, the n-th real dcgan64 fixture for the n-th name (different images).
    static func folder(with names: [[UInt8]], distinct: Bool = false) throws -> URL {
        let folder = try Specdet.temporaryFolder()
        let reals = try FileManager.default.contentsOfDirectory(atPath: Specdet.fixtures.appendingPathComponent("images/dcgan64/real").path).sorted()
        for (index, name) in names.enumerated() {
            let image = try Data(contentsOf: distinct ? Specdet.fixtures.appendingPathComponent("images/dcgan64/real/\(reals[index])")
                                                      : Specdet.root.appendingPathComponent(Self.image))
            let fd = withCPath(Array(folder.path.utf8) + [UInt8(ascii: "/")] + name) { open($0, O_CREAT | O_WRONLY, 0o644) }
            image.withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        return folder
    }

    /// Swift decodes arguments as UTF-8 with U+FFFD for bad bytes; the file must still be found
    /// and written with `\xHH`, exactly as a folder walk writes it.
    @Test func aNameThatIsNotUTF8CanBeGivenOnTheCommandLine() throws {
        let folder = try Self.folder(with: [Array("x".utf8) + [0xFF] + Array(".png".utf8)])
        defer { try? FileManager.default.removeItem(at: folder) }
        // Process takes String arguments, so the shell makes the byte.
        let given = try TimedProcess.run("/bin/sh", ["-c", #"exec "$0" profile --quiet "$(printf 'x\377.png')""#,
                                                     Specdet.binary.path], in: folder)
        let walked = try TimedProcess.specdet(["profile", "--quiet", "."], in: folder)
        #expect(given.exited(0), "\(given.stderr)")
        let rows = csvRows(given.output).dropFirst()
        #expect(rows.map { $0[0] } == ["x\\xFF.png"])
        #expect(rows.map { Array($0.dropFirst()) } == csvRows(walked.output).dropFirst().map { Array($0.dropFirst()) })
    }

    /// `a<FF>.png` and `a<FE>.png` both reach Swift as `a\u{FFFD}.png`: which is meant cannot
    /// be told, so specdet refuses rather than read one file twice.
    @Test func namesThatDecodeToTheSameTextAreRefused() throws {
        let folder = try Self.folder(with: [[0x61, 0xFF] + Array(".png".utf8), [0x61, 0xFE] + Array(".png".utf8)])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try TimedProcess.run("/bin/sh", ["-c", #"exec "$0" profile "$(printf 'a\377.png')" "$(printf 'a\376.png')""#,
                                                   Specdet.binary.path], in: folder)
        #expect(run.exited(2), "\(run.status) \(run.stderr)")
        #expect(run.stderr.contains("2 different arguments read as"), "\(run.stderr)")
        #expect(run.output.isEmpty)
    }

    @Test func aFolderWithoutImagesIsNamedInAWarningAndAloneIsAUsageError() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("empty"), withIntermediateDirectories: false)
        try Data("notes".utf8).write(to: folder.appendingPathComponent("empty/readme.txt"))
        let alone = try Specdet.run(["score", "empty"], in: folder)
        #expect(alone.status == 2)
        #expect(alone.stderr.contains("'empty' holds no file with an image name"), "\(alone.stderr)")
        #expect(alone.stderr.contains("1 file skipped by name: 1 .txt"), "\(alone.stderr)")
        #expect(alone.stderr.contains("no input: the paths given name no file and no folder holding a file with an image name"))
        let mixed = try Specdet.run(["profile", "--quiet", "empty", Specdet.root.appendingPathComponent(Self.image).path], in: folder)
        #expect(mixed.status == 0)
        #expect(csvRows(mixed.output).count == 2)
        #expect(mixed.stderr.contains("'empty' holds no"))
    }

    /// Names with a backslash or a byte that is not UTF-8 are written escaped in a profile CSV;
    /// read back by train they are the same names, so --folds-out writes them as a folder
    /// walk does, not escaped twice.
    @Test func namesReadFromProfileCSVsAreNotEscapedTwice() throws {
        let names = [Array("back\\slash.png".utf8), Array("b".utf8) + [0xFE] + Array(".png".utf8),
                     Array("plain.png".utf8)]
        let folder = try Self.folder(with: names, distinct: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fakes = Specdet.root.appendingPathComponent("Fixtures/images/dcgan64/fake").path
        #expect(try Specdet.run(["profile", "--quiet", ".", "-o", "real.csv"], in: folder).status == 0)
        var foldFiles: [String] = []
        for (name, real) in [("from-images.csv", "."), ("from-csv.csv", "real.csv")] {
            let run = try Specdet.run(["train", "--quiet", "--augment", "none", "--folds", "3", "--real", real, "--fake", fakes,
                                       "--folds-out", name, "-o", "m.json"], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            foldFiles.append(try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
        }
        let fromImages = csvRows(foldFiles[0]).map { $0[0] }, fromCSV = csvRows(foldFiles[1]).map { $0[0] }
        #expect(Set(fromImages) == Set(fromCSV))
        #expect(fromCSV.contains("./back\\\\slash.png") && fromCSV.contains("./b\\xFE.png"), "\(fromCSV)")
    }

    /// A row of a profile CSV whose image had failed is still a failed input: counted in
    /// `failed`, named on stderr, and the exit status is 1, as when the images are given.
    @Test func failedRowsOfAProfileCSVCountAsFailedInputs() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("not an image".utf8).write(to: folder.appendingPathComponent("broken.png"))
        let real = [Specdet.root.appendingPathComponent("Fixtures/images/dcgan64/real").path, "broken.png"]
        let fake = Specdet.root.appendingPathComponent("Fixtures/images/dcgan64/fake").path
        #expect(try Specdet.run(["profile", "--quiet"] + real + ["-o", "real.csv"], in: folder).status == 1)
        var reports: [[String: Any]] = []
        for realInputs in [real, ["real.csv"]] {
            let run = try Specdet.run(["evaluate", "--format", "json", "--real"] + realInputs + ["--fake", fake], in: folder)
            #expect(run.status == 1, "\(run.stderr)")
            #expect(run.stderr.contains("broken.png: unknown_format"), "\(run.stderr)")
            #expect(run.stderr.contains("1 failed"))
            reports.append(try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any]))
        }
        #expect(reports[0]["failed"] as? Int == 1 && reports[1]["failed"] as? Int == 1)
        #expect(reports[0]["n_real"] as? Int == reports[1]["n_real"] as? Int)
    }

    /// `./a//b.png` in a groups file is the input `a/b.png`: groups still hold, and the warning
    /// for inputs missing from the file counts images, not their augmented copies.
    @Test func groupsMatchPathsSpelledDifferentlyAndTheWarningCountsImages() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try String(contentsOf: Specdet.fixtures.appendingPathComponent("images/groups.csv"), encoding: .utf8)
        let respelled = original.replacingOccurrences(of: "\nFixtures/images/", with: "\n./Fixtures//images/")
        #expect(respelled != original)
        let groups = folder.appendingPathComponent("groups.csv")
        try respelled.write(to: groups, atomically: true, encoding: .utf8)
        let corpus = "Fixtures/images/ae128_nearest"
        let run = try Specdet.run(["train", "--quiet", "--real", "\(corpus)/real", "--fake", "\(corpus)/fake", "--groups", groups.path,
                                   "--folds", "3", "--folds-out", folder.appendingPathComponent("folds.csv").path,
                                   "-o", folder.appendingPathComponent("m.json").path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("not in"), "\(run.stderr)")
        #expect(run.output.contains("grouped by '\(groups.path)'"))
        // ae128 pairs share a photo: a real crop and its reconstruction must share a fold.
        let folds = csvRows(try String(contentsOf: folder.appendingPathComponent("folds.csv"), encoding: .utf8)).dropFirst()
        var foldOfName: [String: Set<String>] = [:]
        for row in folds { foldOfName[String(row[0].split(separator: "/").last!), default: []].insert(row[2]) }
        #expect(foldOfName.count == 6 && foldOfName.values.allSatisfy { $0.count == 1 })

        try "path,group\n\(corpus)/real/00003.png,a\n".write(to: groups, atomically: true, encoding: .utf8)
        let partial = try Specdet.run(["train", "--quiet", "--real", "\(corpus)/real", "--fake", "\(corpus)/fake", "--groups", groups.path,
                                       "--folds", "3", "-o", folder.appendingPathComponent("m.json").path])
        #expect(partial.stderr.contains("11 of 12 images are not in"), "\(partial.stderr)")

        // A spreadsheet's byte-order mark is no part of the header; one path in two groups is refused.
        try "\u{FEFF}path,group\n\(corpus)/real/00003.png,a\n./\(corpus)/real/00003.png,b\n".write(to: groups, atomically: true, encoding: .utf8)
        let twice = try Specdet.run(["train", "--quiet", "--real", "\(corpus)/real", "--fake", "\(corpus)/fake", "--groups", groups.path,
                                     "--folds", "3", "-o", folder.appendingPathComponent("m.json").path])
        #expect(twice.status == 2 && twice.stderr.contains("line 3 gives './\(corpus)/real/00003.png' the group 'b', an earlier line 'a'"),
                "\(twice.stderr)")
    }

    /// Without --groups, augmented training deals the images into the same stratified folds
    /// as training without copies, each copy in its image's fold, and the model file does not
    /// call those folds grouped.
    @Test func augmentedFoldsWithoutGroupsAreTheStratifiedFoldsOfTheImages() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var foldsOfImages: [[String: String]] = []
        for augment in ["jpeg,resize", "none"] {
            let run = try Specdet.run(["train", "--quiet", "--augment", augment, "--seed", "3",
                                       "--real", "Fixtures/images/ae128_nearest/real", "Fixtures/images/dcgan64/real",
                                       "--fake", "Fixtures/images/ae128_nearest/fake", "Fixtures/images/dcgan64/fake",
                                       "--folds", "4", "--folds-out", folder.appendingPathComponent("folds.csv").path,
                                       "-o", folder.appendingPathComponent("m.json").path])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.output.contains(augment == "none" ? "4 folds, stratified;" : "4 folds, stratified, each image's copies in its fold;"),
                    "\(run.output)")
            #expect(run.output.contains("not grouped by photograph"))
            let rows = csvRows(try String(contentsOf: folder.appendingPathComponent("folds.csv"), encoding: .utf8)).dropFirst()
            var foldOfPath: [String: Set<String>] = [:]
            for row in rows { foldOfPath[row[0], default: []].insert(row[2]) }
            #expect(foldOfPath.count == 24 && foldOfPath.values.allSatisfy { $0.count == 1 })
            foldsOfImages.append(foldOfPath.mapValues { $0.first! })
            let model = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("m.json"))) as! [String: Any]
            let crossValidation = (model["training"] as! [String: Any])["cross_validation"] as! [String: Any]
            #expect(crossValidation["grouped"] as? Bool == false)
        }
        #expect(foldsOfImages[0] == foldsOfImages[1])
    }

    /// The same image under two paths (copied into two folders) is named in a warning, and
    /// without --groups both copies share a fold, so a repeat is never a free right answer.
    @Test func repeatedImagesAreNamedAndKeptInOneFold() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let again = folder.appendingPathComponent("again")
        try FileManager.default.copyItem(atPath: Specdet.fixtures.appendingPathComponent("images/dcgan64/real").path, toPath: again.path)
        let run = try Specdet.run(["train", "--quiet", "--augment", "none", "--folds", "3",
                                   "--real", "Fixtures/images/dcgan64/real", again.path, "--fake", "Fixtures/images/dcgan64/fake",
                                   "--folds-out", folder.appendingPathComponent("folds.csv").path,
                                   "-o", folder.appendingPathComponent("m.json").path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("6 inputs repeat another input's image"), "\(run.stderr)")
        let rows = csvRows(try String(contentsOf: folder.appendingPathComponent("folds.csv"), encoding: .utf8)).dropFirst()
        var foldOfName: [String: Set<String>] = [:]
        for row in rows where row[1] == "real" { foldOfName[String(row[0].split(separator: "/").last!), default: []].insert(row[2]) }
        #expect(foldOfName.count == 6 && foldOfName.values.allSatisfy { $0.count == 1 }, "\(foldOfName)")
    }

    @Test func theScoreTableEscapesOnlyControlCharactersAndCanOmitItsHeader() throws {
        let folder = try Self.folder(with: [Array("back\\slash \"q\".png".utf8), Array("写真.png".utf8)])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Specdet.run(["score", "--quiet", "--format", "table", "--no-header", "."], in: folder)
        #expect(run.status == 0)
        let lines = run.lines
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("./back\\\\slash \"q\".png  ok"), "\(lines[0])")
        // The CJK characters take two terminal columns each: the status column lines up on screen.
        func columnOfStatus(_ line: Substring) -> Int? {
            line.range(of: "  ok").map { line[..<$0.lowerBound].unicodeScalars.reduce(0) { $0 + ((0x4E00...0x9FFF).contains($1.value) ? 2 : 1) } }
        }
        #expect(columnOfStatus(lines[1]) != nil && columnOfStatus(lines[1]) == columnOfStatus(lines[0]), "\(lines)")
    }

    @Test(arguments: [["score", "--threshold", "-1", "Fixtures/images/odd"],
                      ["evaluate", "--target-fpr", "-0.5", "--real", "Fixtures/images/odd", "--fake", "Fixtures/images/odd"]])
    func aNegativeValueIsRefusedAsOutOfRange(arguments: [String]) throws {
        let run = try Specdet.run(arguments)
        #expect(run.status == 64 || run.status == 2)
        #expect(run.stderr.contains("must be between 0 and 1"), "\(run.stderr)")
    }
}
