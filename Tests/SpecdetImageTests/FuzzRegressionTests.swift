import Foundation
import SpecdetImage
import Testing
import SpecdetSupport

/// Replays every input the fuzzer (tools/fuzz/run.sh) ever saved in Fixtures/fuzz-regressions
/// through `ImageDecoder`, plus every file of Fixtures/malformed as a smoke check: each must
/// come back as an image or a clean error, never crash. The folder only grows; it may be
/// empty (the fuzzer found nothing yet), and the test still runs over it.
///
/// Naming (Fixtures/fuzz-regressions/README.md): a file whose name starts with `reject-` must
/// fail to decode; libFuzzer's own names (`crash-…`, `timeout-…`, `oom-…`) promise nothing
/// about the outcome, only that there is one.
@Suite struct FuzzRegressionTests {
    /// The limits tools/fuzz/fuzz_decode.c decodes with, to replay its inputs exactly.
    static let fuzzLimits = DecodeLimits(maxPixels: 1 << 20, maxSide: 8192, maxProgressiveScans: 64,
                                         maxDecoderMemoryBytes: 64 << 20)

    /// Every regular file under `Fixtures/<relative>`, recursively, sorted; README.md excluded.
    static func files(under relative: String) -> [String] {
        let root = Fixtures.path(relative)
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        while let name = walker.nextObject() as? String {
            let path = root + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  name != "README.md" else { continue }
            found.append(path)
        }
        return found.sorted()
    }

    /// Decodes `path` from memory (with the fuzzer's limits) and from the file (with the
    /// defaults and the fuzzer's): an image of the size it claims, or a one-line error.
    static func replay(_ path: String) {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let mustFail = name.hasPrefix("reject-")
        let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
        let fromMemory = Result { () throws(SpecdetError) in try ImageDecoder.decodeDetailed(data: bytes, limits: fuzzLimits) }
        let fromFile = Result { () throws(SpecdetError) in try ImageDecoder.decodeDetailed(path: path, limits: fuzzLimits) }
        let withDefaults = Result { () throws(SpecdetError) in try ImageDecoder.decodeDetailed(path: path) }
        for (label, outcome) in [("memory", fromMemory), ("file", fromFile), ("file, default limits", withDefaults)] {
            switch outcome {
            case .success(let decoded):
                #expect(!mustFail, "\(name) (\(label)) decoded, but its name says it must fail")
                #expect(decoded.image.width > 0 && decoded.image.height > 0)
                #expect(decoded.image.pixels.count == decoded.image.width * decoded.image.height)
                #expect((1...4).contains(decoded.sourceChannels), "\(name) (\(label))")
            case .failure(let error):
                #expect(!error.message.isEmpty, "\(name) (\(label)): \(error.code) without a message")
                #expect(!error.message.contains("\n"), "\(name) (\(label)): \(error.message)")
                #expect(error.code != .tooSmall, "\(name): the decoder never says too_small")
            }
        }
        #expect(fromMemory == fromFile, "\(name): memory and file decodes disagree")
    }

    @Test func everySavedFuzzInputDecodesOrFailsCleanly() {
        #expect(FileManager.default.fileExists(atPath: Fixtures.path("fuzz-regressions/README.md")),
                "Fixtures/fuzz-regressions/README.md is missing")
        let files = Self.files(under: "fuzz-regressions")
        for path in files { Self.replay(path) }
        #expect(files.count >= 0, "replayed \(files.count) saved fuzz inputs")
    }

    /// The seeds of the fuzzer, and files the corpus never meant as images (MANIFEST.tsv, the
    /// PngSuite README, `.keep`).
    @Test func everyMalformedCorpusFileDecodesOrFailsCleanly() {
        let files = Self.files(under: "malformed")
        #expect(files.count > 250)
        for path in files { Self.replay(path) }
    }
}
