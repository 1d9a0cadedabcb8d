import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Folder semantics that lose nothing (README, "specdet profile"): one row per file with an
/// image name, one warning for every other file, links to folders walked, loops named, no
/// depth limit, entries that cannot be examined kept with a code. Runs the real binary on
/// folders made here.
@Suite(.serialized) struct FolderWalkTests {
    /// A copy of a fixture under `name` in `folder`.
    func place(_ fixture: String, as name: String, in folder: URL) throws {
        let target = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Specdet.fixtures.appendingPathComponent(fixture), to: target)
    }

    @Test func oneRowPerImageNameAndOneWarningForTheRest() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let decoded: [(String, String)] = [
            ("formats/src_rgb_97x61.png", "a.png"), ("images/jpeg/mate_raindrops_96x96_q90_baseline_gray.jpg", "b.jpg"),
            ("images/jpeg/mate_raindrops_96x96_q90_baseline_gray.jpg", "c.JPEG"),
            ("images/jpeg/mate_raindrops_96x96_q90_baseline_gray.jpg", "d.jpe"),
            ("images/jpeg/mate_raindrops_96x96_q90_baseline_gray.jpg", "e.jfif"), ("formats/lossy_q90_97x61.webp", "f.webp"),
            ("formats/q90_97x61.heic", "g.heic"), ("formats/q90_128x96.heic", "h.HEIF"), ("formats/q_97x61.avif", "i.avif"),
            ("formats/lzw_rgb_97x61.tif", "j.tif"), ("formats/none_rgb_128x96.tif", "k.Tiff"),
        ]
        let unsupported: [(String, String)] = [
            ("malformed/mislabeled/gif_content.png", "l.gif"), ("malformed/mislabeled/bmp_content.png", "m.bmp"),
        ]
        for (fixture, name) in decoded + unsupported { try place(fixture, as: name, in: folder) }
        try Data([0, 0, 0, 0x0C] + Array("jP  ".utf8) + [0x0D, 0x0A, 0x87, 0x0A, 0, 0, 0, 0]).write(to: folder.appendingPathComponent("n.jp2"))
        try Data([0xFF, 0x0A, 0, 0, 0, 0]).write(to: folder.appendingPathComponent("o.jxl"))
        for name in ["notes.txt", "more.TXT", "data.json", "README", ".profile"] {
            try Data("not an image".utf8).write(to: folder.appendingPathComponent(name))
        }
        let run = try TimedProcess.specdet(["profile", folder.path])
        #expect(run.exited(1), "status \(run.status): \(run.stderr)")
        let rows = csvRows(run.output).dropFirst().map { (URL(fileURLWithPath: $0[0]).lastPathComponent, $0[1]) }
        let expected = (decoded.map { ($0.1, "ok") } + unsupported.map { ($0.1, "unsupported_format") }
            + [("n.jp2", "unsupported_format"), ("o.jxl", "unsupported_format")]).sorted { $0.0 < $1.0 }
        #expect(rows.map(\.0) == expected.map(\.0))
        #expect(rows.map(\.1) == expected.map(\.1))
        let warnings = run.stderr.split(separator: "\n").filter { $0.contains("skipped by name") }
        #expect(warnings == ["specdet: warning: 5 files skipped by name: 2 (none), 2 .txt, 1 .json"], "\(run.stderr)")
        #expect(run.stderr.contains("15 files: 11 ok, 4 failed"))
    }

    /// 5,000 nested folders (paths of 10,000 bytes, past PATH_MAX): every image is found and
    /// decoded.
    @Test func aTreeDeeperThanPathMaxGivesAllItsImages() throws {
        let folder = try Specdet.temporaryFolder()
        defer {
            // rm by descriptor too: FileManager's path-based removal stops at PATH_MAX
            _ = try? TimedProcess.run("/bin/rm", ["-rf", folder.path])
        }
        let image = try Data(contentsOf: Specdet.fixtures.appendingPathComponent("formats/src_rgb_97x61.png"))
        var descriptor = open(folder.path, O_RDONLY | O_DIRECTORY)
        for depth in 1...5000 {
            #expect(mkdirat(descriptor, "d", 0o755) == 0)
            let next = openat(descriptor, "d", O_RDONLY | O_DIRECTORY)
            close(descriptor)
            descriptor = next
            if depth % 1000 == 0 {
                let file = openat(descriptor, "image.png", O_WRONLY | O_CREAT, 0o644)
                image.withUnsafeBytes { _ = write(file, $0.baseAddress, $0.count) }
                close(file)
            }
        }
        close(descriptor)
        let run = try TimedProcess.specdet(["profile", "--quiet", "."], in: folder)
        #expect(run.exited(0), "status \(run.status): \(run.stderr)")
        let rows = csvRows(run.output).dropFirst()
        #expect(rows.map { $0[1] } == Array(repeating: "ok", count: 5))
        #expect(rows.map { $0[0].utf8.count }.sorted() == [2011, 4011, 6011, 8011, 10011])
    }

    /// A folder that can be listed but not searched (mode r--): its entries cannot be
    /// examined, and each keeps a row saying why; the walk goes on.
    @Test(.enabled(if: Unprivileged.available, Unprivileged.skipReason))
    func entriesOfAnUnsearchableFolderKeepARowEach() throws {
        let folder = try Specdet.temporaryFolder()
        defer {
            chmod(folder.path + "/locked", 0o755)
            try? FileManager.default.removeItem(at: folder)
        }
        chmod(folder.path, 0o755)
        try place("formats/src_rgb_97x61.png", as: "a.png", in: folder)
        try place("formats/src_rgb_97x61.png", as: "locked/inside.png", in: folder)
        try Data("x".utf8).write(to: folder.appendingPathComponent("locked/notes.txt"))
        try place("formats/src_rgb_97x61.png", as: "z.png", in: folder)
        #expect(chmod(folder.path + "/locked", 0o444) == 0)
        let run = try TimedProcess.specdet(["profile", "."], in: folder, unprivileged: true)
        #expect(run.exited(1), "status \(run.status): \(run.stderr)")
        let rows = csvRows(run.output).dropFirst().map { Array($0.prefix(2)) }
        #expect(rows == [["./a.png", "ok"], ["./locked/inside.png", "permission_denied"],
                         ["./locked/notes.txt", "permission_denied"], ["./z.png", "ok"]])
    }

    /// A link to a folder inside a walked folder is walked; a link back up is a loop, named in
    /// a warning, and the run ends.
    @Test func linkedFoldersAreWalkedAndLoopsAreNamed() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try place("formats/src_rgb_97x61.png", as: "elsewhere/far.png", in: folder)
        try place("formats/src_rgb_97x61.png", as: "walked/near.png", in: folder)
        #expect(symlink("../elsewhere", folder.path + "/walked/linked") == 0)
        #expect(symlink(".", folder.path + "/walked/self") == 0)
        let run = try TimedProcess.specdet(["profile", "walked"], in: folder, timeout: 120)
        #expect(!run.timedOut)
        #expect(run.exited(0), "status \(run.status): \(run.stderr)")
        #expect(csvRows(run.output).dropFirst().map { $0[0] } == ["walked/linked/far.png", "walked/near.png"])
        #expect(run.stderr.contains("specdet: warning: 'walked/self' leads back to a folder it is inside (a loop): not walked again"))
        #expect(!run.stderr.contains("skipped by name"))
    }
}
