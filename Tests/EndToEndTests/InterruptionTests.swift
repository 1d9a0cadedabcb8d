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

/// RELIABILITY.md promise 1: on SIGINT/SIGTERM the run stops with status 130, its temporary
/// file is gone and an existing output file is untouched, byte for byte.
@Suite(.serialized) struct InterruptionTests {
    @Test(arguments: InterruptibleCommand.allCases, StopSignal.allCases)
    func signalDuringARunLeavesNoPartialOutput(command: InterruptibleCommand, signal: StopSignal) throws {
        for preexisting in [true, false] {
            let folder = try Specdet.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let target = folder.appendingPathComponent("out.csv")
            let before = Data("an earlier run's output,\u{1}\u{FF}\nkept byte for byte\n".utf8)
            if preexisting { try before.write(to: target) }
            let temporaryPrefix = ".out.csv.specdet-"

            var sawTemporaryFile = false
            var stillRunningWhenSignalled = false
            let run = try TimedProcess.specdet(command.arguments(output: target.path), stdin: command.standardInput,
                                               timeout: 120) { process in
                // The run has started once its temporary output file exists (the inputs are
                // read, the sink is open); give it a moment more so rows are being written.
                let deadline = ContinuousClock.now + .seconds(60)
                while process.isRunning, ContinuousClock.now < deadline {
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
                    if names.contains(where: { $0.hasPrefix(temporaryPrefix) }) {
                        sawTemporaryFile = true
                        break
                    }
                    usleep(10_000)
                }
                usleep(300_000)
                stillRunningWhenSignalled = process.isRunning
                signal.send(to: process)
            }
            #expect(sawTemporaryFile, "the run never created its temporary file")
            #expect(stillRunningWhenSignalled, "the run finished before the signal: make it longer")
            #expect(!run.timedOut, "still running \(run.seconds) s after \(signal)")
            #expect(run.exited(130), "status \(run.status) (\(run.reason)) after \(signal): \(run.stderr)")
            let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            #expect(left == (preexisting ? ["out.csv"] : []), "left behind: \(left)")
            if preexisting {
                #expect(try Data(contentsOf: target) == before, "the existing output was changed")
            }
        }
    }
}
