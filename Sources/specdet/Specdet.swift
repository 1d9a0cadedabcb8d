import ArgumentParser

@main
struct Specdet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "specdet",
        abstract: "Tell real photographs from generated images by their Fourier spectra."
    )
}
