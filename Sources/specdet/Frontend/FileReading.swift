import Foundation
import SpecdetSupport

/// Reading the files specdet is told to read besides images (models, profile CSVs, group
/// files, lists of paths) so that no path can hang a run or exhaust its memory.
///
/// Every file is opened with `O_NONBLOCK`: a named pipe nobody writes to then reads as empty
/// instead of blocking the open, while a pipe with a writer (`<(command)`, stdin) is read to its
/// end. A folder is refused. At most `limit` bytes are read: a regular file is refused from its
/// size, any other (a device such as `/dev/zero`) once the limit is passed.
enum FileReading {
    /// The whole content of `path`, or a usage error naming `what` the file is for.
    static func contents(of path: String, limit: Int, what: String) throws(SpecdetError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw SpecdetError(.usage, "cannot read \(what) '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        return try contents(of: descriptor, limit: limit, name: "\(what) '\(path)'")
    }

    /// The whole content of an open descriptor (e.g. stdin), at most `limit` bytes.
    static func contents(of descriptor: Int32, limit: Int, name: String) throws(SpecdetError) -> [UInt8] {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw SpecdetError(.usage, "cannot read \(name): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw SpecdetError(.usage, "cannot read \(name): it is a folder") }
        if info.st_mode & S_IFMT == S_IFREG && Int(info.st_size) > limit {
            throw SpecdetError(.usage, "\(name) has \(info.st_size) bytes, more than the \(limit)-byte limit")
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw SpecdetError(.usage, "cannot read \(name): \(String(cString: strerror(errno)))") }
            if count == 0 { return bytes }
            guard bytes.count + count <= limit else {
                throw SpecdetError(.usage, "\(name) holds more than the \(limit)-byte limit")
            }
            bytes.append(contentsOf: chunk[..<count])
        }
    }

    /// The first `count` bytes of `path` if it is a regular file that can be read, else nil
    /// (for sniffing what a file is without ever blocking on it).
    static func head(of path: String, count: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        var bytes = [UInt8](repeating: 0, count: count)
        let read = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, count) }
        return read < 0 ? nil : Array(bytes[..<read])
    }
}

/// Lines of a file or of stdin read as a stream (LF, CRLF or NUL ends, NUL as `find -print0`
/// and `xargs -0` use it: no path holds one; the last line may lack one), for lists of any
/// length: only one chunk and one line are held at a time.
final class LineReader: IteratorProtocol {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let name: String
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false
    /// The longest line accepted: far beyond any path (PATH_MAX is 4,096).
    static let maximumLineBytes = 1 << 20
    /// The most empty lines accepted in a row: more is not a list of paths (`/dev/zero` is an
    /// endless run of NULs, which would be read forever and give nothing).
    static let maximumEmptyRun = 1 << 20
    private var emptyRun = 0
    /// Set when reading failed; the lines before it were delivered.
    private(set) var failure: SpecdetError?

    /// Reads `path`, or stdin for `-`, opened without blocking (see `FileReading`).
    init(path: String, what: String) throws(SpecdetError) {
        name = path == "-" ? "standard input" : "\(what) '\(path)'"
        if path == "-" {
            descriptor = 0
            ownsDescriptor = false
        } else {
            descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw SpecdetError(.usage, "cannot read \(name): \(String(cString: strerror(errno)))")
            }
            ownsDescriptor = true
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw SpecdetError(.usage, "cannot read \(name): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw SpecdetError(.usage, "cannot read \(name): it is a folder") }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// The next line's bytes without its line end; nil at the end or after a failure.
    func next() -> [UInt8]? {
        while true {
            if let end = buffer[start...].firstIndex(where: { $0 == UInt8(ascii: "\n") || $0 == 0 }) {
                var line = Array(buffer[start..<end])
                start = end + 1
                if buffer[end] != 0 && line.last == UInt8(ascii: "\r") { line.removeLast() }
                emptyRun = line.isEmpty ? emptyRun + 1 : 0
                guard emptyRun <= Self.maximumEmptyRun else {
                    failure = SpecdetError(.usage, "\(name) has more than \(Self.maximumEmptyRun) empty lines in a row: it is not a list of paths")
                    return nil
                }
                return line
            }
            if ended || failure != nil {
                guard start < buffer.count, failure == nil else { return nil }
                var line = Array(buffer[start...])
                start = buffer.count
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return line
            }
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            guard buffer.count <= Self.maximumLineBytes else {
                failure = SpecdetError(.usage, "\(name) has a line longer than \(Self.maximumLineBytes) bytes")
                return nil
            }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 {
                failure = SpecdetError(.usage, "cannot read \(name): \(String(cString: strerror(errno)))")
                return nil
            }
            if count == 0 { ended = true }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}
