import Foundation

/// Where a command's rows go: stdout, or a file written atomically.
///
/// A file is written to a temporary file in the same folder (`.NAME.specdet-XXXXXX`),
/// flushed with `fsync`, then renamed over NAME only when the run completes; if the run fails
/// or is interrupted the temporary file is removed and an existing NAME is left untouched.
final class OutputSink {
    private let descriptor: Int32
    private let destination: String?
    private let temporaryPath: String?
    private var buffer: [UInt8] = []
    private static let flushThreshold = 1 << 16

    /// Opens stdout (`path == nil` or `-`) or a temporary file beside `path`.
    init(path: String?) throws {
        guard let path, path != "-" else {
            descriptor = 1
            destination = nil
            temporaryPath = nil
            return
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var template = Array((folder + "/." + url.lastPathComponent + ".specdet-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw CLIError.output("cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        descriptor = fd
        destination = path
        temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        fchmod(fd, 0o644)
        Interruption.register(temporaryFile: temporaryPath!)
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
                throw CLIError.output("cannot write '\(destination ?? "standard output")': \(reason)")
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, and for a file: syncs and renames it into place.
    func commit() throws {
        try flush()
        guard let destination, let temporaryPath else { return }
        guard fsync(descriptor) == 0, close(descriptor) == 0 else {
            throw CLIError.output("cannot write '\(destination)': \(String(cString: strerror(errno)))")
        }
        guard rename(temporaryPath, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw CLIError.output("cannot write '\(destination)': \(reason)")
        }
        Interruption.unregister(temporaryFile: temporaryPath)
    }

    /// Removes the temporary file of an unfinished run.
    func discard() {
        guard let temporaryPath else { return }
        close(descriptor)
        unlink(temporaryPath)
        Interruption.unregister(temporaryFile: temporaryPath)
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
