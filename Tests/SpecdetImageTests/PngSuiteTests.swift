import Foundation
import SpecdetImage
import Testing
import SpecdetSupport

/// PngSuite, listed from its folder (not the manifest): files named `x*` are corrupted and
/// must be rejected, every other one decodes to the size its name gives.
@Suite struct PngSuiteTests {
    static let files: [String] = {
        let folder = Fixtures.path("malformed/pngsuite")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".png") }.sorted()
    }()

    /// PngSuite's naming: `sNN*` are NN x NN, `cdf`/`cdh`/`cds` 8x32, 32x8 and 8x8, the rest 32x32.
    static func expectedSize(_ name: String) -> (width: Int, height: Int) {
        if name.hasPrefix("s"), let side = Int(name.dropFirst().prefix(2)) { return (side, side) }
        switch name.prefix(3) {
        case "cdf": return (8, 32)
        case "cdh": return (32, 8)
        case "cds": return (8, 8)
        default: return (32, 32)
        }
    }

    @Test func suiteIsPresent() {
        #expect(Self.files.count == 175)
        #expect(Self.files.filter { $0.hasPrefix("x") }.count == 14)
    }

    @Test(arguments: files.filter { !$0.hasPrefix("x") })
    func validFileDecodesToItsSize(name: String) throws {
        let image = try ImageDecoder.decode(path: Fixtures.path("malformed/pngsuite/" + name))
        let size = Self.expectedSize(name)
        #expect(image.width == size.width && image.height == size.height)
    }

    @Test(arguments: files.filter { $0.hasPrefix("x") })
    func corruptedFileIsRejected(name: String) {
        let error = #expect(throws: SpecdetError.self) {
            _ = try ImageDecoder.decode(path: Fixtures.path("malformed/pngsuite/" + name))
        }
        #expect(error?.message.isEmpty == false)
    }
}
