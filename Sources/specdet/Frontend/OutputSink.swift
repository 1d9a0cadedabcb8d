import Foundation
import SpecdetSupport

/// Where a command's rows go: stdout, or a file written atomically.
///
/// A file is written to a temporary file in the same folder (`.NAME.specdet-XXXXXX`),
/// flushed with `fsync`, then renamed over NAME only when the run completes; if the run fails
/// or is interrupted the temporary file is removed and an existing NAME is left untouched.
/// A symbolic link is followed: the file it names is the one replaced, and the link stays. A
/// destination that exists and is not a regular file (a device such as `/dev/null`, a named
/// pipe, a socket) is written to in place, since renaming over it would replace the node
/// itself.
final class OutputSink {
    private enum Target {
        case standardOutput
        case inPlace(path: String)
        case atomic(destination: String, temporaryPath: String)
    }

    private let descriptor: Int32
    private let target: Target
    private var buffer: [UInt8] = []
    private var isOpen = true
    private static let flushThreshold = 1 << 16

    /// Opens stdout (`path == nil` or `-`), the destination itself when it is not a regular
    /// file, or a temporary file beside the (link-resolved) destination.
    init(path: String?) throws {
        guard let path, path != "-" else {
            descriptor = 1
            target = .standardOutput
            return
        }
        var info = stat()
        if stat(path, &info) == 0 && info.st_mode & S_IFMT != S_IFREG {
            guard info.st_mode & S_IFMT != S_IFDIR else { throw SpecdetError(.outputFailed, "cannot write '\(path)': it is a folder") }
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw SpecdetError(.outputFailed, "cannot write '\(path)': \(String(cString: strerror(errno)))") }
            descriptor = fd
            target = .inPlace(path: path)
            return
        }
        let destination = Self.resolvingLinks(path)
        let url = URL(fileURLWithPath: destination)
        let folder = url.deletingLastPathComponent().path
        var template = Array((folder + "/." + url.lastPathComponent + ".specdet-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw SpecdetError(.outputFailed, "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        descriptor = fd
        let temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        target = .atomic(destination: destination, temporaryPath: temporaryPath)
        fchmod(fd, 0o644)
        Interruption.register(temporaryFile: temporaryPath)
    }

    /// The file a symbolic link at `path` finally names; `path` itself when it is no link or a
    /// dangling one (renaming then replaces the dangling link, as writing without one would).
    private static func resolvingLinks(_ path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK, let resolved = realpath(path, nil) else {
            return path
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The destination as the user named it, for messages.
    private var name: String {
        switch target {
        case .standardOutput: "standard output"
        case .inPlace(let path): path
        case .atomic(let destination, _): destination
        }
    }

    func write(_ text: String) throws {
        try write(bytes: text.utf8)
    }

    /// Appends raw bytes (binary output, such as a PNG).
    func write(bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress!, $0.count) }
            guard written > 0 else {
                let reason = String(cString: strerror(errno))
                buffer.removeAll()
                throw SpecdetError(.outputFailed, "cannot write '\(name)': \(reason)")
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes; for a file written atomically, also syncs it and renames it into place.
    func commit() throws {
        try flush()
        switch target {
        case .standardOutput:
            return
        case .inPlace:
            guard closeDescriptor() == 0 else {
                throw SpecdetError(.outputFailed, "cannot write '\(name)': \(String(cString: strerror(errno)))")
            }
        case .atomic(let destination, let temporaryPath):
            guard fsync(descriptor) == 0, closeDescriptor() == 0 else {
                throw SpecdetError(.outputFailed, "cannot write '\(destination)': \(String(cString: strerror(errno)))")
            }
            guard rename(temporaryPath, destination) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporaryPath)
                throw SpecdetError(.outputFailed, "cannot write '\(destination)': \(reason)")
            }
            Interruption.unregister(temporaryFile: temporaryPath)
        }
    }

    /// Removes the temporary file of an unfinished run (what went in place stays written).
    func discard() {
        switch target {
        case .standardOutput:
            return
        case .inPlace:
            _ = closeDescriptor()
        case .atomic(_, let temporaryPath):
            _ = closeDescriptor()
            unlink(temporaryPath)
            Interruption.unregister(temporaryFile: temporaryPath)
        }
    }

    /// Closes the file once, whichever of `commit` and `discard` comes first: a failed `close`
    /// in `commit` still releases the descriptor, and closing it again in `discard` could close
    /// another file that has reused the number. Returns what `close` returned (0 if already closed).
    private func closeDescriptor() -> Int32 {
        guard isOpen else { return 0 }
        isOpen = false
        return close(descriptor)
    }

    /// Opens `path` (nil or `-`: stdout), lets `body` write, then commits; if `body` or the
    /// commit fails, the temporary file is removed and the error rethrown.
    static func writing(to path: String?, _ body: (OutputSink) throws -> Void) throws {
        let sink = try OutputSink(path: path)
        do {
            try body(sink)
            try sink.commit()
        } catch {
            sink.discard()
            throw error
        }
    }
}
