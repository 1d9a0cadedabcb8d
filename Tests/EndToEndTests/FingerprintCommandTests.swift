import Foundation
import SpecdetImage
import Testing

/// The size of the figure `fingerprint` draws for a `width x height` spectrum (its help): the
/// spectrum fitted to 512 px on its longer side (enlarged by a whole factor, or reduced), 80 px
/// on its left, 130 on its right, at least 640 in all; 100 px above it, 56 below, and at
/// least 120 px for the spectrum.
func fingerprintFigureSize(width: Int, height: Int) -> (width: Int, height: Int) {
    let side = max(width, height)
    let (shownWidth, shownHeight) = side <= 512 ? (width * (512 / side), height * (512 / side))
        : (width * 512 / side, height * 512 / side)
    return (max(640, 80 + shownWidth + 130), 100 + max(shownHeight, 120) + 56)
}

@Suite struct FingerprintCommandTests {
    /// `specdet profile` decodes the PNG: its status and size.
    private func decodedSize(_ url: URL) throws -> (status: String, width: String, height: String) {
        let run = try Specdet.run(["profile", "--quiet", url.path])
        let row = try #require(csvRows(run.output).dropFirst().first)
        return (row[1], row[2], row[3])
    }

    @Test func writesAPNGOfTheImagesSizeThatSpecdetDecodes() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let png = folder.appendingPathComponent("fingerprint.png")
        let run = try Specdet.run(["fingerprint", "Fixtures/images/ae128_convtranspose/fake", "--output", png.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("6 files: 6 ok, 0 failed"))
        #expect(try Data(contentsOf: png).prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let decoded = try decodedSize(png)
        #expect(decoded.status == "ok" && decoded.width == "722" && decoded.height == "668")
    }

