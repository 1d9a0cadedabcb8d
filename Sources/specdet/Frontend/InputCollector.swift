import Foundation
import SpecdetSupport

/// Expands the command line's PATH arguments (and `--files-from`) into the list of inputs.
///
/// A file named explicitly is always taken (its format is sniffed later). Folders are walked
/// recursively (`FolderWalk`): their files are taken by name, from `takenExtensions` (any
/// case), and every other file is counted in one warning at the end. A folder argument without
/// any taken file is named in a warning of its own (a mistyped folder).
enum InputCollector {
    /// Extensions of the formats specdet decodes.
    static let decodedExtensions = ["png", "jpg", "jpeg", "jpe", "jfif", "webp", "heic", "heif", "avif", "tif", "tiff"]
    /// Extensions of formats specdet recognises but does not decode: taken, so that each such
    /// file gets an `unsupported_format` row rather than disappearing into the count.
    static let recognisedExtensions = ["gif", "bmp", "jp2", "jxl"]
    /// Every extension a folder walk takes, lower case.
    static let takenExtensions = Set((decodedExtensions + recognisedExtensions).map { Array($0.utf8) })

    static func collect(_ arguments: [String], filesFrom: String?) throws -> [InputPath] {
        var roots = try arguments.map { try InputPath(commandLineArgument: $0) }
        if let filesFrom {
            roots += try readList(filesFrom)
        }
        var walk = FolderWalk(takes: takenExtensions)
        var inputs: [InputPath] = []
        for root in roots {
            if isDirectory(root) {
                let before = inputs.count
                walk.walk(root, into: &inputs)
                if inputs.count == before {
                    StandardError.write("specdet: warning: '\(root.terminalSafe)' holds no file with an image name\n")
                }
            } else {
                inputs.append(root)
            }
        }
        if let summary = walk.skippedSummary {
            StandardError.write("specdet: warning: \(summary)\n")
        }
        return inputs
    }

    /// One path per line (LF or CRLF; empty lines skipped), from a file or `-` for stdin.
    private static func readList(_ source: String) throws -> [InputPath] {
        let data: Data
        if source == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: source) else {
                throw SpecdetError(.usage, "cannot read the list of files '\(source)'")
            }
            data = contents
        }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { line in
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            return trimmed.isEmpty ? nil : InputPath(bytes: Array(trimmed))
        }
    }

    /// Whether the path names a folder, following links (a folder argument is walked whether or
    /// not it is a link).
    private static func isDirectory(_ path: InputPath) -> Bool {
        path.withCString { cPath in
            var info = stat()
            return stat(cPath, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
        }
    }
}
