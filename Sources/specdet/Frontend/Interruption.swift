import Foundation

/// SIGINT/SIGTERM handling: the run stops at once with status 130, and the temporary
/// output file (if any) is removed, so no partial output is ever left behind and an existing
/// output file is untouched. The handler only calls `unlink` and `_exit`, both
/// async-signal-safe.
enum Interruption {
    /// The temporary output file as a C string the signal handler can read.
    nonisolated(unsafe) private static var temporaryFile: UnsafeMutablePointer<CChar>?

    /// Installs the handlers, and unblocks both signals: a parent may have left them blocked
    /// in the mask the process inherits, which would make the run deaf to them.
    static func installHandlers() {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { _ in
                if let path = Interruption.temporaryFile { unlink(path) }
                _exit(130)
            }
            sigaddset(&signals, signalNumber)
        }
        sigprocmask(SIG_UNBLOCK, &signals, nil)
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
