import Foundation

/// SIGINT/SIGTERM handling: the run stops at once with status 130, and the temporary
/// output file (if any) is removed, so no partial output is ever left behind and an existing
/// output file is untouched. The handler only calls `unlink` and `_exit`, both
/// async-signal-safe.
enum Interruption {
    /// The temporary output file as a C string the signal handler can read.
    nonisolated(unsafe) private static var temporaryFile: UnsafeMutablePointer<CChar>?

    static func installHandlers() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { _ in
                if let path = Interruption.temporaryFile { unlink(path) }
                _exit(130)
            }
        }
    }

    static func register(temporaryFile path: String) {
        let copy = strdup(path)
        let previous = temporaryFile
        temporaryFile = copy
        free(previous)
    }

    static func unregister(temporaryFile path: String) {
        guard let current = temporaryFile, String(cString: current) == path else { return }
        temporaryFile = nil
        free(current)
    }
}
