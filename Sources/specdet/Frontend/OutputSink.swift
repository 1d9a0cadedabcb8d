import Foundation
import SpecdetSupport

/// Where a command's result goes: stdout, or a file written atomically.
///
/// A file is written to a temporary file in the same folder (`.NAME.specdet-XXXXXX`),
/// flushed with `fsync`, then renamed over NAME only when the run completes; if the run fails
/// or is interrupted the temporary file is removed and an existing NAME is left untouched.
/// The file gets the mode of the file it replaces, or for a new file `0666` less the umask.
/// A symbolic link is followed: the file it names is the one replaced, and the link stays. A
/// destination that exists and is not a regular file (a device such as `/dev/null`, a named
/// pipe, a socket) is written to in place, since renaming over it would replace the node
/// itself; a named pipe is opened without blocking, and one nobody reads is refused.
final class OutputSink {
    private enum Target {
        case standardOutput
        case inPlace(path: String)
        case atomic(destination: String, temporaryPath: String)
    }

    private let descriptor: Int32
    private let target: Target
    /// Device and inode of what the destination names now, if it exists.
    let existingIdentity: FileIdentity?
    private var buffer: [UInt8] = []
    private var isOpen = true
    private static let flushThreshold = 1 << 16

    /// Opens stdout (`path == nil` or `-`), the destination itself when it is not a regular
    /// file, or a temporary file beside the (link-resolved) destination.
    /// Whether the process started with stdout closed (it then holds /dev/null): writing an
    /// output there would lose it, so it is an output that cannot be written. Set once, first.
    nonisolated(unsafe) static var standardOutputClosed = false

