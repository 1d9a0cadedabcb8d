import Foundation
import Testing
import SpecdetSupport

@Suite struct OrderedParallelMapTests {
    final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var states = 0
    }

    /// Results come back in input order whatever the workers' timing, each input once, and
    /// every worker's state is made on its own thread, once.
    @Test(arguments: [1, 2, 3, 8, 64])
    func resultsComeBackInInputOrder(jobs: Int) throws {
        let counter = Counter()
        var inputs = (0..<500).makeIterator()
        var seen: [Int] = []
        let started = try OrderedParallelMap.run(
            &inputs, jobs: jobs,
            makeState: { counter.lock.withLock { counter.states += 1 } },
            transform: { _, input in
                if input % 7 == 0 { usleep(200) }  // late results must still wait their turn
                return input * input
            },
            emit: { input, output in
                #expect(output == input * input)
                seen.append(input)
            })
        #expect(seen == Array(0..<500))
        #expect(started == jobs && counter.states == jobs)
    }

    /// The window bounds the inputs taken from the stream before their results are emitted.
    @Test func inputsInFlightNeverExceedTheWindow() throws {
        final class Stream: IteratorProtocol, @unchecked Sendable {
            var taken = 0, emitted = 0, largestGap = 0
            func next() -> Int? {
                guard taken < 300 else { return nil }
                largestGap = max(largestGap, taken - emitted)
                taken += 1
                return taken - 1
            }
        }
        let stream = Stream()
        var iterator = stream
        try OrderedParallelMap.run(&iterator, jobs: 3, window: 5, makeState: {}, transform: { _, input in input },
                                   emit: { _, _ in stream.emitted += 1 })
        #expect(stream.emitted == 300)
        #expect(stream.largestGap < 5)
    }

    /// An error from `emit` stops the run: no further input is taken, and it is rethrown.
    @Test func anEmitErrorStopsTheRun() {
        struct Stop: Error {}
        var inputs = (0..<10_000).makeIterator()
        var emitted = 0
        #expect(throws: Stop.self) {
            try OrderedParallelMap.run(&inputs, jobs: 2, makeState: {}, transform: { _, input in input },
                                       emit: { input, _ in
                                           emitted += 1
                                           if input == 10 { throw Stop() }
                                       })
        }
        #expect(emitted == 11)
        #expect(inputs.next().map { $0 < 100 } == true, "the stream was read on after the error")
    }

    @Test func anEmptyStreamEmitsNothing() throws {
        var inputs = [Int]().makeIterator()
        try OrderedParallelMap.run(&inputs, jobs: 4, makeState: {}, transform: { _, input in input },
                                   emit: { _, _ in Issue.record("nothing to emit") })
    }
}

@Suite struct SeedsAndHashesTests {
    /// SplitMix64's first outputs for seed 0 and 1234567, from the reference implementation
    /// (Vigna's splitmix64.c).
    @Test func splitMixMatchesTheReferenceSequence() {
        var zero = SplitMix64(seed: 0)
        #expect([zero.next(), zero.next(), zero.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
        var other = SplitMix64(seed: 1_234_567)
        #expect(other.next() == 0x599E_D017_FB08_FC85)
    }

    /// FNV-1a 64 of the empty string is the offset basis; of "a" and "foobar" the published values.
    @Test func fnv1aMatchesThePublishedValues() {
        #expect(fnv1a64([UInt8]()) == 0xCBF2_9CE4_8422_2325)
        #expect(fnv1a64(Array("a".utf8)) == 0xAF63_DC4C_8601_EC8C)
        #expect(fnv1a64(Array("foobar".utf8)) == 0x8594_4171_F739_67E8)
        // Hashed in parts, as a whole.
        #expect(fnv1a64(Array("bar".utf8), continuing: fnv1a64(Array("foo".utf8))) == 0x8594_4171_F739_67E8)
    }
}
