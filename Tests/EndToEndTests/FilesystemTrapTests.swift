import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A temporary folder full of the filesystem cases git cannot hold (RELIABILITY.md), made
/// with raw byte names, and the status specdet must give each entry a folder walk takes.
final class TrapFolder {
    let url: URL
    var path: [UInt8] { Array(url.path.utf8) }
    /// Status expected for each name the walk takes (relative to the folder, raw bytes).
    private(set) var expected: [[UInt8]: String] = [:]
    /// The non-UTF-8 name: `bad-<FF><FE>-name.png`.
    static let nonUTF8Name: [UInt8] = Array("bad-".utf8) + [0xFF, 0xFE] + Array("-name.png".utf8)
    static let image = "malformed/png/png_rgba_8.png"  // 64x48
    /// What the unreadable file gives: denied unless specdet runs as root (which reads it).
    let unreadableStatus: String

    init(specdetIsUnprivileged: Bool) throws {
        url = try Specdet.temporaryFolder()
        chmod(url.path, 0o755)  // `nobody` walks it when the tests drop privileges
        unreadableStatus = specdetIsUnprivileged ? "permission_denied" : "ok"
        let image = try Data(contentsOf: Specdet.fixtures.appendingPathComponent(Self.image))

        for name in ["good.png", "new\nline.png", "tab\there.png", "-dash.png", "comma,\"quote\".png"] {
            try file(Array(name.utf8), image, "ok")
        }
        try file(Self.nonUTF8Name, image, "ok")
        try file(Array("empty.png".utf8), Data(), "empty_file")
        try file(Array("notes.txt".utf8), Data("not an image, not taken".utf8), nil)
        try file(Array("locked.png".utf8), image, unreadableStatus)
        #expect(chmod(url.path + "/locked.png", 0) == 0)

        #expect(mkfifo(url.path + "/fifo.png", 0o644) == 0)
        expected[Array("fifo.png".utf8)] = "not_regular_file"
        try link("zero.jpg", to: "/dev/zero", "not_regular_file")
        try link("loop", to: ".", nil)              // a folder cycle: named in a warning, not walked again
        try link("loop.png", to: ".", nil)          // the same, whatever its name
        try link("dangling.png", to: "nowhere.png", "dangling_symlink")
        try link("selfloop.jpeg", to: "selfloop.jpeg", "symlink_loop")

        // 10 GiB, sparse: rejected from its size without a byte read.
        let fd = open(url.path + "/sparse.png", O_CREAT | O_WRONLY, 0o644)
        #expect(fd >= 0 && ftruncate(fd, 10 << 30) == 0)
        close(fd)
        expected[Array("sparse.png".utf8)] = "file_too_large"

        // A real subfolder with an upper-case extension, and a link back up (a second cycle).
        try FileManager.default.createDirectory(at: url.appendingPathComponent("sub"), withIntermediateDirectories: false)
        chmod(url.path + "/sub", 0o755)
        try file(Array("sub/deeper.JPG".utf8), try Data(contentsOf: Specdet.fixtures.appendingPathComponent("malformed/mislabeled/UPPERCASE_EXT.JPG")), "ok")
        try link("sub/up", to: "..", nil)
    }

    deinit {
        chmod(url.path + "/locked.png", 0o644)
        try? FileManager.default.removeItem(at: url)
    }

    /// The status expected for a path under the folder (relative, or absolute below it).
    func status(of relative: [UInt8]) -> String? { expected[relative] }

    /// The bytes of `path` relative to the folder, or nil when it is not under it.
    func relative(_ path: [UInt8]) -> [UInt8]? {
        let prefix = self.path + [UInt8(ascii: "/")]
        return path.starts(with: prefix) ? Array(path.dropFirst(prefix.count)) : nil
    }

    /// Every entry the walk takes, relative, in no particular order.
    var takenNames: [[UInt8]] { Array(expected.keys) }

    /// The taken entries, which are files to a command line too.
    var namedFileNames: [[UInt8]] { takenNames }

    private func file(_ name: [UInt8], _ contents: Data, _ status: String?) throws {
        let fd = withCPath(path + [UInt8(ascii: "/")] + name) { open($0, O_CREAT | O_WRONLY | O_TRUNC, 0o644) }
        #expect(fd >= 0, "cannot create \(describe(name))")
        contents.withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if let status { expected[name] = status }
    }

    private func link(_ name: String, to target: String, _ status: String?) throws {
        #expect(symlink(target, url.path + "/" + name) == 0, "symlink \(name)")
        if let status { expected[Array(name.utf8)] = status }
    }
}

