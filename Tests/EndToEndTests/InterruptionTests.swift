import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A command that writes its outputs atomically and can be made to run for minutes. `plot`
/// and `train` write two outputs each (`--output` and `--csv` / `--folds-out`).
enum InterruptibleCommand: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case profile, score, plot, train

    var testDescription: String { rawValue }

    /// The 1024x1024 JPEG: one worker profiles it a few hundred times a minute.
    static let slowInput = Specdet.fixtures.appendingPathComponent("images/jpeg/mate_wood_1024x1024_q85_baseline_color.jpg").path

    /// The command line, writing `out.csv` (and `second.csv`) in `folder`; `prepare` makes
    /// the inputs it needs there first.
    func arguments(in folder: URL) throws -> [String] {
        let output = folder.appendingPathComponent("out.csv").path, second = folder.appendingPathComponent("second.csv").path
        switch self {
        case .profile: return ["profile", "--quiet", "--jobs", "1", "--files-from", "-", "--output", output]
        case .score: return ["score", "--quiet", "--jobs", "1", "--files-from", "-", "--output", output]
        case .plot, .train:
            // Folders of links to the slow image: --real and --fake take no list of files.
            let manager = FileManager.default
            for label in ["real", "fake"] {
                let labelFolder = folder.appendingPathComponent("in/\(label)")
                try manager.createDirectory(at: labelFolder, withIntermediateDirectories: true)
                for index in 0..<1500 {
                    try manager.createSymbolicLink(atPath: labelFolder.appendingPathComponent("\(index).jpg").path,
                                                   withDestinationPath: Self.slowInput)
                }
            }
            let inputs = ["--real", folder.appendingPathComponent("in/real").path, "--fake", folder.appendingPathComponent("in/fake").path]
            return self == .plot
                ? ["plot", "--quiet", "--jobs", "1", "--output", output, "--csv", second] + inputs
                : ["train", "--quiet", "--jobs", "1", "--augment", "none", "--output", output, "--folds-out", second] + inputs
        }
    }

    /// The list `--files-from -` reads; nothing for the commands that read no list (a child
    /// that never reads would leave the writer blocked, then broken).
    var standardInput: Data {
        self == .profile || self == .score ? Data(String(repeating: Self.slowInput + "\n", count: 4000).utf8) : Data()
    }

    /// The outputs the command replaces, by name in its folder.
    var outputs: [String] { self == .plot || self == .train ? ["out.csv", "second.csv"] : ["out.csv"] }
}

/// A signal that ends a run, and the status it must end with: 130 for SIGINT and SIGTERM, as
/// shells report an interrupt, 128 + n for the others.
enum StopSignal: Int32, CaseIterable, Sendable, CustomTestStringConvertible {
    case interrupt = 2, terminate = 15, hangUp = 1, quit = 3, user1 = 10, user2 = 12, pipe = 13, alarm = 14, cpuTime = 24

    var testDescription: String { String(cString: strsignal(rawValue)) }

    var expectedStatus: Int32 { self == .interrupt || self == .terminate ? 130 : 128 + rawValue }

    func send(to process: Process) {
        kill(process.processIdentifier, rawValue)
    }
}

/// The signal mask specdet starts with. A process inherits its parent's: a terminal or a
/// `sh` script gives a clear one (dash clears it), but Foundation's `Process` on Linux hands
/// the child the blocked mask of the spawning thread (SIGINT and SIGTERM included), and so can
/// bash or Python started from such a parent. `perl` (perl-base, always in Debian) sets the
/// mask explicitly and execs specdet, so each test says which case it checks.
enum StartingSignalMask: String, Sendable {
    case clear, blocked
    /// A clear mask, SIGHUP set to be ignored (as `nohup` starts a command).
    case hangUpIgnored

    static let perl = "/usr/bin/perl"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: perl) }

    /// `perl … specdet ARGS` with this mask.
    func commandLine(_ arguments: [String]) -> [String] {
        let set = self == .blocked ? StopSignal.allCases.map { String($0.rawValue) }.joined(separator: ", ") : ""
        let ignore = self == .hangUpIgnored ? "$SIG{HUP} = 'IGNORE'; " : ""
        return ["-MPOSIX", "-e",
                "\(ignore)sigprocmask(SIG_SETMASK, POSIX::SigSet->new(\(set))) or die 'sigprocmask'; exec { $ARGV[0] } @ARGV or die 'exec'",
                Specdet.binary.path] + arguments
    }
}

/// On every terminating signal the run stops with its status, its temporary files are gone
/// and existing output files are untouched, byte for byte.
@Suite(.serialized, .enabled(if: StartingSignalMask.available, "needs /usr/bin/perl to set the signal mask"))
struct InterruptionTests {
    struct Outcome {
        var run: TimedRun
        var sawTemporaryFile = false
        var stillRunningWhenSignalled = false
        var left: [String] = []
        var outputUnchanged = true
    }

