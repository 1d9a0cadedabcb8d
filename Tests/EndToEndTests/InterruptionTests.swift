import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A command that writes `--output` atomically and can be made to run for minutes.
/// Add `score` and `train` here when they land; each case says how to make a long run.
enum InterruptibleCommand: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case profile
    // case score: ["score", "--quiet", "--jobs", "1", "--files-from", "-", "--output", output]
    // case train: e.g. ["train", "--real", <folder of copies>, "--fake", <folder>, "--output", output]
    //             (train has no --files-from: build folders of a few hundred links to the JPEG)

    var testDescription: String { rawValue }

    /// The 1024x1024 JPEG, listed a few thousand times: minutes of work on one worker.
    static let slowInput = Specdet.fixtures.appendingPathComponent("images/jpeg/mate_wood_1024x1024_q85_baseline_color.jpg").path

    func arguments(output: String) -> [String] {
        switch self {
        case .profile: ["profile", "--quiet", "--jobs", "1", "--files-from", "-", "--output", output]
        }
    }

    var standardInput: Data {
        switch self {
        case .profile: Data(String(repeating: Self.slowInput + "\n", count: 4000).utf8)
        }
    }
}

enum StopSignal: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case interrupt = "SIGINT", terminate = "SIGTERM"

    var testDescription: String { rawValue }

    func send(to process: Process) {
        switch self {
        case .interrupt: process.interrupt()
        case .terminate: process.terminate()
        }
    }
}

/// The signal mask specdet starts with. A process inherits its parent's: a terminal or a
/// `sh` script gives a clear one (dash clears it), but Foundation's `Process` on Linux hands
/// the child the blocked mask of the spawning thread (SIGINT and SIGTERM included), and so can
/// bash or Python started from such a parent. `perl` (perl-base, always in Debian) sets the
/// mask explicitly and execs specdet, so each test says which case it checks.
enum StartingSignalMask: String, Sendable {
    case clear, blocked

    static let perl = "/usr/bin/perl"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: perl) }

    /// `perl … specdet ARGS` with this mask.
    func commandLine(_ arguments: [String]) -> [String] {
        let set = self == .clear ? "" : "SIGINT, SIGTERM"
        return ["-MPOSIX", "-e",
                "sigprocmask(SIG_SETMASK, POSIX::SigSet->new(\(set))) or die 'sigprocmask'; exec { $ARGV[0] } @ARGV or die 'exec'",
                Specdet.binary.path] + arguments
    }
}

/// RELIABILITY.md promise 1: on SIGINT/SIGTERM the run stops with status 130, its temporary
/// file is gone and an existing output file is untouched, byte for byte.
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
        let target = folder.appendingPathComponent("out.csv")
        let before = Data("an earlier run's output,\u{1}\u{FF}\nkept byte for byte\n".utf8)
        if preexisting { try before.write(to: target) }
        let temporaryPrefix = ".out.csv.specdet-"

        var sawTemporaryFile = false, stillRunning = false
        var signalledAt = ContinuousClock.now
        let run = try TimedProcess.run(StartingSignalMask.perl, mask.commandLine(command.arguments(output: target.path)),
                                       stdin: command.standardInput, timeout: 60 + grace) { process in
            let deadline = ContinuousClock.now + .seconds(60)
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
        outcome.left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        if preexisting { outcome.outputUnchanged = (try? Data(contentsOf: target)) == before }
        return outcome
    }

    /// Started as from a terminal or a shell script: the promise holds.
    @Test(arguments: InterruptibleCommand.allCases, StopSignal.allCases)
    func signalDuringARunLeavesNoPartialOutput(command: InterruptibleCommand, signal: StopSignal) throws {
        for preexisting in [true, false] {
            let outcome = try Self.interrupt(command, with: signal, mask: .clear, preexisting: preexisting, grace: 30)
            #expect(outcome.sawTemporaryFile, "the run never created its temporary file")
            #expect(outcome.stillRunningWhenSignalled, "the run finished before the signal: make it longer")
            #expect(outcome.run.exited(130), "status \(outcome.run.status) (\(outcome.run.reason)) after \(signal)")
            #expect(outcome.left == (preexisting ? ["out.csv"] : []), "left behind: \(outcome.left)")
            #expect(outcome.outputUnchanged, "the existing output was changed")
        }
    }

    /// Started by a parent whose signal mask blocks SIGINT and SIGTERM (Foundation's
    /// `Process` on Linux, or bash or Python started from such a parent): the process inherits
    /// the mask, so specdet must unblock both signals itself, or they stay pending, the run
    /// goes on, and the SIGKILL that follows leaves the temporary file behind. (Found by this
    /// test; fixed in Interruption.installHandlers, commit 6cc33be.)
    @Test(arguments: StopSignal.allCases)
    func signalIsHandledEvenWhenTheParentBlockedIt(signal: StopSignal) throws {
        let outcome = try Self.interrupt(.profile, with: signal, mask: .blocked, preexisting: true, grace: 30)
        #expect(outcome.sawTemporaryFile && outcome.stillRunningWhenSignalled)
        #expect(outcome.run.exited(130), "status \(outcome.run.status) (\(outcome.run.reason)) after \(signal)")
        #expect(outcome.left == ["out.csv"], "left behind: \(outcome.left)")
        #expect(outcome.outputUnchanged)
    }
}
