import Foundation
import Testing
import SpecdetImage
import SpecdetSupport

/// Images at the spectrum layer's limits give rows, never a crash: sides beyond 16-bit ring
/// numbers, and FFT buffers the process cannot allocate.
@Suite struct SpectrumLimitTests {
    /// A smooth gradient with a little texture: compresses well, so large test files stay small.
    private func image(width: Int, height: Int) -> GrayImage {
        var generator = SplitMix64(seed: UInt64(width &* 31 &+ height))
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                pixels[y * width + x] = UInt8(truncatingIfNeeded: (x &+ 2 &* y) / 64 &+ Int(generator.next() >> 61))
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// 70,000 pixels a side, with the decode limits off: a profile of the published features
    /// (one row or column has no diagonal frequencies, so `sectors` is `too_small`).
    @Test func sidesOf70000PixelsGiveProfiles() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (width, height) in [(70_000, 1), (1, 70_000)] {
            let png = try PNGEncoder.encode(image(width: width, height: height))
            try Data(png).write(to: folder.appendingPathComponent("\(width)x\(height).png"))
        }
        let durall = try Specdet.run(["profile", "--quiet", "--features", "durall", "--max-pixels", "0", "--max-side", "0",
                                      folder.path])
        #expect(durall.status == 0, "\(durall.stderr)")
        let rows = csvRows(durall.output).dropFirst()
        #expect(rows.map { Array($0[1...3]) } == [["ok", "1", "70000"], ["ok", "70000", "1"]])
        #expect(rows.allSatisfy { $0.count == 4 + 300 && Float($0[4]) == 1 && $0[4...].allSatisfy { Float($0)!.isFinite } })

        let sectors = try Specdet.run(["profile", "--quiet", "--max-pixels", "0", "--max-side", "0", folder.path])
        #expect(sectors.status == 1)
        #expect(csvRows(sectors.output).dropFirst().map { $0[1] } == ["too_small", "too_small"])
    }

    /// With the address space capped below what the FFT buffers of an 8000x8000 image take
    /// (512 MB), the image is a `memory_limit_exceeded` row and the run goes on.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/sh"), "needs /bin/sh for ulimit"))
    func fftBuffersThatCannotBeAllocatedAreARow() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let big = folder.appendingPathComponent("a-8000x8000.jpg"), small = folder.appendingPathComponent("b-64x64.jpg")
        try Data(JPEGEncoder.encode(image(width: 8_000, height: 8_000), quality: 80)).write(to: big)
        try Data(JPEGEncoder.encode(image(width: 64, height: 64), quality: 80)).write(to: small)
        let run = try TimedProcess.run("/bin/sh", ["-c", "ulimit -v 600000 && exec \"$0\" \"$@\"", Specdet.binary.path,
                                                    "profile", "--jobs", "1", "--features", "durall", big.path, small.path])
        #expect(run.status == 1, "\(run.stderr)")
        let rows = csvRows(run.output).dropFirst()
        #expect(rows.map { Array($0[1...3]) } == [["memory_limit_exceeded", "8000", "8000"], ["ok", "64", "64"]])
        #expect(run.stderr.contains("could not allocate"))
    }

    /// A fingerprint size whose buffers would overflow the address space is a usage error
    /// naming the value, before any work.
    @Test(arguments: ["100000000x100000000", "3000000000x3000000000", "9223372036854775807x9223372036854775807"])
    func fingerprintSizesBeyondMemoryAreRefused(size: String) throws {
        let run = try Specdet.run(["fingerprint", "--quiet", "--size", size, "Fixtures/images/jpeg", "--output", "/dev/null"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("'\(size)' is invalid for '--size"), "\(run.stderr)")
    }
}
