import Foundation
import SpecdetImage
import Testing
import SpecdetSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh temporary folder, removed when the test's value goes away.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("specdet-decode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// A copy of a fixture under `name`.
    func copy(_ fixture: String, to name: String) throws -> String {
        try FileManager.default.copyItem(atPath: Fixtures.path(fixture), toPath: path(name))
        return path(name)
    }
}

/// The error `decode(path:)` throws, nil if it decodes.
func decodeFailure(_ path: String, limits: DecodeLimits = .init()) -> SpecdetError? {
    do throws(SpecdetError) {
        _ = try ImageDecoder.decode(path: path, limits: limits)
        return nil
    } catch {
        return error
    }
}

/// The filesystem cases git cannot hold (RELIABILITY.md), made in a temporary folder. A case
/// that waits for a FIFO's writer or reads a device to its end hangs: the suite's time limit
/// is the hang detection.
@Suite(.timeLimit(.minutes(5))) struct FileSystemTests {
    static let png = "malformed/png/png_rgba_8.png"

    @Test func fifoIsRejectedWithoutWaitingForAWriter() throws {
        let folder = try TemporaryFolder()
        let fifo = folder.path("pipe.png")
        #expect(mkfifo(fifo, 0o644) == 0)
        let error = decodeFailure(fifo)
        #expect(error?.code == .notRegularFile)
    }

    @Test func symlinkToDevZeroIsNotARegularFile() throws {
        let folder = try TemporaryFolder()
        let link = folder.path("zero.jpg")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/zero")
        let error = decodeFailure(link)
        #expect(error?.code == .notRegularFile)
    }

    @Test func directoryIsNotARegularFile() throws {
        let folder = try TemporaryFolder()
        #expect(decodeFailure(folder.url.path)?.code == .notRegularFile)
    }

    @Test func danglingSymlink() throws {
        let folder = try TemporaryFolder()
        let link = folder.path("gone.png")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder.path("missing.png"))
        #expect(decodeFailure(link)?.code == .danglingSymlink)
    }

    @Test func symlinkLoop() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createSymbolicLink(atPath: folder.path("a.png"), withDestinationPath: folder.path("b.png"))
        try FileManager.default.createSymbolicLink(atPath: folder.path("b.png"), withDestinationPath: folder.path("a.png"))
        #expect(decodeFailure(folder.path("a.png"))?.code == .symlinkLoop)
    }

    @Test func symlinkToAnImageIsFollowed() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createSymbolicLink(atPath: folder.path("link.png"), withDestinationPath: Fixtures.path(Self.png))
        #expect(try ImageDecoder.decode(path: folder.path("link.png")).width == 64)
    }

    @Test func missingFileIsNotFound() throws {
        let folder = try TemporaryFolder()
        #expect(decodeFailure(folder.path("missing.png"))?.code == .notFound)
        let file = try folder.copy(Self.png, to: "file.png")
        #expect(decodeFailure(file + "/inside.png")?.code == .notFound)
    }

    /// A 10 GiB sparse file is rejected from its size, without reading it.
    @Test func sparseTenGiBFileIsTooLargeAtOnce() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("huge.png")
        let fd = open(path, O_CREAT | O_WRONLY, 0o644)
        #expect(fd >= 0)
        #expect(ftruncate(fd, 10 << 30) == 0)
        close(fd)
        let error = decodeFailure(path)
        #expect(error?.code == .fileTooLarge)
        #expect(error?.message.contains("10.0 GiB") == true)
    }

    @Test func emptyFile() throws {
        let folder = try TemporaryFolder()
        #expect(FileManager.default.createFile(atPath: folder.path("empty.jpg"), contents: Data()))
        #expect(decodeFailure(folder.path("empty.jpg"))?.code == .emptyFile)
        #expect(throws: SpecdetError(.emptyFile, "file is empty")) { _ = try ImageDecoder.decode(data: []) }
    }

    /// chmod 000: denied, except for root, which may read anything (the tests often run as
    /// root in containers); then the file must simply decode.
    @Test func unreadableFile() throws {
        let folder = try TemporaryFolder()
        let path = try folder.copy(Self.png, to: "locked.png")
        #expect(chmod(path, 0) == 0)
        if geteuid() == 0 {
            #expect(try ImageDecoder.decode(path: path).width == 64)
        } else {
            #expect(decodeFailure(path)?.code == .permissionDenied)
        }
    }

    @Test(arguments: ["new\nline.png", "tab\there.png", "-dash.png", " space .png", "ünï 画像.png"])
    func awkwardNamesDecode(name: String) throws {
        let folder = try TemporaryFolder()
        let path = try folder.copy(Self.png, to: name)
        #expect(try ImageDecoder.decode(path: path).width == 64)
    }
}