    /// Starts `command` with `mask`, waits until the run has started (its temporary output
    /// file exists) and a moment more, sends `signal`, and gives it `grace` seconds to stop.
    static func interrupt(_ command: InterruptibleCommand, with signal: StopSignal, mask: StartingSignalMask,
                          preexisting: Bool, grace: Double) throws -> Outcome {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = try command.arguments(in: folder)
        let before = Data("an earlier run's output,\u{1}\u{FF}\nkept byte for byte\n".utf8)
        if preexisting {
            for name in command.outputs { try before.write(to: folder.appendingPathComponent(name)) }
        }
        let temporaryPrefix = ".out.csv.specdet-"

        var sawTemporaryFile = false, stillRunning = false
        var signalledAt = ContinuousClock.now
        let run = try TimedProcess.run(StartingSignalMask.perl, mask.commandLine(arguments),
                                       stdin: command.standardInput) { process in
            let deadline = ContinuousClock.now + .seconds(hangTimeout)
            while process.isRunning, ContinuousClock.now < deadline {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
                if names.contains(where: { $0.hasPrefix(temporaryPrefix) }) {
                    sawTemporaryFile = true
                    break
                }
                usleep(10_000)
            }
            usleep(300_000)  // rows are being computed now
            stillRunning = process.isRunning
            signalledAt = .now
            signal.send(to: process)
            while process.isRunning, ContinuousClock.now - signalledAt < .seconds(grace) { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        var outcome = Outcome(run: run, sawTemporaryFile: sawTemporaryFile, stillRunningWhenSignalled: stillRunning)
        outcome.left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != "in" }.sorted()
        if preexisting {
            outcome.outputUnchanged = command.outputs.allSatisfy { (try? Data(contentsOf: folder.appendingPathComponent($0))) == before }
        }
        return outcome
    }

    /// Started as from a terminal or a shell script: every terminating signal keeps the promise.
    @Test(arguments: StopSignal.allCases)
    func signalDuringARunLeavesNoPartialOutput(signal: StopSignal) throws {
        for preexisting in [true, false] {
            let outcome = try Self.interrupt(.profile, with: signal, mask: .clear, preexisting: preexisting, grace: 30)
            Self.expectPromiseKept(outcome, command: .profile, signal: signal, preexisting: preexisting)
        }
    }

    /// Every command that writes files keeps it, one output or two.
    @Test(arguments: [InterruptibleCommand.score, .plot, .train], [StopSignal.interrupt, .hangUp])
    func everyCommandKeepsThePromise(command: InterruptibleCommand, signal: StopSignal) throws {
        let outcome = try Self.interrupt(command, with: signal, mask: .clear, preexisting: true, grace: 30)
        Self.expectPromiseKept(outcome, command: command, signal: signal, preexisting: true)
    }

    /// Started by a parent whose signal mask blocks the signals (Foundation's `Process` on
    /// Linux, or bash or Python started from such a parent): the process inherits the mask, so
    /// specdet must unblock them itself, or they stay pending, the run goes on, and the SIGKILL
    /// that follows leaves the temporary file behind.
    @Test(arguments: [StopSignal.interrupt, .terminate, .hangUp])
    func signalIsHandledEvenWhenTheParentBlockedIt(signal: StopSignal) throws {
        let outcome = try Self.interrupt(.profile, with: signal, mask: .blocked, preexisting: true, grace: 30)
        Self.expectPromiseKept(outcome, command: .profile, signal: signal, preexisting: true)
    }

    /// Started with SIGHUP ignored (`nohup`), the run does not end on it: the parent asked so.
    @Test func aSignalTheParentIgnoresStaysIgnored() throws {
        let outcome = try Self.interrupt(.profile, with: .hangUp, mask: .hangUpIgnored, preexisting: false, grace: 2)
        #expect(outcome.stillRunningWhenSignalled)
        #expect(!outcome.run.exited(StopSignal.hangUp.expectedStatus), "status \(outcome.run.status) (\(outcome.run.reason))")
    }

    static func expectPromiseKept(_ outcome: Outcome, command: InterruptibleCommand, signal: StopSignal, preexisting: Bool,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.sawTemporaryFile, "the run never created its temporary file", sourceLocation: sourceLocation)
        #expect(outcome.stillRunningWhenSignalled, "the run finished before the signal: make it longer", sourceLocation: sourceLocation)
        #expect(outcome.run.exited(signal.expectedStatus),
                "status \(outcome.run.status) (\(outcome.run.reason)) after \(signal.testDescription)", sourceLocation: sourceLocation)
        #expect(outcome.left == (preexisting ? command.outputs : []), "left behind: \(outcome.left)", sourceLocation: sourceLocation)
        #expect(outcome.outputUnchanged, "an existing output was changed", sourceLocation: sourceLocation)
    }
}