/// FIFOs, devices, links, cycles, a sparse 10 GiB file, an unreadable file and hostile names,
/// through the real binary: no hang, no crash, one row each, and a path column that leads
/// back to the file. Runs specdet as `nobody` when the tests run as root (see `Unprivileged`).
@Suite(.serialized) struct FilesystemTrapTests {
    static let unprivileged = Unprivileged.available

    /// Checks rows against the folder: each path maps back (unescaping `\xHH`) to an entry
    /// that exists, with the status that entry must get. Returns the mapped byte paths.
    @discardableResult
    func checkRows(_ rows: ArraySlice<[String]>, in folder: TrapFolder, relativeTo base: [UInt8]? = nil) -> [[UInt8]] {
        var mapped: [[UInt8]] = []
        for row in rows {
            guard row.count == 4 + 300 else {
                Issue.record("row with \(row.count) fields: \(row.prefix(4))")
                continue
            }
            let bytes = pathBytes(fromDisplay: row[0])
            mapped.append(bytes)
            let onDisk = base.map { $0 + [UInt8(ascii: "/")] + bytes } ?? bytes
            #expect(fileType(onDisk) != nil, "the path column '\(row[0])' does not lead back to a file")
            let relative = base == nil ? folder.relative(bytes) : bytes
            guard let relative, let want = folder.status(of: relative) else {
                Issue.record("row for an entry that should not be taken: '\(row[0])'")
                continue
            }
            #expect(row[1] == want, "'\(row[0])': \(row[1]), want \(want)")
            if row[1] == "ok" {
                #expect(row[2] == "64" && row[3] == "48", "'\(row[0])': \(row[2])x\(row[3])")
                #expect(row[4...].allSatisfy { Double($0) != nil })
            } else {
                #expect(row[4...].allSatisfy { $0.isEmpty })
            }
        }
        return mapped
    }

    @Test func folderWalkGivesOneRowPerEntryWithoutHangingOrFollowingCycles() throws {
        let folder = try TrapFolder(specdetIsUnprivileged: Self.unprivileged)
        let run = try TimedProcess.specdet(["profile", folder.url.path], unprivileged: true)
        #expect(!run.timedOut, "specdet hung on the trap folder")
        #expect(run.exited(1), "status \(run.status) (\(run.reason)): \(run.stderr)")

        let rows = csvRows(run.output).dropFirst()
        let mapped = checkRows(rows, in: folder)
        // Exactly the walk, in order: each taken entry once, nothing under `loop`, `loop.png` or
        // `sub/up` (each named in a warning as a loop), `notes.txt` counted in one warning.
        #expect(mapped.map(describe) == expectedWalk(folder.path).map(describe))
        #expect(Set(mapped.compactMap(folder.relative)) == Set(folder.takenNames))
        #expect(mapped.count == folder.takenNames.count)
        for loop in ["loop", "loop.png", "sub/up"] {
            #expect(run.stderr.contains("specdet: warning: '\(folder.url.path)/\(loop)' leads back to a folder it is inside"), "\(loop)")
        }
        #expect(run.stderr.components(separatedBy: "skipped by name").count == 2)
        #expect(run.stderr.contains("specdet: warning: 1 file skipped by name: 1 .txt\n"))

        // Escaping and quoting as CLI.md says: the non-UTF-8 bytes as \xHH, never U+FFFD, and
        // RFC 4180 quotes around the fields with a newline or a quote and a comma.
        let escaped = folder.url.path + "/bad-\\xFF\\xFE-name.png"
        #expect(rows.contains { $0[0] == escaped })
        #expect(!run.output.contains("\u{FFFD}"))
        #expect(run.output.contains("\n\"\(folder.url.path)/new\nline.png\",ok,64,48,"))
        #expect(run.output.contains("\n\"\(folder.url.path)/comma,\"\"quote\"\".png\",ok,64,48,"))
        #expect(run.output.contains("\n\(folder.url.path)/tab\there.png,ok,64,48,"))

        // Each failure is named on stderr with its code.
        for row in rows where row[1] != "ok" {
            #expect(run.stderr.contains("specdet: \(row[0]): \(row[1]): "), "no message for '\(row[0])'")
        }
    }