    init(path: String?) throws(SpecdetError) {
        guard let path, path != "-" else {
            guard !Self.standardOutputClosed else {
                throw SpecdetError(.outputFailed, "cannot write 'standard output': it is closed")
            }
            descriptor = 1
            target = .standardOutput
            existingIdentity = nil
            return
        }
        func failure(_ reason: String? = nil) -> SpecdetError {
            SpecdetError(.outputFailed, "cannot write '\(path)': \(reason ?? String(cString: strerror(errno)))")
        }
        existingIdentity = FileIdentity(path: path)
        var info = stat()
        if stat(path, &info) == 0 && info.st_mode & S_IFMT != S_IFREG {
            guard info.st_mode & S_IFMT != S_IFDIR else { throw failure("it is a folder") }
            let fd = open(path, O_WRONLY | O_CLOEXEC | O_NONBLOCK)
            guard fd >= 0 else { throw failure(errno == ENXIO ? "it is a named pipe that nobody reads" : nil) }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            descriptor = fd
            target = .inPlace(path: path)
            return
        }
        let destination = Self.resolvingLinks(path)
        let url = URL(fileURLWithPath: destination)
        let folder = url.deletingLastPathComponent().path
        var template = Array((folder + "/." + url.lastPathComponent + ".specdet-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw failure() }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        descriptor = fd
        let temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        target = .atomic(destination: destination, temporaryPath: temporaryPath)
        var existing = stat()
        let mode = stat(destination, &existing) == 0 ? existing.st_mode & 0o7777 : 0o666 & ~Self.umask
        fchmod(fd, mode)
        guard Interruption.register(temporaryFile: temporaryPath) else {
            close(fd)
            unlink(temporaryPath)
            throw failure("too many outputs at once")
        }
    }

    /// The process's file creation mask, read once (reading it means setting it).
    private static let umask: mode_t = {
        let mask = Glibc.umask(0o022)
        Glibc.umask(mask)
        return mask
    }()

    /// The file a symbolic link at `path` finally names; `path` itself when it is no link or a
    /// dangling one (renaming then replaces the dangling link, as writing without one would).
    private static func resolvingLinks(_ path: String) -> String {
        var current = path
        // A link to a file that does not exist yet names that file: follow the chain by hand
        // (realpath refuses a dangling link), as far as the kernel would.
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current }
            var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(current, &target, target.count - 1)
            guard count > 0 else { return current }
            let link = String(decoding: target[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link
                : URL(fileURLWithPath: current).deletingLastPathComponent().appendingPathComponent(link).path
        }
        return current
    }

    /// What two outputs must not share: the file an atomic destination will replace, named by
    /// its folder's real path and its own name (two spellings, or a link and its target, give
    /// the same key); nil for standard output and for devices written in place.
    private var destinationKey: String? {
        guard case .atomic(let destination, _) = target else { return nil }
        let url = URL(fileURLWithPath: destination)
        let folder = url.deletingLastPathComponent().path
        guard let real = realpath(folder, nil) else { return url.standardizedFileURL.path }
        defer { free(real) }
        return String(cString: real) + "/" + url.lastPathComponent
    }

    /// The destination as the user named it, for messages.
    var name: String {
        switch target {
        case .standardOutput: "standard output"
        case .inPlace(let path): path
        case .atomic(let destination, _): destination
        }
    }

    func write(_ text: String) throws(SpecdetError) {
        try write(bytes: text.utf8)
    }

    /// Appends raw bytes (binary output, such as a PNG).
    func write(bytes: some Sequence<UInt8>) throws(SpecdetError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    func flush() throws(SpecdetError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress!, $0.count) }
            if written < 0 && errno == EINTR { continue }
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
    func commit() throws(SpecdetError) {
        try flush()
        switch target {
        case .standardOutput:
            // A full disk or a closed pipe shows up only when the data leaves the buffers.
            guard fsync(1) == 0 || errno == EINVAL || errno == EROFS else {
                throw SpecdetError(.outputFailed, "cannot write standard output: \(String(cString: strerror(errno)))")
            }
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
    static func writing<Result>(to path: String?, _ body: (OutputSink) throws -> Result) throws -> Result {
        try writingAll(to: [path ?? "-"]) { try body($0[0]!) }
    }

    /// Opens every requested output first (`-` is stdout; nil is an output not asked for and
    /// gets no sink), so an unwritable one is found before any work; lets `body` write; then
    /// commits them together, in order, only if `body` succeeds. Otherwise no file is replaced.
    static func writingAll<Result>(to paths: [String?], _ body: ([OutputSink?]) throws -> Result) throws -> Result {
        var sinks: [OutputSink?] = []
        do {
            for path in paths { sinks.append(try path.map { path throws(SpecdetError) in try OutputSink(path: path) }) }
            try refuseRepeatedDestinations(sinks.compactMap { $0 })
            let result = try body(sinks)
            for sink in sinks { try sink?.commit() }
            return result
        } catch {
            for sink in sinks { sink?.discard() }
            throw error
        }
    }

    private static func refuseRepeatedDestinations(_ sinks: [OutputSink]) throws(SpecdetError) {
        var seen: [String: String] = [:]
        for sink in sinks {
            guard let key = sink.destinationKey else { continue }
            if let first = seen[key] {
                throw SpecdetError(.usage, first == sink.name ? "'\(sink.name)' is named as two outputs"
                                   : "'\(first)' and '\(sink.name)' name the same file: give two outputs")
            }
            seen[key] = sink.name
        }
    }
}

/// The device and inode of a file: what two paths must share to name the same file.
struct FileIdentity: Hashable {
    let device: UInt64
    let inode: UInt64

    /// The identity of what `path` names (links followed), nil if nothing.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    init?(bytes path: [UInt8]) {
        var info = stat()
        let found = (path + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { stat($0.baseAddress!, &info) == 0 }
        }
        guard found else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// Refuses an input that is one of a command's existing outputs, compared by device and
/// inode (not by name): writing the output would replace the input.
struct OutputGuard {
    let outputs: Set<FileIdentity>

    init(_ outputs: [FileIdentity]) {
        self.outputs = Set(outputs)
    }

    func check(_ input: InputPath) throws(SpecdetError) {
        guard !outputs.isEmpty, let identity = FileIdentity(bytes: input.bytes), outputs.contains(identity) else { return }
        throw SpecdetError(.usage, "'\(input.terminalSafe)' is both an input and the output; name another output")
    }

    /// Refuses, before any work, an output that would replace one of the files a command reads
    /// besides its images: a model, a list of paths, a groups file (each named as given: pass
    /// no `-` that means standard input). Only an output that is a regular file now can be
    /// replaced (`-` is standard output; a device or a pipe is written in place).
    static func refuse(reading inputs: [String?], writing outputs: [String?]) throws(SpecdetError) {
        let files = outputs.compactMap { $0 }.filter { output in
            var info = stat()
            return output != "-" && stat(output, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
        }.compactMap { FileIdentity(path: $0) }
        for input in inputs.compactMap({ $0 }) { try OutputGuard(files).check(InputPath(input)) }
    }
}
