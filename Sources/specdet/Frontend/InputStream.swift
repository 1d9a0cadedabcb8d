import Foundation
import SpecdetSupport

/// The inputs of a run, produced one at a time: the command line's PATH arguments, then the
/// lines of `--files-from`, each folder walked as it comes (`FolderWalk`), filtered by
/// `--shard`. Nothing is collected first, so memory stays flat however long the list, and the
/// first input is ready before the list has been read to its end.
///
/// A file named explicitly is always taken (its format is sniffed later). In folders, files
/// are taken by name, from `takenExtensions` (any case), and every other file is counted in
/// one warning when the stream ends. A folder argument without any taken file is named in a
/// warning of its own (a mistyped folder).
final class InputStream: IteratorProtocol {
    /// Extensions of the formats specdet decodes.
    static let decodedExtensions = ["png", "jpg", "jpeg", "jpe", "jfif", "webp", "heic", "heif", "avif", "tif", "tiff"]
    /// Extensions of formats specdet recognises but does not decode: taken, so that each such
    /// file gets an `unsupported_format` row rather than disappearing into the count.
    static let recognisedExtensions = ["gif", "bmp", "jp2", "jxl"]
    /// Every extension a folder walk takes, lower case.
    static let takenExtensions = Set((decodedExtensions + recognisedExtensions).map { Array($0.utf8) })

    private var arguments: IndexingIterator<[InputPath]>
    private let list: LineReader?
    private let shard: Shard?
    private var walk = FolderWalk(takes: takenExtensions)
    /// The folder being walked and how many inputs it has given so far.
    private var walking: (root: InputPath, found: Int)?
    private var ended = false
    /// Inputs handed out (after the shard filter).
    private(set) var count = 0
    /// The number of inputs once the stream has ended, nil before.
    var total: Int? { ended ? count : nil }
    /// Why the list could not be read to its end, if it could not.
    var failure: SpecdetError? { list?.failure }

    /// The inputs of `arguments` and then of `filesFrom` (a file, or `-` for stdin), in shard
    /// `shard` if given.
    init(_ arguments: [String], filesFrom: String?, shard: Shard? = nil) throws {
        self.arguments = try arguments.map { try InputPath(commandLineArgument: $0) }.makeIterator()
        self.list = try filesFrom.map { path throws(SpecdetError) in try LineReader(path: path, what: "the list of files") }
        self.shard = shard
    }

    /// Every input at once, for commands that need them all (training, evaluation).
    static func collect(_ arguments: [String], filesFrom: String? = nil) throws -> [InputPath] {
        let stream = try InputStream(arguments, filesFrom: filesFrom)
        var inputs: [InputPath] = []
        while let input = stream.next() { inputs.append(input) }
        if let failure = stream.failure { throw failure }
        return inputs
    }

    func next() -> InputPath? {
        while let input = nextUnfiltered() {
            if shard?.contains(input) ?? true {
                count += 1
                return input
            }
        }
        return nil
    }

    private func nextUnfiltered() -> InputPath? {
        while !ended {
            if let (root, found) = walking {
                if let input = walk.next() {
                    walking = (root, found + 1)
                    return input
                }
                walking = nil
                if found == 0 {
                    StandardError.write("specdet: warning: '\(root.terminalSafe)' holds no file with an image name\n")
                }
                continue
            }
            guard let root = nextRoot() else {
                ended = true
                if let summary = walk.skippedSummary { StandardError.write("specdet: warning: \(summary)\n") }
                return nil
            }
            guard Self.isDirectory(root) else { return root }
            walk.start(root)
            walking = (root, 0)
        }
        return nil
    }

    /// The next argument, then the next non-empty line of the list.
    private func nextRoot() -> InputPath? {
        if let argument = arguments.next() { return argument }
        while let line = list?.next() {
            if !line.isEmpty { return InputPath(bytes: line) }
        }
        return nil
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