    /// Every entry named on the command line (relative, after `--`, in an order that is not
    /// sorted): one row each, in the order given.
    @Test func explicitPathsGiveOneRowEachInTheOrderGiven() throws {
        let folder = try TrapFolder(specdetIsUnprivileged: Self.unprivileged)
        let names = folder.namedFileNames.sorted { $0.lexicographicallyPrecedes($1) }.reversed()
        // Process arguments are Strings: the non-UTF-8 name goes through --files-from instead.
        let arguments = names.filter { String(validating: $0, as: UTF8.self) != nil }
            .map { String(decoding: $0, as: UTF8.self) }
        let run = try TimedProcess.specdet(["profile", "--"] + arguments, in: folder.url, unprivileged: true)
        #expect(!run.timedOut)
        #expect(run.exited(1), "status \(run.status): \(run.stderr)")
        let rows = csvRows(run.output).dropFirst()
        let mapped = checkRows(rows, in: folder, relativeTo: folder.path)
        #expect(mapped.map(describe) == arguments.map { describe(Array($0.utf8)) })

        // A leading dash behind `./` is just a name.
        let dotted = try TimedProcess.specdet(["profile", "./-dash.png"], in: folder.url)
        #expect(dotted.exited(0))
        #expect(csvRows(dotted.output).dropFirst().first?.prefix(2) == ["./-dash.png", "ok"])
    }

    /// Without `--`, a name with a leading dash reads as options. It must be a usage error
    /// (exit 2) or the file itself, never a successful run that profiled nothing. ArgumentParser
    /// alone would split `-dash.png` into the short flags `-d -a -s -h …`, find `-h`, print the
    /// help and exit 0; specdet refuses such an argument with a usage error instead.
    @Test func leadingDashNameWithoutDoubleDashIsNeverASilentSuccess() throws {
        let folder = try TrapFolder(specdetIsUnprivileged: Self.unprivileged)
        let dash = try TimedProcess.specdet(["profile", "-dash.png", "good.png"], in: folder.url)
        #expect(!dash.timedOut)
        #expect(dash.exited(2), "status \(dash.status), stdout starts \(dash.output.prefix(60).debugDescription)")
        #expect(dash.output.isEmpty)
        #expect(dash.stderr.contains("./-dash.png"))
    }

    /// `--files-from -` with raw bytes (TAB, non-UTF-8) on each line; a name holding a
    /// newline cannot be listed one per line and is left out.
    @Test func filesFromListGivesOneRowPerLineWithRawBytes() throws {
        let folder = try TrapFolder(specdetIsUnprivileged: Self.unprivileged)
        let names = folder.namedFileNames.filter { !$0.contains(UInt8(ascii: "\n")) }
            .sorted { $0.lexicographicallyPrecedes($1) }
        var list = Data()
        for name in names { list.append(contentsOf: name + [UInt8(ascii: "\n")]) }
        let run = try TimedProcess.specdet(["profile", "--files-from", "-"], in: folder.url, stdin: list, unprivileged: true)
        #expect(!run.timedOut)
        #expect(run.exited(1), "status \(run.status): \(run.stderr)")
        let rows = csvRows(run.output).dropFirst()
        let mapped = checkRows(rows, in: folder, relativeTo: folder.path)
        #expect(mapped.map(describe) == names.map(describe))
        #expect(rows.contains { $0[0] == "bad-\\xFF\\xFE-name.png" && $0[1] == "ok" })
    }

    /// A folder symlink named on the command line is followed once (it is what the user asked
    /// for); the cycle inside it is not followed again.
    @Test func namedFolderLinkIsWalkedOnceAndItsCycleIsNotFollowed() throws {
        let folder = try TrapFolder(specdetIsUnprivileged: Self.unprivileged)
        let run = try TimedProcess.specdet(["profile", "loop"], in: folder.url, unprivileged: true)
        #expect(!run.timedOut)
        #expect(run.exited(1))
        let rows = csvRows(run.output).dropFirst()
        #expect(rows.count == folder.takenNames.count)
        let paths = rows.map { pathBytes(fromDisplay: $0[0]) }
        #expect(paths.map(describe) == expectedWalk(Array("loop".utf8), relativeTo: folder.path).map(describe))
        #expect(paths.allSatisfy { $0.starts(with: Array("loop/".utf8)) && !$0.starts(with: Array("loop/loop/".utf8)) })
    }

