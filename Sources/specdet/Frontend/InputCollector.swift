import Foundation
import SpecdetSupport

/// Expands the command line's PATH arguments (and `--files-from`) into the list of inputs.
///
/// Folders are walked recursively in sorted byte order without following directory
/// symlinks; inside folders only names ending in `.png`, `.jpg`, `.jpeg` (any case) are
/// taken, while a file named explicitly is always taken (its format is sniffed later). A
/// folder that cannot be read becomes an input of its own, so its error gets a row; a folder
/// argument without any image file is named in a warning on stderr (a mistyped folder).
enum InputCollector {
    static let imageExtensions: [[UInt8]] = ["png", "jpg", "jpeg"].map { Array($0.utf8) }

    static func collect(_ arguments: [String], filesFrom: String?) throws -> [InputPath] {
        var roots = try arguments.map { try InputPath(commandLineArgument: $0) }
        if let filesFrom {
            roots += try readList(filesFrom)
        }
        var inputs: [InputPath] = []
        for root in roots {
            if isDirectory(root, followingLinks: true) {
                let before = inputs.count
                walk(root, into: &inputs)
                if inputs.count == before {
                    StandardError.write("specdet: warning: '\(root.terminalSafe)' holds no .png, .jpg or .jpeg file\n")
                }
            } else {
                inputs.append(root)
            }
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

    private static func walk(_ folder: InputPath, into inputs: inout [InputPath]) {
        guard let entries = listDirectory(folder) else {
            inputs.append(folder)  // unreadable: the decoder reports why, on its row
            return
        }
        for name in entries.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let child = folder.appending(name[...])
            if isDirectory(child, followingLinks: false) {
                walk(child, into: &inputs)
            } else if hasImageExtension(name) {
                inputs.append(child)
            }
        }
    }

    private static func hasImageExtension(_ name: [UInt8]) -> Bool {
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")) else { return false }
        let suffix = name[(dot + 1)...].map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        return imageExtensions.contains(suffix)
    }

    private static func withCPath<T>(_ path: InputPath, _ body: (UnsafePointer<CChar>) -> T) -> T {
        (path.bytes + [0]).withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }

    private static func isDirectory(_ path: InputPath, followingLinks: Bool) -> Bool {
        withCPath(path) { cPath in
            var info = stat()
            let result = followingLinks ? stat(cPath, &info) : lstat(cPath, &info)
            return result == 0 && (info.st_mode & S_IFMT) == S_IFDIR
        }
    }

    /// Entry names of a folder (without `.` and `..`), or nil if it cannot be read.
    private static func listDirectory(_ folder: InputPath) -> [[UInt8]]? {
        guard let handle = withCPath(folder, { opendir($0) }) else { return nil }
        defer { closedir(handle) }
        var names: [[UInt8]] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            if name != [46] && name != [46, 46] { names.append(name) }
        }
        return names
    }
}
