import ArgumentParser
import Foundation
import SpecdetImage
import SpecdetProfile
import SpecdetSupport

/// `--size N` (N x N) or `--size WxH`; also the size of the first decoded image.
struct FingerprintSize: ExpressibleByArgument, CustomStringConvertible {
    let width: Int
    let height: Int

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let width = Int(parts[0]), let height = Int(parts[parts.count - 1]),
              (1...Self.maximumSide).contains(width), (1...Self.maximumSide).contains(height) else { return nil }
        self.width = width
        self.height = height
    }

    var description: String { "\(width)x\(height)" }

    /// The largest side `--size` takes: the decoders' own largest side.
    static let maximumSide = 65_535
}

struct FingerprintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fingerprint",
        abstract: "Write the mean 2-D log spectrum of a set of images as a PNG.",
        discussion: """
            Averages 20·ln|F + 1e-8| (unnormalised 2-D DFT of the 8-bit luma, natural log) over \
            the images, centred with fftshift: DC is at row H/2, column W/2 (integer division) \
            and frequency +k along x at column W/2 + k. The mean is mapped linearly to 8-bit \
            gray between its p-th and (100 − p)-th percentiles, p = --clip (values beyond \
            saturate; --clip 0 maps min to black and max to white; if the two percentiles are \
            equal, min and max are used). Periodic upsampling artefacts show as bright dots or \
            lines away from the centre.

            The PNG is a figure: a title (the number of images and their size), frequency axes \
            in cycles/pixel (−0.5 to 0.5, DC at the centre, fy growing downwards) and a scale \
            bar from black to white in dB (20·log10|F|). The spectrum is shown at most 512 \
            pixels on its longer side: a smaller one enlarged by the largest whole factor that \
            fits, nearest neighbour (each frequency a square), a larger one reduced by area \
            averaging; the title says which. --output must end in .png (or be - for stdout).

            All images must have the size of the first one that decodes, or with --size each is \
            centre-cropped to that size (the window starts at ((W − w)/2, (H − h)/2)). An image \
            of another size, or smaller than --size, fails with size_mismatch or too_small, a \
            nearly blank one with degenerate_spectrum (as for a profile), and the run goes on \
            (exit status 1). The sum is exact fixed point, so the PNG is the \
            same byte for byte whatever --jobs.

            Example:
              specdet fingerprint Fixtures/images/ae128_convtranspose/fake \\
                --output fingerprint.png
            """
    )

    @OptionGroup var inputs: PathArguments

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the PNG.", valueName: "FILE.png"))
    var output: String

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Centre-crop every image to N x N or W x H pixels, sides up to 65535 (default: all images must share the first one's size).",
        valueName: "N|WxH"))
    var size: FingerprintSize?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Percent of the mean spectrum's values saturated at each end of the 8-bit map (0: min to max).",
        valueName: "PERCENT"))
    var clip = 0.5

    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        guard clip >= 0 && clip < 50 else { throw ValidationError("--clip must be at least 0 and below 50") }
        guard output == "-" || output.lowercased().hasSuffix(".png") else {
            throw ValidationError("--output '\(output)' does not end in .png: fingerprint writes a PNG (or - for stdout)")
        }
    }

    func run() throws {
        try OutputGuard.refuse(reading: [self.inputs.listFile], writing: [output])
        let inputs = try self.inputs.stream()
        let diagnostics = try OutputSink.writing(to: output) { sink in
            let imageRun = ImageRun(configuration: ProfileConfiguration(), options: runOptions,
                                    protecting: [sink.existingIdentity].compactMap { $0 })
            // Without --size, the first image that decodes sets the size and is averaged first.
            let decodable = size == nil ? firstDecodable(inputs, diagnostics: imageRun.diagnostics) : nil
            var first = decodable?.path
            guard let shape = size ?? decodable?.size else { try nothingAveraged(imageRun.diagnostics) }
            let builder = try FingerprintBuilder(width: shape.width, height: shape.height, memoryLimit: runOptions.maxFFTMemory)
            let cropping = size != nil
            var all = AnyIterator { () -> InputPath? in
                defer { first = nil }
                return first ?? inputs.next()
            }
            try imageRun.run(&all, total: { inputs.total }, work: { image, _, _ throws(SpecdetError) in
                if cropping {
                    guard let window = image.centreCropped(width: shape.width, height: shape.height) else {
                        throw SpecdetError(.tooSmall, "the image is \(image.width)x\(image.height), smaller than --size \(shape)",
                                           width: image.width, height: image.height)
                    }
                    try builder.add(window)
                } else {
                    guard image.width == shape.width, image.height == shape.height else {
                        throw SpecdetError(.sizeMismatch,
                                           "the image is \(image.width)x\(image.height), the first one \(shape); give --size to crop",
                                           width: image.width, height: image.height)
                    }
                    try builder.add(image)
                }
            }, emit: { _, _ in })
            try self.inputs.finish(inputs)
            guard let fingerprint = builder.fingerprint() else { try nothingAveraged(imageRun.diagnostics) }
            do throws(SpecdetError) {
                try sink.write(bytes: try PNGEncoder.encode(FingerprintFigure.render(fingerprint, clipPercent: clip)))
            } catch {
                throw error.prefixed("cannot encode the PNG: ")
            }
            return imageRun.diagnostics
        }
        try diagnostics.finish()
    }

    /// Ends a run in which no image could be averaged: nothing is written, exit status 1.
    private func nothingAveraged(_ diagnostics: Diagnostics) throws -> Never {
        diagnostics.printSummary()
        StandardError.write("specdet: error: no image could be averaged; nothing written\n")
        throw ExitCode(1)
    }

    /// The first input of the stream that decodes and its size, recording the failures of the
    /// inputs before it; nil if none decodes.
    private func firstDecodable(_ inputs: InputStream, diagnostics: Diagnostics) -> (path: InputPath, size: FingerprintSize)? {
        while let path = inputs.next() {
            do {
                let image = try ImageDecoder.decodeDetailed(pathBytes: path.bytes, limits: runOptions.limits).image
                return (path, FingerprintSize(width: image.width, height: image.height))
            } catch {
                diagnostics.recordFailure(path, error)
            }
        }
        return nil
    }
}
