import Foundation
import Testing
import SpecdetSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Error codes that say what is wrong with a file (RELIABILITY.md), i.e. every code except
/// the catch-all `decoder_error` and `io_error`.
let specificErrorCodes: Set<String> = [
    "not_found", "not_regular_file", "permission_denied", "symlink_loop", "dangling_symlink", "empty_file",
    "file_too_large", "unknown_format", "unsupported_format", "truncated", "checksum_mismatch",
    "corrupt_data", "invalid_header", "pixel_limit_exceeded", "scan_limit_exceeded", "too_small",
    "time_limit_exceeded", "memory_limit_exceeded",
]

/// One row of `Fixtures/malformed/MANIFEST.tsv`: `decode` rows with `WxHxC`, `reject` rows
/// with a reason.
struct MalformedManifestRow: Sendable {
    let file: String
    let decodes: Bool
    let detail: String

    /// The path as `specdet profile Fixtures/malformed` writes it (run from the repository root).
    var cliPath: String { "Fixtures/malformed/" + file }

    var size: (width: Int, height: Int) {
        let parts = detail.split(separator: "x").compactMap { Int($0) }
        return (parts[0], parts[1])
    }

    static func load() throws -> [MalformedManifestRow] {
        let text = try String(contentsOf: Specdet.fixtures.appendingPathComponent("malformed/MANIFEST.tsv"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.dropFirst().map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return MalformedManifestRow(file: fields[0], decodes: fields[2] == "decode", detail: fields[3])
        }
    }
}

/// Whether a decodable `width x height` image is too small for a profile: fewer than 4 kept
/// spectral rings (rings 1…floor(hypot((W−1)/2, (H−1)/2))−1; see ProfileExtractor.rings).
func isTooSmallForAProfile(width: Int, height: Int) -> Bool {
    let outerRing = Int(hypot(Double(width - 1) / 2, Double(height - 1) / 2).rounded(.down))
    return outerRing - 1 < 4
}

/// The whole malformed corpus through the real binary, and outputs that cannot be
/// written. (Filesystem traps: `FilesystemTrapTests`; signals: `InterruptionTests`.)
@Suite struct ReliabilityTests {
    static let bins = 300

    // MARK: - Fuzz findings, end to end

    /// `specdet profile --jobs 1 FILE` in a child of Python, which reports the child's status
    /// and peak RSS in KiB from `getrusage(RUSAGE_CHILDREN)` (the only portable way to get one
    /// child's peak here), then specdet's stdout.
    static func profileWithPeakRSS(_ file: String) throws -> (status: Int, peakKiB: Int, rows: [Substring], stderr: String) {
        let script = """
            import resource, subprocess, sys
            run = subprocess.run(sys.argv[1:], capture_output=True)
            sys.stdout.write("%d %d\\n" % (run.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
            sys.stdout.write(run.stdout.decode())
            sys.stderr.write(run.stderr.decode())
            """
        let run = try TimedProcess.run("/usr/bin/python3", ["-c", script, Specdet.binary.path, "profile", "--jobs", "1", file])
        let lines = run.output.split(separator: "\n")
        let measured = try #require(lines.first).split(separator: " ").compactMap { Int($0) }
        try #require(measured.count == 2, "\(run.output) \(run.stderr)")
        return (measured[0], measured[1], Array(lines.dropFirst(2)), run.stderr)
    }

    /// Fixtures/fuzz-regressions/oom-a452219e…: a 90-byte PNG whose sPLT chunk declares
    /// 1,934,642,260 bytes. libpng allocated (and touched) the whole buffer before reading the
    /// chunk: 1.9 GB of RSS per file and worker. The C glue now checks every chunk length against
    /// the data before libpng runs.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3 to measure peak RSS"))
    func aChunkClaimingGigabytesIsTruncatedWithoutAllocatingThem() throws {
        let file = "Fixtures/fuzz-regressions/oom-a452219e7febb44d6cc7684c6aa56b9d3eb1fd33"
        let run = try Self.profileWithPeakRSS(file)
        #expect(run.status == 1)
        #expect(run.rows.first?.hasPrefix(file + ",truncated,") == true, "\(run.rows)")
        let peakMiB = run.peakKiB / 1024
        #expect(peakMiB < 400, "peak RSS \(peakMiB) MiB for a 90-byte file")
    }

