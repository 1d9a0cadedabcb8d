import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Everything around the decoder, attacked through the real binary: threads that cannot
/// start, named pipes where files are read, sizes that overflow, models that would make NaN,
/// closed descriptors, outputs that fail or name an input, file modes, damaged profile CSVs,
/// and bounds on every input that scales work. One test per class of failure.
@Suite struct HardeningTests {
    static let dcgan = ["--real", "Fixtures/images/dcgan64/real", "--fake", "Fixtures/images/dcgan64/fake"]

    /// Runs `specdet ARGS` through `sh -c PREFIX` (for ulimit, umask or closed descriptors).
    static func shell(_ prefix: String, _ arguments: [String], in directory: URL? = nil) throws -> TimedRun {
        try TimedProcess.run("/bin/sh", ["-c", prefix + "; exec \"$0\" \"$@\"", Specdet.binary.path] + arguments, in: directory)
    }

    // MARK: Threads

    /// Thousands of workers asked for when the user may start only a few more threads
    /// (`RLIMIT_NPROC`, as a pids cgroup would): pthread_create fails for most, and the run goes
    /// on with those that started (or on the calling thread). Root ignores the limit, so there
    /// the run drops to `nobody`; the limit is the user's tasks at the start plus four.
    @Test(.enabled(if: Unprivileged.available && FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit"),
                   "needs prlimit (util-linux) and, as root, a way to run as nobody"))
    func workersThatCannotStartDoNotHangTheRun() throws {
        let script = #"n=0; for t in /proc/[0-9]*/task/*; do [ -O "$t" ] && n=$((n + 1)); done; "#
            + #"exec /usr/bin/prlimit --nproc=$((n + 4)) "$0" "$@""#
        let run = try TimedProcess.run(Unprivileged.prefix?.first ?? "/bin/sh",
                                       Array((Unprivileged.prefix ?? []).dropFirst()) + (Unprivileged.prefix == nil ? [] : ["/bin/sh"])
                                       + ["-c", script, Specdet.binary.path, "profile", "--quiet", "--jobs", "3000",
                                          Specdet.fixtures.path + "/images/jpeg"])
        #expect(!run.timedOut, "the run waited for threads that never started")
        #expect(run.exited(0), "status \(run.status) (\(run.reason)): \(run.stderr)")
        #expect(csvRows(run.output).count == 1 + (try FileManager.default.contentsOfDirectory(
            atPath: Specdet.fixtures.path + "/images/jpeg").count))
    }

    /// Thousands of workers asked for in an address space too small for all their stacks: the
    /// starts that fail leave the others little room for a 1024x1024 image's buffers and
    /// FFTW's plan (whose failed malloc would abort the process), so half of the started
    /// workers leave before working. Every image has its row: scored, or a
    /// `memory_limit_exceeded` error where the libraries' own mappings left too little.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/sh"), "needs /bin/sh for ulimit"),
          arguments: [800_000, 1_500_000])
    func workersThatExhaustTheAddressSpaceLeaveRoomToWork(kibibytes: Int) throws {
        let folder = Specdet.fixtures.path + "/images/jpeg"
        let run = try Self.shell("ulimit -v \(kibibytes) || exit 99", ["score", "--quiet", "--jobs", "3000", folder])
        #expect(!run.timedOut, "the run hung")
        #expect(run.exited(0) || run.exited(1), "status \(run.status) (\(run.reason)): \(run.stderr)")
        let rows = csvRows(run.output).dropFirst()
        #expect(rows.count == (try FileManager.default.contentsOfDirectory(atPath: folder).count))
        #expect(rows.allSatisfy { ["ok", "memory_limit_exceeded"].contains($0[1]) }, "\(run.output)")
        #expect(rows.contains { $0[1] == "ok" })
    }

    // MARK: Named pipes and other files that are read

    /// A FIFO nobody writes to, wherever a path is read: an image input, a model, a groups
    /// file. Nothing may wait for a writer.
    @Test func namedPipesNeverBlock() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let commands: [([String], Int32)] = [
            (["train", "--quiet", "--augment", "none", "--folds", "0", "--real", fifo, "Fixtures/images/dcgan64/real",
              "--fake", "Fixtures/images/dcgan64/fake", "-o", folder.appendingPathComponent("m.json").path], 1),
            (["evaluate", "--quiet", "--real", fifo, "Fixtures/images/dcgan64/real", "--fake", "Fixtures/images/dcgan64/fake"], 1),
            (["plot", "--quiet", "--real", fifo, "Fixtures/images/dcgan64/real", "--fake", "Fixtures/images/dcgan64/fake"], 1),
            (["score", "--quiet", "--model", fifo, "Fixtures/images/jpeg"], 2),
            (["train", "--quiet", "--groups", fifo, "-o", folder.appendingPathComponent("m.json").path] + Self.dcgan, 2),
        ]
        for (arguments, status) in commands {
            let run = try TimedProcess.specdet(arguments)
            #expect(!run.timedOut, "\(arguments[0]) waited for a writer")
            #expect(run.exited(status), "\(arguments): status \(run.status): \(run.stderr)")
        }
    }

    /// A model, a groups file or a list through process substitution (a pipe with a writer)
    /// is read to its end like a file.
    @Test func processSubstitutionIsReadLikeAFile() throws {
        let run = try TimedProcess.run("/bin/bash", ["-c", "\"$0\" score --quiet --model <(cat \"$1\") Fixtures/images/jpeg",
                                                     Specdet.binary.path, "Sources/_SpecdetDefaultModel/model/default-model.json"])
        #expect(run.exited(0), "status \(run.status): \(run.stderr)")
        #expect(csvRows(run.output).count == 6)
    }

    /// A sparse file far over the model size bound is refused from its size, unread.
    @Test func oversizedModelIsRefusedFromItsSize() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("huge.json").path
        let fd = open(path, O_CREAT | O_WRONLY, 0o644)
        #expect(fd >= 0 && ftruncate(fd, 2 << 30) == 0)
        close(fd)
        let run = try TimedProcess.specdet(["score", "--model", path, "Fixtures/images/jpeg"])
        #expect(run.exited(2))
        #expect(run.stderr.contains("limit"), "\(run.stderr)")
    }

    // MARK: Sizes and counts from the command line

    @Test(arguments: [["fingerprint", "--size", "3037000500", "Fixtures/images/jpeg", "-o", "/tmp/never.png"],
                      ["fingerprint", "--size", "70000x2", "Fixtures/images/jpeg", "-o", "/tmp/never.png"],
                      ["train", "--augment-copies", "1000000000000000000", "-o", "/tmp/never.json"] + dcgan,
                      ["train", "--augment-rounds", "1000000", "-o", "/tmp/never.json"] + dcgan,
                      ["profile", "--shard", "1//2", "Fixtures/images/jpeg"],
                      ["profile", "--shard", "+1/+1", "Fixtures/images/jpeg"]])
    func outOfRangeValuesAreUsageErrors(arguments: [String]) throws {
        let run = try TimedProcess.specdet(arguments)
        #expect(run.exited(2), "\(arguments): status \(run.status) (\(run.reason)): \(run.stderr)")
        #expect(run.stderr.hasPrefix("specdet: error: "), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never.png") && !FileManager.default.fileExists(atPath: "/tmp/never.json"))
    }

    // MARK: Models that would make NaN

    /// A model whose finite but extreme values would turn P(fake) into NaN is refused, and
    /// so is one with a repeated key.
    @Test func modelsThatCouldGiveNaNOrMeanTwoThingsAreRefused() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.json")
        let train = try Specdet.run(["train", "--quiet", "--classifier", "logistic", "--standardize", "--augment", "none",
                                     "--folds", "0", "-o", model.path] + Self.dcgan)
        #expect(train.status == 0, "\(train.stderr)")
        let text = try String(contentsOf: model, encoding: .utf8)
        var json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        var scaler = try #require(json["scaler"] as? [String: Any])
        var std = try #require(scaler["std"] as? [Double])
        std[7] = 1e-300
        scaler["std"] = std
        json["scaler"] = scaler
        let tiny = folder.appendingPathComponent("tiny.json")
        try JSONSerialization.data(withJSONObject: json).write(to: tiny)
        let duplicated = folder.appendingPathComponent("dup.json")
        try ("{\"threshold\":0.9," + text.dropFirst()).write(to: duplicated, atomically: true, encoding: .utf8)
        for (path, mention) in [(tiny, "scaler.std[7]"), (duplicated, "threshold")] {
            let run = try Specdet.run(["score", "--model", path.path, "Fixtures/images/jpeg"])
            #expect(run.status == 2 && run.stderr.contains(mention), "\(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
    }

    // MARK: Descriptors and outputs

    /// With stderr closed, the output file must not get descriptor 2 and fill with messages.
    @Test func closedStandardErrorKeepsMessagesOutOfTheOutput() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out.csv")
        let run = try Self.shell("exec 2>&-", ["profile", "Fixtures/malformed/png", "--output", output.path])
        #expect(run.exited(1))
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(!text.contains("specdet:"), "diagnostics went into the output")
        #expect(csvRows(text).allSatisfy { $0.count == 304 })
    }

    /// All outputs of one command are checked before the work and replaced together, only on
    /// success: one that cannot be written leaves the other untouched.
    /// Two outputs that name one file (a link and its target) are refused before any work; an
    /// output that is a link to a file not yet there writes that file and keeps the link.
    @Test func outputsAreTheFilesTheyName() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.json"), link = folder.appendingPathComponent("folds.csv")
        try Data("{}".utf8).write(to: model)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: model)
        let train = try Specdet.run(["train", "--real", "Fixtures/images/dcgan64/real", "--fake", "Fixtures/images/dcgan64/fake",
                                     "--augment", "none", "--folds", "3", "-o", model.path, "--folds-out", link.path])
        #expect(train.status == 2 && train.stderr.contains("two outputs"), "\(train.stderr)")
        #expect(try String(contentsOf: model, encoding: .utf8) == "{}")

        let dangling = folder.appendingPathComponent("scores.csv"), target = folder.appendingPathComponent("later.csv")
        try FileManager.default.createSymbolicLink(at: dangling, withDestinationURL: target)
        let score = try Specdet.run(["score", "--quiet", "Fixtures/images/odd", "-o", dangling.path])
        #expect(score.status == 0, "\(score.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dangling.path) == target.path)
        #expect(csvRows(try String(contentsOf: target, encoding: .utf8)).count == 3)
    }

    @Test func outputsOfOneCommandCommitTogether() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let old = folder.appendingPathComponent("old.csv")
        let before = Data("kept\n".utf8)
        try before.write(to: old)
        let plot = try TimedProcess.specdet(["plot", "--quiet", "--csv", old.path, "--output", "/nonexistent/x.svg"] + Self.dcgan)
        let train = try TimedProcess.specdet(["train", "--quiet", "--folds-out", old.path, "--output", "/nonexistent/m.json"] + Self.dcgan)
        for run in [plot, train] {
            #expect(run.exited(2) && run.stderr.contains("/nonexistent/"), "\(run.stderr)")
        }
        // train found the bad output before training: no cross-validation report was printed.
        #expect(!train.output.contains("cross-validation"))
        #expect(try Data(contentsOf: old) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["old.csv"])
    }

    /// An output that names one of the inputs (by device and inode, whatever the spelling) is
    /// refused, and the input is left as it was.
    @Test func anOutputThatIsAnInputIsRefused() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let images = folder.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        let image = images.appendingPathComponent("a.jpg")
        try FileManager.default.copyItem(atPath: InterruptibleCommand.slowInput, toPath: image.path)
        let model = folder.appendingPathComponent("m.json")
        try FileManager.default.copyItem(atPath: "Sources/_SpecdetDefaultModel/model/default-model.json", toPath: model.path)
        let profiles = folder.appendingPathComponent("r.csv")
        #expect(try Specdet.run(["profile", "--quiet", "Fixtures/images/dcgan64/real", "-o", profiles.path]).status == 0)
        let list = folder.appendingPathComponent("list.txt"), groups = folder.appendingPathComponent("groups.csv")
        try (image.path + "\n").write(to: list, atomically: true, encoding: .utf8)
        try "path,group\n".write(to: groups, atomically: true, encoding: .utf8)
        let linkToList = folder.appendingPathComponent("list.png")
        try FileManager.default.createSymbolicLink(at: linkToList, withDestinationURL: list)
        let files = [image, model, profiles, list, groups]
        let snapshot = try files.map { try Data(contentsOf: $0) }
        let dcgan = ["--real", "Fixtures/images/dcgan64/real", "--fake", "Fixtures/images/dcgan64/fake"]
        // Images, profile CSVs, models, path lists and groups files: every file a command reads.
        let runs = [
            try Specdet.run(["score", "--model", model.path, images.path, "--output", model.path]),
            try Specdet.run(["profile", images.path, "--output", images.path + "/./a.jpg"]),
            try Specdet.run(["train", "--real", profiles.path, "--fake", "Fixtures/images/dcgan64/fake", "--output", profiles.path]),
            try Specdet.run(["profile", "--files-from", list.path, "--output", list.path]),
            try Specdet.run(["report", "--files-from", list.path, "--output", list.path]),
            try Specdet.run(["evaluate", "--model", model.path] + dcgan + ["--output", model.path]),
            try Specdet.run(["info", model.path, "--output", model.path]),
            try Specdet.run(["plot", "--model", model.path] + dcgan + ["--csv", model.path]),
            try Specdet.run(["train", "--groups", groups.path] + dcgan + ["--output", groups.path]),
            try Specdet.run(["fingerprint", "--files-from", list.path, "--output", linkToList.path]),
        ]
        // A model file named `-` is a file like any other (only --files-from reads `-` as stdin).
        let dash = folder.appendingPathComponent("-")
        try FileManager.default.copyItem(at: model, to: dash)
        let dashSnapshot = try Data(contentsOf: dash)
        for run in runs + [try Specdet.run(["info", "-", "--output", "./-"], in: folder)] {
            #expect(run.status == 2 && run.stderr.contains("both an input and the output"), "\(run.stderr)")
        }
        #expect(try files.map { try Data(contentsOf: $0) } == snapshot)
        #expect(try Data(contentsOf: dash) == dashSnapshot)
        // Nothing is replaced when the output is a device: no refusal (here the empty list is the error).
        let device = try Specdet.run(["profile", "--files-from", "/dev/null", "--output", "/dev/null"])
        #expect(device.status == 2 && !device.stderr.contains("both an input") && device.stderr.contains("no input"), "\(device.stderr)")
    }

    /// A new output gets 0666 less the umask; a replaced one keeps its mode.
    @Test func outputModesFollowTheUmaskOrTheReplacedFile() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func mode(_ url: URL) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int) ?? -1
        }
        let fresh = folder.appendingPathComponent("new.csv"), replaced = folder.appendingPathComponent("old.csv")
        #expect(try Self.shell("umask 077", ["profile", "--quiet", "Fixtures/images/jpeg", "-o", fresh.path]).exited(0))
        #expect(try mode(fresh) == 0o600)
        try Data("old\n".utf8).write(to: replaced)
        #expect(chmod(replaced.path, 0o640) == 0)
        #expect(try Self.shell("umask 022", ["profile", "--quiet", "Fixtures/images/jpeg", "-o", replaced.path]).exited(0))
        #expect(try mode(replaced) == 0o640)
        #expect(try String(contentsOf: replaced, encoding: .utf8).hasPrefix("path,status"))
    }

    /// A report on a stdout that cannot be written is exit 2, not a silent success.
    @Test(.enabled(if: FileManager.default.isWritableFile(atPath: "/dev/full"), "needs /dev/full"))
    func trainReportOnAFullDeviceIsExitTwo() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        defer { try? full.close() }
        let run = try TimedProcess.specdet(["train", "--quiet", "--augment", "none", "--folds", "0",
                                            "-o", folder.appendingPathComponent("m.json").path] + Self.dcgan, standardOutput: full)
        #expect(run.exited(2), "status \(run.status): \(run.stderr)")
    }

    // MARK: Profile CSVs

    /// One strict reader for every consumer: a row cut short, a non-finite or hexadecimal
    /// number, or an unknown status is an error naming the line, never a silently dropped row.
    @Test func damagedProfileCSVsAreRefusedByEveryConsumer() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let profiled = try Specdet.run(["profile", "--quiet", "Fixtures/images/dcgan64/real"])
        #expect(profiled.status == 0)
        let good = profiled.output
        var lines = good.components(separatedBy: "\n").filter { !$0.isEmpty }
        let last = lines.removeLast()
        let cut = lines.joined(separator: "\n") + "\n" + last.prefix(20)
        let quotedCut = lines.joined(separator: "\n") + "\n\"" + last.prefix(20)
        func replacingThirdValue(_ text: String) -> String {
            var fields = lines[1].components(separatedBy: ",")
            fields[6] = text
            return ([lines[0], fields.joined(separator: ",")] + lines.dropFirst(2)).joined(separator: "\n") + "\n"
        }
        let cases = [("cut.csv", cut, "line \(lines.count + 1)"), ("quoted.csv", quotedCut, "not closed"),
                     ("nan.csv", replacingThirdValue("nan"), "line 2"), ("inf.csv", replacingThirdValue("inf"), "line 2"),
                     ("hex.csv", replacingThirdValue("0x1p-3"), "line 2"), ("status.csv", replacingThirdValue("0.5").replacingOccurrences(of: ",ok,", with: ",bogus,"), "status")]
        for (name, text, mention) in cases {
            let file = folder.appendingPathComponent(name)
            try text.write(to: file, atomically: true, encoding: .utf8)
            for command in [["train", "--augment", "none", "--folds", "0", "-o", folder.appendingPathComponent("m.json").path],
                            ["plot", "-o", folder.appendingPathComponent("p.svg").path],
                            ["evaluate"]] {
                let run = try Specdet.run(command + ["--real", file.path, "--fake", "Fixtures/images/dcgan64/fake"])
                #expect(run.status == 2 && run.stderr.contains(mention), "\(command[0]) \(name): \(run.stderr)")
            }
        }
    }

    /// The same images given as real and as fake cannot be trained on.
    @Test func theSameImagesAsBothClassesAreRefusedByTrain() throws {
        let run = try Specdet.run(["train", "--real", "Fixtures/images/jpeg", "--fake", "Fixtures/images/jpeg", "-o", "/tmp/never.json"])
        #expect(run.status == 2 && run.stderr.contains("both real and fake"), "\(run.stderr)")
    }
}
