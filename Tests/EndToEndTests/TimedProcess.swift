import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// How much slower than a debug build on a loaded 2-core machine the binary may run: 1, or the
/// value of SPECDET_TEST_SLOWDOWN (tools/asan.sh sets it for AddressSanitizer builds). Every
/// deadline in these tests is hang detection only, and is multiplied by it.
let testSlowdown: Double = ProcessInfo.processInfo.environment["SPECDET_TEST_SLOWDOWN"].flatMap(Double.init) ?? 1

/// The deadline of a run: far beyond what any run of the tests needs on a slow machine (the
/// whole malformed corpus in a debug build takes about two minutes there), so only a hang
/// reaches it.
let hangTimeout: Double = 900

/// A child that exits before reading all its stdin must not kill the test process with
/// SIGPIPE: writes to its pipe then fail with EPIPE instead. Evaluated by every runner.
let pipeSignalIgnored: Void = {
    signal(SIGPIPE, SIG_IGN)
}()

/// What a run of a program under a deadline did.
struct TimedRun {
    let status: Int32
    let reason: Process.TerminationReason
    let stdout: Data
    let stderr: String
    let seconds: Double
    /// The program outlived its deadline and was killed (a hang).
    let timedOut: Bool

    var output: String { String(decoding: stdout, as: UTF8.self) }

    /// Exited normally (not killed by a signal) with `code`.
    func exited(_ code: Int32) -> Bool { reason == .exit && status == code }
}

/// Reads a pipe to its end on a thread of its own, so a full pipe never blocks the child.
final class PipeDrain: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var finished = false

    init(_ handle: FileHandle) {
        Thread { [self] in
            let bytes = handle.readDataToEndOfFile()
            lock.withLock {
                data = bytes
                finished = true
            }
        }.start()
    }

    /// The bytes read, once the writer has closed the pipe.
    func wait() -> Data {
        while !lock.withLock({ finished }) { usleep(1000) }
        return lock.withLock { data }
    }
}

/// Runs programs with a deadline: a hang becomes a failed expectation (`timedOut`), not a
/// test suite that never ends.
enum TimedProcess {
    /// Runs `executable ARGS` in `directory` with `stdin` (written from another thread, so it
    /// may be larger than a pipe holds). `standardOutput` replaces the captured stdout (e.g.
    /// `/dev/full`). `whileRunning` is called once the process has started; after it
    /// returns, the process gets until `timeout` (times `testSlowdown`) seconds after its
    /// start, then SIGKILL.
    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil,
                    stdin: Data? = nil, standardOutput: FileHandle? = nil, timeout: Double = hangTimeout,
                    whileRunning: ((Process) throws -> Void)? = nil) throws -> TimedRun {
        _ = pipeSignalIgnored
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? Specdet.root
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = standardOutput ?? out
        process.standardError = err
        process.standardInput = input
        let start = ContinuousClock.now
        try process.run()
        let stdoutDrain = standardOutput == nil ? PipeDrain(out.fileHandleForReading) : nil
        let stderrDrain = PipeDrain(err.fileHandleForReading)
        let writer = input.fileHandleForWriting
        let bytes = stdin ?? Data()
        Thread {
            if !bytes.isEmpty { try? writer.write(contentsOf: bytes) }  // EPIPE if the child quits early
            try? writer.close()
        }.start()
        if standardOutput == nil { try? out.fileHandleForWriting.close() }
        try? err.fileHandleForWriting.close()

        var timedOut = false
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        try whileRunning?(process)
        while process.isRunning {
            if (ContinuousClock.now - start) / .seconds(1) > timeout * testSlowdown {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(5000)
        }
        process.waitUntilExit()
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        return TimedRun(status: process.terminationStatus, reason: process.terminationReason,
                        stdout: stdoutDrain?.wait() ?? Data(),
                        stderr: String(decoding: stderrDrain.wait(), as: UTF8.self),
                        seconds: seconds, timedOut: timedOut)
    }

    /// Runs the built `specdet` binary; `unprivileged` runs it through `Unprivileged.prefix`
    /// when the tests run as root (callers check `Unprivileged.available` first).
    static func specdet(_ arguments: [String], in directory: URL? = nil, stdin: Data? = nil,
                        standardOutput: FileHandle? = nil, unprivileged: Bool = false,
                        timeout: Double = hangTimeout, whileRunning: ((Process) throws -> Void)? = nil) throws -> TimedRun {
        if unprivileged, let prefix = Unprivileged.prefix {
            return try run(prefix[0], Array(prefix.dropFirst()) + [Specdet.binary.path] + arguments,
                           in: directory, stdin: stdin, standardOutput: standardOutput, timeout: timeout,
                           whileRunning: whileRunning)
        }
        return try run(Specdet.binary.path, arguments, in: directory, stdin: stdin,
                       standardOutput: standardOutput, timeout: timeout, whileRunning: whileRunning)
    }
}