    /// HEIF/AVIF files whose coded stream or grid declares more than their ispe: libheif 1.15
    /// lets the codec (or its grid code) allocate what they declare. Before the glue read the
    /// stream headers (sd_heif_streams.c), the fuzz find oom-37f8787d… (a grid whose data says
    /// 24832x15616, ispe 97x61) cost 2.2 GB, the SPS bomb 1.6 GB, the AV1 one 3.9 GB and the
    /// grid 5.3 GB of peak RSS; each is now refused from its headers in a few MiB.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3 to measure peak RSS"),
          arguments: [
              ("Fixtures/fuzz-regressions/oom-37f8787d6759ce9417082325f7778ea5189eac8e", "corrupt_data"),
              ("Fixtures/malformed/heif/heif_sps_16384x16384.heic", "pixel_limit_exceeded"),
              ("Fixtures/malformed/heif/heif_grid_30000x30000_ispe_97x61.heic", "corrupt_data"),
              ("Fixtures/malformed/avif/avif_seq_16384x16384.avif", "pixel_limit_exceeded"),
          ])
    func aStreamDeclaringMoreThanItsHeaderIsRefusedWithoutDecoding(file: String, code: String) throws {
        let run = try Self.profileWithPeakRSS(file)
        #expect(run.status == 1)
        #expect(run.rows.first?.hasPrefix(file + "," + code + ",") == true, "\(run.rows)")
        #expect(run.stderr.contains(" declares "), "refused from the stream header: \(run.stderr)")
        let peakMiB = run.peakKiB / 1024
        #expect(peakMiB < 400, "peak RSS \(peakMiB) MiB for a file of a few KB")
    }

    // MARK: - Output that cannot be written: exit 2, a message, no file

