import Foundation
import SpecdetSupport

/// A recursive folder walk that loses nothing and has no depth limit.
///
/// Convention: each folder's entries are visited in sorted byte order, and a path is the
/// folder's path joined with the names found (never canonicalised). Every call is relative to
/// the folder's descriptor (`openat`, `fstatat`, `fdopendir`), so depth is not bounded by
/// PATH_MAX; at most `descriptorBudget` folder descriptors are open at once (the ones between
/// are closed, and opened again from the nearest open one when needed). Per entry:
/// - a file (or a link to one, or anything else that is not a folder) whose extension is taken
///   becomes an input; any other is counted by extension for `skippedSummary`;
/// - a folder, or a link to one, is walked, unless it is a folder on the current path (same
///   device and inode): that loop (`dir -> .`) is named in a warning and not walked again;
/// - an entry that cannot be examined (`fstatat` fails: permission, a name too long, I/O) or a
///   folder that cannot be opened or listed becomes an input, so decoding it gives its row
///   the code that says why (`permission_denied`, `io_error`, ...).
struct FolderWalk {
    /// Folder descriptors kept open at once, far under any descriptor limit.
    static let descriptorBudget = 64

    private let takes: Set<[UInt8]>
    /// Entries not taken, by lower-case extension (`nil`: a name without one).
    private var skipped: [[UInt8]?: Int] = [:]
    private var frames: [Frame] = []

    /// One folder on the current path.
    private struct Frame {
        /// The name to open it by from its parent (the root: its whole path).
        let name: [UInt8]
        /// Its descriptor, or -1 while closed to stay within the budget.
        var descriptor: Int32
        let device: UInt64
        let inode: UInt64
    }

    init(takes extensions: Set<[UInt8]>) {
        takes = extensions
    }

    /// One listing per folder on the current path, with the next entry to take: the walk is a
    /// loop over this stack, not recursion, so depth costs no stack, and it can stop after any
    /// input and go on later.
    private var pending: [(path: InputPath, entries: [Entry], next: Int)] = []
    /// Inputs found and not yet handed out.
    private var ready: [InputPath] = []

    /// Starts walking `root` (a folder or a link to one); `next()` then gives its inputs.
    mutating func start(_ root: InputPath) {
        finish()
        let descriptor = root.withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        var info = stat()
        guard descriptor >= 0, fstat(descriptor, &info) == 0 else {
            if descriptor >= 0 { close(descriptor) }
            ready.append(root)  // the decoder says why it cannot be read
            return
        }
        frames = [Frame(name: root.bytes, descriptor: descriptor, device: UInt64(info.st_dev), inode: UInt64(info.st_ino))]
        if let entries = examine() {
            pending.append((root, entries, 0))
        } else {
            ready.append(root)
            finish()
        }
    }

    /// The next input of the walk in walk order, or nil when the walk has ended.
    mutating func next() -> InputPath? {
        while ready.isEmpty, let top = pending.last {
            guard top.next < top.entries.count else {
                pending.removeLast()
                if let last = frames.popLast(), last.descriptor >= 0 { close(last.descriptor) }
                continue
            }
            pending[pending.count - 1].next += 1
            let entry = top.entries[top.next]
            let child = top.path.appending(entry.name[...])
            if enter(entry, child) {
                if let entries = examine() {
                    pending.append((child, entries, 0))
                } else {
                    ready.append(child)  // opened but not listable: its row says why
                    if let last = frames.popLast(), last.descriptor >= 0 { close(last.descriptor) }
                }
            }
        }
        guard !ready.isEmpty else {
            finish()
            return nil
        }
        return ready.removeFirst()
    }

    /// Closes whatever the last walk left open.
    private mutating func finish() {
        for frame in frames where frame.descriptor >= 0 { close(frame.descriptor) }
        frames = []
        pending = []
    }

