import Foundation
import SpecdetImage
import SpecdetProfile
import SpecdetSupport
import Testing

/// The profile of each WebP, HEIF, AVIF and TIFF fixture beside the profile of the same pixels
/// saved as PNG (`Fixtures/formats/TWINS.tsv`, made by `Fixtures/make_format_fixtures.py`):
/// equal for lossless files, and for lossy files beside their decoder's own Y plane (dwebp's,
/// libheif's) saved as a gray PNG.
@Suite struct FormatTwinProfileTests {
    struct Twin: Sendable, CustomStringConvertible {
        let file: String, twin: String, relation: String
        var description: String { file }
    }

    static let formats = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/formats")

    static let twins: [Twin] = {
        let text = (try? String(contentsOf: formats.appendingPathComponent("TWINS.tsv"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.dropFirst().map { line in
            let fields = line.split(separator: "\t").map(String.init)
            return Twin(file: fields[0], twin: fields[1], relation: fields[2])
        }.filter { $0.relation == "identical" }
    }()

    @Test func everyFormatHasTwins() {
        let extensions = Set(Self.twins.map { URL(fileURLWithPath: $0.file).pathExtension })
        #expect(extensions == ["webp", "heic", "avif", "tif"])
    }

    @Test(arguments: twins, [FeatureSet.durall, .sectors])
    func profileMatchesThePNGTwin(twin: Twin, features: FeatureSet) throws {
        let extractor = ProfileExtractor(configuration: ProfileConfiguration(features: features))
        let image = try ImageDecoder.decode(path: Self.formats.appendingPathComponent(twin.file).path)
        let png = try ImageDecoder.decode(path: Self.formats.appendingPathComponent(twin.twin).path)
        let profile = try extractor.profile(of: image), reference = try extractor.profile(of: png)
        #expect(profile.count == reference.count)
        #expect(profile == reference)
    }
}