    /// The folder of the output does not exist: fails before any input is read.
    @Test func outputUnderAMissingFolderIsExitTwoAndLeavesNothing() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.path + "/no/such/dir/profiles.csv"
        let run = try TimedProcess.specdet(["profile", "Fixtures/images/odd", "--output", target])
        #expect(run.exited(2))
        #expect(run.stderr.contains("cannot write '\(target)'"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    /// /proc refuses new files even to root: the one unwritable folder every Linux CI has.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/status"), "needs Linux /proc"))
    func outputInAFolderEvenRootCannotWriteIsExitTwo() throws {
        let target = "/proc/specdet-reliability-\(UUID().uuidString).csv"
        let run = try TimedProcess.specdet(["profile", "Fixtures/images/odd", "--output", target])
        #expect(run.exited(2))
        #expect(run.stderr.contains("cannot write '\(target)'"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    /// chmod 0555 folder, run as a user the mode applies to (as `nobody` when the tests run as root).
    @Test(.enabled(if: Unprivileged.available, Unprivileged.skipReason))
    func outputInAReadOnlyFolderIsExitTwo() throws {
        let folder = try Specdet.temporaryFolder()
        defer {
            chmod(folder.path, 0o755)
            try? FileManager.default.removeItem(at: folder)
        }
        let before = Data("previous contents\n".utf8)
        let target = folder.appendingPathComponent("profiles.csv")
        try before.write(to: target)
        #expect(chmod(target.path, 0o666) == 0)  // the file itself is writable, its folder is not
        #expect(chmod(folder.path, 0o555) == 0)
        let run = try TimedProcess.specdet(["profile", Specdet.fixtures.path + "/images/odd", "--output", target.path],
                                           unprivileged: true)
        #expect(run.exited(2), "status \(run.status): \(run.stderr)")
        #expect(run.stderr.contains("cannot write '\(target.path)'"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["profiles.csv"])
        #expect(try Data(contentsOf: target) == before)
    }

    /// The output path is a folder: refused, no temporary file, the folder untouched.
    @Test func outputOntoAnExistingFolderIsExitTwoAndLeavesNoTemporaryFile() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("profiles.csv")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: target.appendingPathComponent("inside.txt"))
        let run = try TimedProcess.specdet(["profile", "--quiet", "Fixtures/images/odd", "--output", target.path])
        #expect(run.exited(2))
        #expect(run.stderr.contains("cannot write '\(target.path)'"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["profiles.csv"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path) == ["inside.txt"])
    }

    /// A write that fails in the middle of the run, as on a full disk: RLIMIT_FSIZE (`ulimit -f`)
    /// with SIGXFSZ ignored makes `write` fail with EFBIG once the temporary file reaches 8 KiB,
    /// well before the ~200 KiB of rows are written. (A real full filesystem would need a mount
    /// the tests cannot make; `/dev/full` is used for stdout below.)
    @Test func writeFailureInTheMiddleOfTheRunIsExitTwoAndLeavesNoPartialFile() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = Data("previous contents\n".utf8)
        let target = folder.appendingPathComponent("profiles.csv")
        try before.write(to: target)
        let script = "trap '' XFSZ; ulimit -f 16; exec \"$0\" \"$@\""
        let run = try TimedProcess.run("/bin/sh", ["-c", script, Specdet.binary.path,
                                                   "profile", "--quiet", "Fixtures/images", "--output", target.path])
        #expect(run.exited(2), "status \(run.status) (\(run.reason)): \(run.stderr)")
        #expect(run.stderr.contains("cannot write '\(target.path)'"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["profiles.csv"])
        #expect(try Data(contentsOf: target) == before)
    }

    /// stdout on a full device (`/dev/full`: every write fails with ENOSPC).
    @Test(.enabled(if: FileManager.default.isWritableFile(atPath: "/dev/full"), "needs /dev/full"))
    func standardOutputOnAFullDeviceIsExitTwo() throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        defer { try? full.close() }
        let run = try TimedProcess.specdet(["profile", "--quiet", "Fixtures/images"], standardOutput: full)
        #expect(run.exited(2), "status \(run.status): \(run.stderr)")
        #expect(run.stderr.contains("cannot write 'standard output'"), "\(run.stderr)")
    }

    /// Started with stdout closed, the rows would go to the /dev/null that stands in for it:
    /// an output that cannot be written, not a success.
    @Test func aClosedStandardOutputIsExitTwo() throws {
        let run = try TimedProcess.run("/bin/sh", ["-c", "exec \"$0\" profile --quiet Fixtures/images/odd >&-", Specdet.binary.path],
                                       in: Specdet.root)
        #expect(run.exited(2), "status \(run.status): \(run.stderr)")
        #expect(run.stderr.contains("cannot write 'standard output': it is closed"), "\(run.stderr)")
    }

    /// A symbolic link as the output: the file it names is replaced atomically, the link stays.
    @Test func outputThroughASymbolicLinkReplacesItsTargetAndKeepsTheLink() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("profiles.csv"), link = folder.appendingPathComponent("link.csv")
        try Data("previous contents\n".utf8).write(to: target)
        #expect(symlink("profiles.csv", link.path) == 0)
        let run = try TimedProcess.specdet(["profile", "--quiet", "Fixtures/images/odd", "--output", link.path])
        #expect(run.exited(0), "\(run.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "profiles.csv")
        #expect(try String(contentsOf: target, encoding: .utf8).hasPrefix("path,status,"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["link.csv", "profiles.csv"])
    }

    /// A named pipe as the output (as a device such as /dev/null would be): written in place,
    /// never renamed over, so the reader gets every row and the pipe stays a pipe.
    @Test func outputToANamedPipeIsWrittenInPlace() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("rows.fifo")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        // The read end is opened first and without blocking, so that specdet's open succeeds and
        // its few rows wait in the pipe; had specdet renamed a file over the pipe instead, this
        // read end would see no writer and read nothing (rather than hang).
        let readEnd = open(fifo.path, O_RDONLY | O_NONBLOCK)
        try #require(readEnd >= 0)
        let reader = FileHandle(fileDescriptor: readEnd, closeOnDealloc: true)
        let run = try TimedProcess.specdet(["score", "--quiet", "Fixtures/images/jpeg", "--output", fifo.path])
        #expect(run.exited(0), "\(run.stderr)")
        let received = reader.readDataToEndOfFile()
        let rows = String(decoding: received, as: UTF8.self).split(separator: "\n")
        #expect(rows.first == "path,status,probability_fake,label,width,height,in_domain" && rows.count == 6)
        var info = stat()
        #expect(lstat(fifo.path, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["rows.fifo"])
    }
}