    /// chmod 000 is `permission_denied` for any user but root; as root, the run drops to `nobody`.
    @Test(.enabled(if: Unprivileged.available, Unprivileged.skipReason))
    func unreadableFileIsPermissionDenied() throws {
        let folder = try TrapFolder(specdetIsUnprivileged: true)
        let run = try TimedProcess.specdet(["profile", "locked.png"], in: folder.url, unprivileged: true)
        #expect(run.exited(1), "status \(run.status): \(run.stderr)")
        let rows = csvRows(run.output).dropFirst()
        #expect(rows.map { Array($0.prefix(4)) } == [["locked.png", "permission_denied", "", ""]])
        #expect(run.stderr.contains("specdet: locked.png: permission_denied: "))
    }

    /// A folder the walk cannot open (chmod 000) keeps one row of its own, and the walk goes
    /// on. Its code says why: `permission_denied` (not `not_regular_file`, which the decoder's
    /// `stat` would say of a folder passed on as an input).
    @Test(.enabled(if: Unprivileged.available, Unprivileged.skipReason))
    func unreadableFolderKeepsOneRowSayingPermissionDenied() throws {
        let folder = try Specdet.temporaryFolder()
        defer {
            chmod(folder.path + "/private", 0o755)
            try? FileManager.default.removeItem(at: folder)
        }
        chmod(folder.path, 0o755)
        try FileManager.default.createDirectory(atPath: folder.path + "/private", withIntermediateDirectories: false)
        for name in ["a.png", "private/hidden.png", "z.png"] {
            try FileManager.default.copyItem(at: Specdet.fixtures.appendingPathComponent(TrapFolder.image),
                                             to: folder.appendingPathComponent(name))
        }
        #expect(chmod(folder.path + "/private", 0) == 0)
        let run = try TimedProcess.specdet(["profile", "."], in: folder, unprivileged: true)
        #expect(run.exited(1), "status \(run.status): \(run.stderr)")
        let rows = csvRows(run.output).dropFirst().map { Array($0.prefix(2)) }
        #expect(rows.map { $0[0] } == ["./a.png", "./private", "./z.png"])
        #expect(rows.first { $0[0] == "./private" }?[1] != "ok")
        #expect(rows.first { $0[0] == "./private" }?[1] == "permission_denied")
    }

    // MARK: - Defects this suite found (see docs/RELIABILITY.md)

    /// `InputPath.display` escapes (`\xHH`, `\\`) only paths that are not valid UTF-8, so a
    /// valid name that contains the text `\xFF` is written exactly like the name with the byte
    /// 0xFF: two files, one path text, and no way for a script to map the rows back.
    @Test func pathTextIsUnambiguousForNamesWithBackslashes() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = try Data(contentsOf: Specdet.fixtures.appendingPathComponent(TrapFolder.image))
        let literal = Array("x\\xFF.png".utf8), byte = Array("x".utf8) + [0xFF] + Array(".png".utf8)
        for name in [literal, byte] {
            let fd = withCPath(Array(folder.path.utf8) + [UInt8(ascii: "/")] + name) { open($0, O_CREAT | O_WRONLY, 0o644) }
            image.withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        let run = try TimedProcess.specdet(["profile", "--quiet", "."], in: folder)
        #expect(run.exited(0))
        let paths = csvRows(run.output).dropFirst().map { $0[0] }
        #expect(paths.count == 2)
        #expect(Set(paths).count == 2, "both files are written as \(paths)")
        #expect(Set(paths.map(pathBytes(fromDisplay:))) == Set([literal, byte].map { Array("./".utf8) + $0 }))
    }

    /// RELIABILITY.md: each failure gets "a one-line human message on stderr that names the
    /// file". A name with a newline or terminal escape sequences must not break the line or
    /// reach the terminal raw. (Found by this test; fixed with `InputPath.terminalSafe`,
    /// commit 6cc33be.)
    @Test func failureMessagesStayOnOneLineWhateverTheName() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["two\nlines.png", "esc\u{1B}[2Jclear.png"] {
            #expect(FileManager.default.createFile(atPath: folder.path + "/" + name, contents: Data()))
        }
        let run = try TimedProcess.specdet(["profile", "--quiet", "."], in: folder)
        #expect(run.exited(1))
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 2, "\(lines)")
        #expect(!run.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(run.stderr.debugDescription)")
        #expect(lines.allSatisfy { $0.hasPrefix("specdet: ./") && $0.contains(": empty_file: ") })
    }
}

/// `expectedWalk` for a folder argument given relative to `base` (the process's directory).
func expectedWalk(_ relativeFolder: [UInt8], relativeTo base: [UInt8]) -> [[UInt8]] {
    let prefix = base + [UInt8(ascii: "/")]
    return expectedWalk(prefix + relativeFolder).map { Array($0.dropFirst(prefix.count)) }
}