/// Running specdet as a user that file permissions apply to. CI runs the tests as root, which
/// may read any file and write into any folder: there, `setpriv` (util-linux) or `runuser`
/// drops to `nobody` for the run; without either, the permission tests are skipped, not faked.
enum Unprivileged {
    /// The command prefix that runs a program as `nobody`, when the tests run as root and it
    /// works: probed once by profiling a fixture copied into a fresh temporary folder, so the
    /// binary, its libraries, the fixtures' folders and $TMPDIR are all reachable as `nobody`.
    /// nil when not root or not possible.
    static let prefix: [String]? = {
        guard geteuid() == 0 else { return nil }
        guard let folder = try? Specdet.temporaryFolder() else { return nil }
        defer { try? FileManager.default.removeItem(at: folder) }
        chmod(folder.path, 0o755)
        let image = folder.appendingPathComponent("probe.png")
        guard (try? FileManager.default.copyItem(at: Specdet.fixtures.appendingPathComponent("malformed/png/png_rgba_8.png"),
                                                 to: image)) != nil else { return nil }
        let candidates = [
            ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"],
            ["/usr/sbin/runuser", "-u", "nobody", "--"],
            ["/sbin/runuser", "-u", "nobody", "--"],
        ]
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate[0]) {
            let probe = try? TimedProcess.run(candidate[0], Array(candidate.dropFirst())
                                              + [Specdet.binary.path, "profile", "--quiet", image.path,
                                                 Specdet.fixtures.path + "/images/odd"])
            if let probe, probe.exited(0) { return candidate }
        }
        return nil
    }()

    /// Whether specdet can be run as a user that permissions apply to.
    static var available: Bool { geteuid() != 0 || prefix != nil }

    static let skipReason: Comment =
        "running as root without a working setpriv/runuser: root reads and writes through any permission"
}

// MARK: - Paths as bytes

/// Calls `body` with `path` as a NUL-terminated C string.
func withCPath<T>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
    (path + [0]).withUnsafeBufferPointer { bytes in
        bytes.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
    }
}

/// `lstat` of a byte path: the file type bits, or nil when nothing is there.
func fileType(_ path: [UInt8]) -> mode_t? {
    withCPath(path) { cPath in
        var info = stat()
        return lstat(cPath, &info) == 0 ? info.st_mode & S_IFMT : nil
    }
}

/// The entries of a folder as raw names (no `.`/`..`), sorted by bytes.
func directoryEntries(_ folder: [UInt8]) -> [[UInt8]] {
    guard let handle = withCPath(folder, { opendir($0) }) else { return [] }
    defer { closedir(handle) }
    var names: [[UInt8]] = []
    while let entry = readdir(handle) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
        if name != [46] && name != [46, 46] { names.append(name) }
    }
    return names.sorted { $0.lexicographicallyPrecedes($1) }
}

/// Extensions a folder walk takes (README), lower case.
let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "jpe", "jfif", "webp", "heic", "heif", "avif", "tif", "tiff",
                                    "gif", "bmp", "jp2", "jxl"]

/// The inputs the CLI's folder walk must take under `folder` (README): names whose extension
/// is on the list in any case, recursively, each folder's entries in byte order, links to
/// folders followed unless they lead to a folder on the current path (a loop), entries that
/// cannot be examined taken as they are. Written independently of the CLI's `FolderWalk`.
func expectedWalk(_ folder: [UInt8], ancestors: [(dev_t, ino_t)] = []) -> [[UInt8]] {
    var found: [[UInt8]] = []
    var own = stat()
    guard withCPath(folder, { stat($0, &own) }) == 0 else { return [] }
    let path = ancestors + [(own.st_dev, own.st_ino)]
    for name in directoryEntries(folder) {
        let child = folder + (folder.last == UInt8(ascii: "/") ? [] : [UInt8(ascii: "/")]) + name
        var info = stat()
        guard withCPath(child, { lstat($0, &info) }) == 0 else {
            found.append(child)
            continue
        }
        var target = stat()
        let isFolder = withCPath(child, { stat($0, &target) }) == 0 && target.st_mode & S_IFMT == S_IFDIR
        if isFolder {
            if !path.contains(where: { $0 == target.st_dev && $1 == target.st_ino }) {
                found += expectedWalk(child, ancestors: path)
            }
        } else {
            let text = String(decoding: name, as: UTF8.self).lowercased()
            if let dot = text.lastIndex(of: "."), dot > text.startIndex,
               imageExtensions.contains(String(text[text.index(after: dot)...])) {
                found.append(child)
            }
        }
    }
    return found
}

/// The bytes of a path as `InputPath.display` writes one that is not valid UTF-8: `\xHH` is
/// the byte HH, `\\` a backslash, everything else UTF-8. (For valid UTF-8 paths `display` is
/// the path itself, so this is the identity unless the path holds a backslash.)
func pathBytes(fromDisplay text: String) -> [UInt8] {
    let utf8 = Array(text.utf8)
    var bytes: [UInt8] = []
    var index = 0
    while index < utf8.count {
        if utf8[index] == UInt8(ascii: "\\"), index + 1 < utf8.count {
            if utf8[index + 1] == UInt8(ascii: "\\") {
                bytes.append(UInt8(ascii: "\\"))
                index += 2
                continue
            }
            if utf8[index + 1] == UInt8(ascii: "x"), index + 3 < utf8.count,
               let value = UInt8(String(decoding: utf8[index + 2...index + 3], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index += 4
                continue
            }
        }
        bytes.append(utf8[index])
        index += 1
    }
    return bytes
}

/// A readable rendering of a byte path for failure messages.
func describe(_ path: [UInt8]) -> String {
    path.map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
}