/// The whole malformed corpus through the real binary (about a minute in a debug build).
@Suite(.slow) struct MalformedCorpusTests {
    static let bins = ReliabilityTests.bins

    // MARK: - The malformed corpus end to end

    @Test func malformedCorpusGivesOneTruthfulRowPerFile() throws {
        let run = try TimedProcess.specdet(["profile", "--features", "durall", "Fixtures/malformed"])
        #expect(!run.timedOut, "specdet profile Fixtures/malformed hung")
        #expect(run.exited(1), "status \(run.status) (\(run.reason)): \(run.stderr.suffix(500))")

        let rows = csvRows(run.output)
        try #require(!rows.isEmpty)
        #expect(rows[0] == ["path", "status", "width", "height"] + (0..<Self.bins).map { "bin_\($0)" })
        let body = Array(rows.dropFirst())
        #expect(body.allSatisfy { $0.count == 4 + Self.bins })

        // Exactly the files of the walk, in the walk's order, once each.
        let absolute = Specdet.fixtures.path + "/malformed"
        let walk = expectedWalk(Array(absolute.utf8)).map {
            "Fixtures/malformed" + String(decoding: $0.dropFirst(absolute.utf8.count), as: UTF8.self)
        }
        #expect(walk.count > 250)
        #expect(body.map { $0[0] } == walk)

        let byPath = Dictionary(body.map { ($0[0], $0) }, uniquingKeysWith: { first, _ in first })
        let manifest = try MalformedManifestRow.load()
        var notWalked: Set<String> = []
        for entry in manifest {
            guard let row = byPath[entry.cliPath] else {
                notWalked.insert(entry.file)
                continue
            }
            let status = row[1], bins = row[4...]
            if entry.decodes {
                let size = entry.size
                #expect(row[2] == String(size.width) && row[3] == String(size.height),
                        "\(entry.file): \(row[2])x\(row[3]), manifest \(entry.detail)")
                if isTooSmallForAProfile(width: size.width, height: size.height) {
                    #expect(status == "too_small", "\(entry.file) (\(entry.detail)): \(status)")
                    #expect(bins.allSatisfy { $0.isEmpty }, "\(entry.file)")
                } else if status == "degenerate_spectrum" {
                    // Only an image whose luma is one value (a blank or a colour-only image).
                    #expect(run.stderr.contains("\(entry.cliPath): degenerate_spectrum: the image is nearly constant (luma standard deviation 0.00,"),
                            "\(entry.file) (\(entry.detail))")
                    #expect(bins.allSatisfy { $0.isEmpty }, "\(entry.file)")
                } else {
                    #expect(status == "ok", "\(entry.file) (\(entry.detail)): \(status)")
                    let values = bins.compactMap { Double($0) }
                    #expect(values.count == Self.bins && values.allSatisfy { $0.isFinite }, "\(entry.file)")
                    #expect(values.first == 1, "\(entry.file)")
                }
            } else {
                #expect(status != "ok", "\(entry.file) (\(entry.detail)) was profiled")
                #expect(specificErrorCodes.contains(status), "\(entry.file) (\(entry.detail)): \(status)")
                // Only a refusal for the size keeps the header's size; no failed row has bins.
                let sizeColumns = status == "pixel_limit_exceeded" ? 4 : 2
                #expect(row[sizeColumns...].allSatisfy { $0.isEmpty }, "\(entry.file): numbers on a failed row")
                #expect(row[2..<sizeColumns].allSatisfy { (Int($0) ?? 0) > 0 }, "\(entry.file): \(row[2..<sizeColumns])")
            }
        }
        // The two manifest entries a folder walk does not take: a folder named like an image
        // (descended into, RELIABILITY/MANIFEST: "when recursing, descend instead") and a file
        // without an image extension (taken only when named; checked below).
        #expect(notWalked == ["fs/dir_named.png", "mislabeled/png_content_no_extension"])
        // Every walked file is in the manifest (the test would otherwise silently skip it).
        #expect(Set(walk).subtracting(manifest.map(\.cliPath)).isEmpty)

        // One message per failed row, naming the file and its code, and a true summary.
        let failed = body.filter { $0[1] != "ok" }
        for row in failed {
            #expect(run.stderr.contains("specdet: \(row[0]): \(row[1]): "), "no message for \(row[0])")
        }
        let ok = body.count - failed.count
        #expect(run.stderr.contains("\(body.count) files: \(ok) ok, \(failed.count) failed"))
        #expect(failed.count > 80 && ok > 150)
    }

    /// The default (sectors) features fail exactly where durall's do, and on images one pixel
    /// thin, whose spectrum has no diagonal frequencies (too_small); elsewhere every value is finite.
    @Test func sectorsOverTheMalformedCorpusFailOnlyWhereDurallDoesAndOnLines() throws {
        let sectors = try TimedProcess.specdet(["profile", "--quiet", "Fixtures/malformed"])
        let durall = try TimedProcess.specdet(["profile", "--quiet", "--features", "durall", "Fixtures/malformed"])
        #expect(sectors.exited(1) && durall.exited(1))
        let sectorRows = csvRows(sectors.output).dropFirst(), durallRows = csvRows(durall.output).dropFirst()
        #expect(sectorRows.map { $0[0] } == durallRows.map { $0[0] })
        for (row, reference) in zip(sectorRows, durallRows) {
            let isLine = reference[1] == "ok" && (reference[2] == "1" || reference[3] == "1")
            #expect(row[1] == (isLine ? "too_small" : reference[1]), "\(row[0]): \(row[1]), durall \(reference[1])")
            if row[1] == "ok" {
                #expect(row[4...].allSatisfy { Double($0)?.isFinite == true }, "\(row[0])")
            }
        }
    }

    /// A file named explicitly is always taken, whatever its name; the format comes from the content.
    @Test func manifestFilesTheWalkDoesNotTakeBehaveWhenNamed() throws {
        let named = try TimedProcess.specdet(["profile", "Fixtures/malformed/mislabeled/png_content_no_extension"])
        #expect(named.exited(0), "\(named.stderr)")
        let rows = csvRows(named.output).dropFirst()
        #expect(rows.map { Array($0.prefix(4)) } == [["Fixtures/malformed/mislabeled/png_content_no_extension", "ok", "64", "48"]])

        // A folder named like an image is a folder: walked (it holds no image), never decoded.
        let folder = try TimedProcess.specdet(["profile", "Fixtures/malformed/fs/dir_named.png"])
        #expect(!folder.timedOut)
        #expect(folder.status != 0)
        #expect(!csvRows(folder.output).dropFirst().contains { $0.count > 1 && $0[1] == "ok" })
    }
}