    /// The figure: the spectrum enlarged or reduced to 512 px, a title in the top rows, axes in
    /// cycles/pixel and a scale bar; dark pixels in the title area, the spectrum's own pixels
    /// in its place.
    @Test(arguments: [("Fixtures/images/dcgan64/real", nil, 64, 64), ("Fixtures/images/jpeg", "80x60", 80, 60),
                      ("Fixtures/images/jpeg/mate_wood_1024x1024_q85_baseline_color.jpg", nil, 1024, 1024),
                      ("Fixtures/images/jpeg", "96x9", 96, 9)])
    func theFigureHasATitleAxesAndTheExpectedSize(input: String, size: String?, width: Int, height: Int) throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let png = folder.appendingPathComponent("figure.png")
        let run = try Specdet.run(["fingerprint", "--quiet", input, "-o", png.path] + (size.map { ["--size", $0] } ?? []))
        #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
        let image = try ImageDecoder.decode(path: png.path)
        let expected = fingerprintFigureSize(width: width, height: height)
        #expect(image.width == expected.width && image.height == expected.height)
        func darkPixels(rows: Range<Int>, columns: Range<Int>) -> Int {
            rows.reduce(0) { sum, y in sum + columns.filter { image.pixels[y * image.width + $0] < 128 }.count }
        }
        let title = darkPixels(rows: 8..<22, columns: 8..<400)
        #expect(title > 300, "only \(title) dark pixels where the title is")
        #expect(darkPixels(rows: 0..<8, columns: 0..<image.width) == 0)
        // Below the title: the spectrum's frame, its tick labels and the fx label.
        #expect(darkPixels(rows: 100..<image.height, columns: 0..<80) > 100)
    }

    @Test func anOutputThatIsNotAPNGIsRefused() throws {
        for name in ["figure.jpg", "figure", "figure.png.txt"] {
            let run = try Specdet.run(["fingerprint", "Fixtures/images/dcgan64/real", "-o", "/tmp/never/\(name)"])
            #expect(run.status == 2, "\(name)")
            #expect(run.stderr.contains("does not end in .png"))
        }
        #expect(try Specdet.run(["fingerprint", "--quiet", "Fixtures/images/dcgan64/real", "-o", "-"]).stdout.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
    }

    /// Every JPEG fixture is at least 96x96: all crop to 80x60; 100x100 is too big for one.
    @Test func sizeCentreCropsAndTooSmallImagesFailWithoutStoppingTheRun() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let png = folder.appendingPathComponent("fingerprint.png")
        var run = try Specdet.run(["fingerprint", "--size", "80x60", "Fixtures/images/jpeg", "-o", png.path])
        #expect(run.status == 0, "\(run.stderr)")
        var decoded = try decodedSize(png)
        #expect(decoded.width == "690" && decoded.height == "516")

        run = try Specdet.run(["fingerprint", "--size", "100", "Fixtures/images/jpeg", "-o", png.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("mate_raindrops_96x96_q90_baseline_gray.jpg: too_small: the image is 96x96, smaller than --size 100x100"))
        #expect(run.stderr.contains("5 files: 4 ok, 1 failed"))
        decoded = try decodedSize(png)
        #expect(decoded.width == "710" && decoded.height == "656")
    }

    /// Without --size, the first image that decodes sets the size; a corrupt first file does not.
    @Test func imagesOfAnotherSizeThanTheFirstDecodedOneFail() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("0-broken.png")
        let good = try Data(contentsOf: Specdet.fixtures.appendingPathComponent("images/dcgan64/real/00000.png"))
        try good.prefix(good.count / 2).write(to: broken)
        let png = folder.appendingPathComponent("fingerprint.png")
        let run = try Specdet.run(["fingerprint", broken.path, "Fixtures/images/dcgan64/real",
                                   "Fixtures/images/ae128_nearest/real/00000.png", "-o", png.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("0-broken.png: truncated"))
        #expect(run.stderr.contains("ae128_nearest/real/00000.png: size_mismatch: the image is 128x128, the first one 64x64"))
        #expect(run.stderr.contains("8 files: 6 ok, 2 failed"))
        let decoded = try decodedSize(png)
        #expect(decoded.width == "722" && decoded.height == "668")
    }

    /// A blank image has no spectrum to average (as for a profile): its row fails, the rest are averaged.
    @Test func aBlankImageIsADegenerateSpectrum() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let png = folder.appendingPathComponent("fingerprint.png")
        let run = try Specdet.run(["fingerprint", "Fixtures/outside/constant_gray_128.png", "Fixtures/outside/noise_uniform_128.png",
                                   "-o", png.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("constant_gray_128.png: degenerate_spectrum"), "\(run.stderr)")
        #expect(run.stderr.contains("2 files: 1 ok, 1 failed"), "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: png.path))
    }

    @Test func theImageIsTheSameByteForByteWhateverTheJobs() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let one = folder.appendingPathComponent("one.png"), three = folder.appendingPathComponent("three.png")
        let inputs = ["Fixtures/images/ae128_bilinear", "Fixtures/images/ae128_pixelshuffle"]
        #expect(try Specdet.run(["fingerprint", "--quiet", "--jobs", "1", "-o", one.path] + inputs).status == 0)
        #expect(try Specdet.run(["fingerprint", "--quiet", "--jobs", "3", "-o", three.path] + inputs).status == 0)
        #expect(try Data(contentsOf: one) == Data(contentsOf: three))
    }

    @Test func nothingIsWrittenWhenNoImageCanBeAveraged() throws {
        let folder = try Specdet.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("broken.png")
        try Data("not an image".utf8).write(to: broken)
        let png = folder.appendingPathComponent("fingerprint.png")
        var run = try Specdet.run(["fingerprint", broken.path, "-o", png.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("no image could be averaged"))
        run = try Specdet.run(["fingerprint", "--size", "200", "Fixtures/images/dcgan64/real", "-o", png.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("6 files: 0 ok, 6 failed"))
        #expect(!FileManager.default.fileExists(atPath: png.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["broken.png"])
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try Specdet.run(["fingerprint", "Fixtures/images/dcgan64/real"]).status == 2)
        #expect(try Specdet.run(["fingerprint", "Fixtures/images/dcgan64/real", "-o", "/tmp/x.png", "--size", "0x4"]).status == 2)
        #expect(try Specdet.run(["fingerprint", "Fixtures/images/dcgan64/real", "-o", "/tmp/x.png", "--size", "4x"]).status == 2)
        #expect(try Specdet.run(["fingerprint", "Fixtures/images/dcgan64/real", "-o", "/tmp/x.png", "--clip", "50"]).status == 2)
    }

    @Test func everyOptionHasHelpAndTheDiscussionAnExample() throws {
        try expectDocumentedHelp(command: "fingerprint")
    }
}
