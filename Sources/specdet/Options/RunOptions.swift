import ArgumentParser
import Foundation
import SpecdetImage
import SpecdetProfile
import SpecdetSupport

/// Image paths for commands that take them as arguments, plus a list file for long runs.
struct PathArguments: ParsableArguments {
    @Argument(help: "Image files or folders (folders are walked recursively).")
    var paths: [String] = []

    // An array only so that a second list is refused rather than silently replacing the first.
    @Option(name: .customLong("files-from"), help: ArgumentHelp(
        "Read more input paths from FILE, one per line or NUL-separated as find -print0 writes ('-' for stdin).", valueName: "FILE"))
    var filesFromArguments: [String] = []

    /// The list file of `--files-from`, if given.
    var filesFrom: String? { filesFromArguments.first }

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Process only shard K of N (1 <= K <= N): a stable partition of the inputs by a hash of each path, so N runs on N machines cover every input exactly once.",
        valueName: "K/N"))
    var shard: Shard?

    func validate() throws {
        if filesFromArguments.count > 1 { throw ValidationError("give --files-from once: put every path in one list") }
        if let shard, !(shard.count >= 1 && (1...shard.count).contains(shard.index)) {
            throw ValidationError("--shard K/N needs 1 <= K <= N, not \(shard.index)/\(shard.count)")
        }
    }

    /// The list file named by `--files-from`, nil for none or standard input (`-`).
    var listFile: String? { filesFrom == "-" ? nil : filesFrom }

    /// The inputs, in order (only this shard's), as a stream.
    func stream() throws -> InputStream {
        guard !paths.isEmpty || filesFrom != nil else { throw SpecdetError(.usage, "no input: give image files or folders") }
        return try InputStream(paths, filesFrom: filesFrom, shard: shard)
    }

    /// Ends a run over `stream`: a list that could not be read is an error, and so is a run
    /// with no input at all (a shard may be empty; the paths given may not be).
    func finish(_ stream: InputStream) throws(SpecdetError) {
        if let failure = stream.failure { throw failure }
        if stream.count == 0 && shard == nil {
            throw SpecdetError(.usage, "no input: the paths given name no file and no folder holding a file with an image name")
        }
    }
}

/// Options every command that reads images shares: parallelism, verbosity and the limits
/// that keep hostile files from exhausting the machine.
struct RunOptions: ParsableArguments {
    // `.unconditional`: a negative value is read as the value (and refused with a reason by
    // `validate`), not taken for an option.
    @Option(parsing: .unconditional, help: "Worker threads (default: the number of cores).")
    var jobs: Int?

    @Flag(help: "Print no progress and no summary on stderr.")
    var quiet = false

    @Option(name: .customLong("max-pixels"), parsing: .unconditional, help: "Largest width x height decoded (checked from the header).")
    var maxPixels = DecodeLimits().maxPixels

    @Option(name: .customLong("max-side"), parsing: .unconditional, help: "Largest width or height decoded.")
    var maxSide = DecodeLimits().maxSide

    @Option(name: .customLong("max-file-size"), parsing: .unconditional, help: "Largest input file in bytes.")
    var maxFileSize = DecodeLimits().maxFileBytes

    @Option(name: .customLong("max-scans"), parsing: .unconditional, help: "Most JPEG scans (progressive JPEGs).")
    var maxScans = DecodeLimits().maxProgressiveScans

    @Option(name: .customLong("max-decode-ms"), parsing: .unconditional, help: "Decode time budget per image in milliseconds (0: none).")
    var maxDecodeMilliseconds = DecodeLimits().maxDecodeMilliseconds

    @Option(name: .customLong("max-fft-memory"), parsing: .unconditional, help: "Largest FFT buffer memory per image in bytes: 8 bytes per pixel (4·W·H + 8·H·(W/2+1) + 4·(W/2+1)), and 8 more for the sums of the fingerprint command.")
    var maxFFTMemory = ProfileExtractor.defaultMemoryLimit

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        for (name, value) in [("--max-pixels", maxPixels), ("--max-side", maxSide), ("--max-file-size", maxFileSize),
                              ("--max-scans", maxScans), ("--max-decode-ms", maxDecodeMilliseconds), ("--max-fft-memory", maxFFTMemory)]
        where value < 0 {
            throw ValidationError("\(name) must not be negative")
        }
    }

    var workerCount: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }

    var limits: DecodeLimits {
        DecodeLimits(maxPixels: maxPixels, maxSide: maxSide, maxFileBytes: maxFileSize,
                     maxProgressiveScans: maxScans, maxDecodeMilliseconds: maxDecodeMilliseconds)
    }
}

/// `--shard K/N`: input `p` belongs to shard `FNV-1a-64(bytes of p) mod N + 1`.
struct Shard: ExpressibleByArgument {
    let index: Int
    let count: Int

    init?(argument: String) {
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
        // A minus sign is read (and refused by `PathArguments.validate` with the rule it breaks).
        func digits(_ part: Substring) -> Bool {
            let unsigned = part.hasPrefix("-") ? part.dropFirst() : part
            return !unsigned.isEmpty && unsigned.allSatisfy { $0.isASCII && $0.isNumber }
        }
        guard parts.count == 2, parts.allSatisfy(digits), let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.index = index
        self.count = count
    }

    func contains(_ path: InputPath) -> Bool {
        Int(fnv1a64(path.bytes) % UInt64(count)) + 1 == index
    }
}