    /// `N files skipped by name: A .txt, B .json, C (none)`, most common first, or nil when
    /// every file was taken.
    var skippedSummary: String? {
        let total = skipped.values.reduce(0, +)
        guard total > 0 else { return nil }
        var kinds: [(name: String, count: Int)] = []
        for (suffix, count) in skipped {
            let name: String = suffix.map { "." + InputPath(bytes: $0).terminalSafe } ?? "(none)"
            kinds.append((name, count))
        }
        kinds.sort { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
        let shown: [String] = kinds.prefix(8).map { "\($0.count) \($0.name)" }
        let rest = kinds.count > 8 ? ", \(kinds.count - 8) other extensions" : ""
        return "\(total) file\(total == 1 ? "" : "s") skipped by name: " + shown.joined(separator: ", ") + rest
    }

    /// An entry of a folder as `fstatat` saw it: nil when it could not be examined; a link to a
    /// folder is described by its target.
    private struct Entry {
        let name: [UInt8]
        let info: stat?
        var isFolder: Bool { info.map { $0.st_mode & S_IFMT == S_IFDIR } ?? false }
    }

    /// The sorted entries of the last frame's folder, each examined; nil if it cannot be listed.
    private mutating func examine() -> [Entry]? {
        guard let descriptor = descriptor(frames.count - 1), let names = Self.entries(descriptor) else { return nil }
        return names.map { name in
            var info = stat()
            guard Self.withCName(name, { fstatat(descriptor, $0, &info, AT_SYMLINK_NOFOLLOW) }) == 0 else {
                return Entry(name: name, info: nil)
            }
            if info.st_mode & S_IFMT == S_IFLNK {
                var target = stat()
                if Self.withCName(name, { fstatat(descriptor, $0, &target, 0) }) == 0, target.st_mode & S_IFMT == S_IFDIR {
                    info = target
                }
            }
            return Entry(name: name, info: info)
        }
    }

    /// Takes, counts or names a file entry and returns false; for a folder to walk, opens it
    /// as a new frame and returns true.
    private mutating func enter(_ entry: Entry, _ child: InputPath) -> Bool {
        guard let info = entry.info else {
            ready.append(child)  // cannot be examined: decoding it says why
            return false
        }
        guard entry.isFolder else {
            let suffix = Self.lowercasedExtension(entry.name)
            if let suffix, takes.contains(suffix) {
                ready.append(child)
            } else {
                skipped[suffix, default: 0] += 1
            }
            return false
        }
        if frames.contains(where: { $0.device == UInt64(info.st_dev) && $0.inode == UInt64(info.st_ino) }) {
            StandardError.write("specdet: warning: '\(child.terminalSafe)' leads back to a folder it is inside (a loop): not walked again\n")
            return false
        }
        guard let parent = descriptor(frames.count - 1) else {
            ready.append(child)
            return false
        }
        let opened = Self.withCName(entry.name) { openat(parent, $0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard opened >= 0 else {
            ready.append(child)  // an unreadable folder: its row says why
            return false
        }
        frames.append(Frame(name: entry.name, descriptor: opened, device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
        keepWithinBudget()
        return true
    }

    /// The descriptor of frame `level`, opened again from the nearest open frame above it if it
    /// was closed (the folders between are opened one after another and closed again); nil if
    /// a folder on the way can no longer be opened or is no longer the same folder.
    private mutating func descriptor(_ level: Int) -> Int32? {
        if frames[level].descriptor >= 0 { return frames[level].descriptor }
        var open = level
        while frames[open].descriptor < 0 { open -= 1 }  // the root frame is never closed
        var current = frames[open].descriptor
        for index in (open + 1)...level {
            let next = Self.withCName(frames[index].name) { openat(current, $0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            if index - 1 > open { close(current) }
            guard next >= 0 else { return nil }
            current = next
        }
        var info = stat()
        guard fstat(current, &info) == 0, UInt64(info.st_dev) == frames[level].device, UInt64(info.st_ino) == frames[level].inode else {
            close(current)
            return nil
        }
        frames[level].descriptor = current
        keepWithinBudget()
        return current
    }

    /// Closes the descriptors of middle frames while more than the budget are open: the root's
    /// and the deepest ones stay.
    private mutating func keepWithinBudget() {
        var open = frames.filter { $0.descriptor >= 0 }.count
        var index = 1
        while open > Self.descriptorBudget, index < frames.count - Self.descriptorBudget / 2 {
            if frames[index].descriptor >= 0 {
                close(frames[index].descriptor)
                frames[index].descriptor = -1
                open -= 1
            }
            index += 1
        }
    }

    /// Entry names of an open folder (without `.` and `..`), sorted by bytes; nil if it cannot
    /// be listed. The descriptor stays open.
    private static func entries(_ descriptor: Int32) -> [[UInt8]]? {
        let copy = dup(descriptor)
        guard copy >= 0 else { return nil }
        guard let handle = fdopendir(copy) else {
            close(copy)
            return nil
        }
        defer { closedir(handle) }
        rewinddir(handle)
        var names: [[UInt8]] = []
        errno = 0
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let entry = readdir(handle) {
            // Only the name's bytes: a record is d_reclen bytes, often fewer than
            // MemoryLayout<dirent>.size, so copying `entry.pointee` reads past the last one.
            let cName = (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self)
            let name = Array(UnsafeRawBufferPointer(start: cName, count: strlen(cName)))
            if name != [46] && name != [46, 46] { names.append(name) }
        }
        guard errno == 0 else { return nil }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// The lower-case bytes after the last dot, or nil for a name without one (a leading dot,
    /// as in `.profile`, starts no extension).
    private static func lowercasedExtension(_ name: [UInt8]) -> [UInt8]? {
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")), dot > 0, dot < name.count - 1 else { return nil }
        return name[(dot + 1)...].map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
    }

    private static func withCName<T>(_ name: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        InputPath(bytes: name).withCString(body)
    }
}

extension InputPath {
    /// Calls `body` with the path as a NUL-terminated C string.
    func withCString<T>(_ body: (UnsafePointer<CChar>) -> T) -> T {
        (bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }
}
