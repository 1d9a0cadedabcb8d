import Foundation

/// What the process does on a signal that would end it: every temporary output file is
/// removed first, so no partial output is left behind and an existing output is untouched.
/// SIGINT and SIGTERM exit with status 130; the other terminating signals (SIGHUP of a dropped
/// session, SIGQUIT, SIGPIPE, SIGALRM, SIGUSR1/2, SIGXCPU, ...) with 128 + n. Crash signals
/// (SIGSEGV, SIGILL, SIGABRT, ...) remove the files, then end the process as they would have.
/// SIGXFSZ is ignored: a write over the file-size limit then fails with EFBIG and is reported
/// as an output that could not be written (exit status 2). Handlers only call `unlink`, `signal`, `raise` and `_exit`, all
/// async-signal-safe.
enum Interruption {
    /// Temporary files at most at once (a command writes one or two outputs).
    private static let capacity = 16
    /// The temporary output files as C strings the signal handler can read; nil slots are free.
    nonisolated(unsafe) private static let temporaryFiles: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        slots.initialize(repeating: nil, count: capacity)
        return slots
    }()

    static let exitingSignals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2, SIGXCPU,
                                 SIGVTALRM, SIGPROF, SIGIO, SIGPWR, SIGSTKFLT]
    static let crashSignals = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS]

    /// Installs the handlers and unblocks their signals: a parent may have left them blocked
    /// in the mask the process inherits, which would make the run deaf to them. A terminating
    /// signal the parent set to be ignored stays ignored (`nohup` ignores SIGHUP, a shell
    /// ignores SIGINT for a background job): that is the parent's word. SIGPIPE is the
    /// exception: runtimes ignore it for their own sake (Swift's, Python's), and a reader that
    /// went away must end the run as a pipeline expects. Call it first.
    static func installHandlers() {
        // A global is made on first use, which allocates and takes a lock: never in a handler.
        _ = temporaryFiles
        var signals = sigset_t()
        sigemptyset(&signals)
        for signalNumber in exitingSignals {
            let previous = signal(signalNumber) { number in
                Interruption.removeTemporaryFiles()
                _exit(number == SIGINT || number == SIGTERM ? 130 : 128 + number)
            }
            if signalNumber != SIGPIPE && unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                signal(signalNumber, SIG_IGN)
                continue
            }
            sigaddset(&signals, signalNumber)
        }
        for signalNumber in crashSignals {
            signal(signalNumber) { number in
                Interruption.removeTemporaryFiles()
                signal(number, SIG_DFL)
                raise(number)
            }
            sigaddset(&signals, signalNumber)
        }
        signal(SIGXFSZ, SIG_IGN)
        sigprocmask(SIG_UNBLOCK, &signals, nil)
    }

    private static func removeTemporaryFiles() {
        for index in 0..<capacity {
            if let path = temporaryFiles[index] { unlink(path) }
        }
    }

    /// Remembers a temporary file for the handlers; false if all slots are taken.
    static func register(temporaryFile path: String) -> Bool {
        for index in 0..<capacity where temporaryFiles[index] == nil {
            temporaryFiles[index] = strdup(path)
            return true
        }
        return false
    }

    static func unregister(temporaryFile path: String) {
        for index in 0..<capacity {
            guard let current = temporaryFiles[index], String(cString: current) == path else { continue }
            temporaryFiles[index] = nil
            free(current)
        }
    }
}
