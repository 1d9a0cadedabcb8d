import ArgumentParser

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Write the spectral profile of every image as CSV.",
        discussion: """
            One row per input: path,status,width,height, then the profile: axis_0,...,axis_{N/2-1}, \
            diagonal_0,...,diagonal_{N/2-1} for --features sectors (the default), bin_0,...,bin_{N-1} \
            for durall. A failed input keeps \
            its row, with an error code as status and empty bins.

            Example:
              specdet profile photos/ --output profiles.csv
            """
    )

    @OptionGroup var inputs: PathArguments
    @OptionGroup var features: FeatureOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var header: HeaderOptions
    @OptionGroup var runOptions: RunOptions


    func run() throws {
        try OutputGuard.refuse(reading: [self.inputs.listFile], writing: [output.output])
        let inputs = try self.inputs.stream()
        let configuration = features.configuration()
        let imageRun = try OutputSink.writing(to: output.output) { sink in
            let imageRun = ImageRun(configuration: configuration, options: runOptions,
                                    protecting: [sink.existingIdentity].compactMap { $0 })
            if !header.noHeader {
                try sink.write(CSV.row(configuration.csvHeader))
            }
            let emptyBins = [String](repeating: "", count: configuration.bins)
            try imageRun.run(inputs, work: ImageRun.profileWork) { path, outcome in
                switch outcome {
                case .success(let profile):
                    try sink.write(CSV.row([path.display, "ok", String(profile.width), String(profile.height)]
                        + profile.features.map { $0.description }))
                case .failure(let failure):
                    try sink.write(CSV.row([path.display, failure.code.rawValue, failure.width.map(String.init) ?? "",
                                            failure.height.map(String.init) ?? ""] + emptyBins))
                }
            }
            try self.inputs.finish(inputs)
            return imageRun
        }
        try imageRun.diagnostics.finish()
    }
}
