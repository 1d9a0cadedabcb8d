import Foundation
import SpecdetProfile
import Testing
@testable import SpecdetClassify
import SpecdetSupport

/// `DetectorModel.load` reads support vectors with its own scanner; these tests hold it to
/// JSONDecoder's result, and check that it gives up (to JSONDecoder) wherever it is unsure.
@Suite struct SupportVectorScannerTests {
    /// A small RBF SVM model file, compact JSON as `encoded()` writes it.
    static let svmModelText: String = {
        let data = SyntheticProfiles(count: 60, seed: 31)
        var options = TrainingOptions(classifier: .svm)
        options.date = fixedDate
        let model = try! Trainer(feature: ProfileConfiguration(), options: options)
            .train(features: data.features, labels: data.labels)
        return String(decoding: try! model.encoded(), as: UTF8.self)
    }()

    /// The scanner's model, or nil if it gave up; and JSONDecoder's, or nil if it refused.
    static func both(_ text: String) -> (scanned: DetectorModel?, decoded: DetectorModel?) {
        let data = Data(text.utf8)
        return (DetectorModel.decodeScanningSupportVectors(data), try? JSONDecoder().decode(DetectorModel.self, from: data))
    }

    /// `text` with the first support-vector number replaced by `number`.
    static func withFirstNumber(_ number: String) throws -> String {
        let marker = "\"support_vectors\":[["
        let start = try #require(svmModelText.range(of: marker)).upperBound
        let end = try #require(svmModelText[start...].firstIndex(where: { $0 == "," || $0 == "]" }))
        return svmModelText.replacingCharacters(in: start..<end, with: number)
    }

    @Test func theBuiltInModelIsScannedToJSONDecodersModel() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/specdet/Resources/default-model.json")
        let data = try Data(contentsOf: url)
        let scanned = try #require(DetectorModel.decodeScanningSupportVectors(data))
        guard case .rbfSVM(_, let vectors, let coefficients, _, _) = scanned.classifier else {
            Issue.record("the built-in model is not an RBF SVM")
            return
        }
        #expect(vectors.count == coefficients.count && vectors.count > 1000)
        #expect(scanned == (try JSONDecoder().decode(DetectorModel.self, from: data)))
        #expect(try DetectorModel.load(from: data) == scanned)
    }

    @Test func layoutAndNumberSpellingsAreScannedAlike() throws {
        let object = try JSONSerialization.jsonObject(with: Data(Self.svmModelText.utf8))
        let pretty = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]), as: UTF8.self)
        var texts = [Self.svmModelText, pretty, " \n\t" + Self.svmModelText + "\r\n"]
        // A logistic model with a stray `support_vectors` key, which JSONDecoder ignores.
        let logistic = try DetectorModelTests.train(TrainingOptions(classifier: .logistic)).encoded()
        texts.append(String(decoding: logistic, as: UTF8.self)
            .replacingOccurrences(of: "\"kind\":", with: "\"support_vectors\":[[1,2]],\"kind\":"))
        // A skipped value before the classifier, with brackets and an escaped quote in a string.
        texts.append(
            Self.svmModelText.replacingOccurrences(of: "{\"classifier\":", with: "{\"threshold_note\":[{\"a\":\"]}\\\"\"}],\"classifier\":"))
        for number in ["1E+0", "-0", "0", "0.000", "2.5e-3", "1.1754944e-38", "3.4028235e38", "123456789012345678901234567890"] {
            texts.append(try Self.withFirstNumber(number))
        }
        for (index, text) in texts.enumerated() {
            let (scanned, decoded) = Self.both(text)
            let same = scanned == decoded  // not inside #expect, which would print both models
            #expect(scanned != nil && same, "text \(index)")
        }
        #expect(Self.both(try Self.withFirstNumber("-0")).scanned.flatMap(Self.firstNumber)?.sign == .minus)
    }

    static func firstNumber(_ model: DetectorModel) -> Float? {
        guard case .rbfSVM(_, let vectors, _, _, _) = model.classifier else { return nil }
        return vectors.first?.first
    }

    @Test func givesUpWhereItIsUnsure() throws {
        let text = Self.svmModelText
        // Files JSONDecoder reads, which `load` must then read the ordinary way: a subnormal, an
        // escaped key, a number over 40 characters (100,000 zeros after the point, which a
        // capped exponent would have brought back into range: JSONDecoder reads 10), and
        // nesting deeper than the scanner follows in a value it skips.
        let readByJSONDecoder = [
            try Self.withFirstNumber("1e-40"),
            text.replacingOccurrences(of: "\"support_vectors\"", with: "\"support\\u005fvectors\""),
            try Self.withFirstNumber("0." + String(repeating: "0", count: 99_999) + "1e100001"),
            text.replacingOccurrences(
                of: "{\"classifier\":",
                with: "{\"note\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + ",\"classifier\":"),
        ]
        // Not JSON numbers, out of Float's range, or rounding to zero (JSONDecoder refuses those).
        var others = try ["01", "1.", ".5", "+1", "1e", "NaN", "0x10", "1e999", "1e-50", "0.0e7", "\"1\"", ""].map(Self.withFirstNumber)
        others += [
            text.replacingOccurrences(of: "\"support_vectors\":", with: "\"support_vectors\":[[1]],\"support_vectors\":"),
            text.replacingOccurrences(of: "{\"classifier\":", with: "{\"classifier\":{},\"classifier\":"),
            text.replacingOccurrences(of: "\"support_vectors\":[[", with: "\"support_vectors\":[[],["),
            String(text.dropLast()), text + "x", "\u{FEFF}" + text,
        ]
        for (index, text) in (readByJSONDecoder + others).enumerated() {
            let (scanned, decoded) = Self.both(text)
            // `load` then takes JSONDecoder's way: the same model or the same refusal as before.
            let loaded = try? DetectorModel.load(from: Data(text.utf8))
            let same = index < readByJSONDecoder.count ? loaded != nil && loaded == decoded : loaded == nil || loaded == decoded
            #expect(scanned == nil && same, "text \(index)")
        }
        #expect(Self.both(readByJSONDecoder[2]).decoded.flatMap(Self.firstNumber) == 10)
    }

    /// Random damage to a small model file: whatever the scanner accepts, JSONDecoder decodes
    /// to the same model.
    @Test func damagedFilesNeverScanToADifferentModel() throws {
        var json = try #require(JSONSerialization.jsonObject(with: Data(Self.svmModelText.utf8)) as? [String: Any])
        var classifier = try #require(json["classifier"] as? [String: Any])
        classifier["support_vectors"] = [[0.5, -1.25, 3e-5], [1, 2, 3]]
        classifier["coefficients"] = [1.5, -1.5]
        json["classifier"] = classifier
        let small = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        let alphabet = Array("[]{},:\"0123456789-+.eE \\u".utf8)
        var generator = SplitMix64(seed: 4)
        var scannedCount = 0
        for _ in 0..<3000 {
            var bytes = [UInt8](small)
            for _ in 0...Int(generator.next() % 3) {
                let index = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 4 {
                case 0: bytes[index] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: index)
                case 2: bytes.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: index)
                default: bytes.removeSubrange(index...)
                }
                if bytes.isEmpty { bytes = [UInt8(ascii: "{")] }
            }
            let data = Data(bytes)
            guard let scanned = DetectorModel.decodeScanningSupportVectors(data) else { continue }
            scannedCount += 1
            let same = scanned == (try? JSONDecoder().decode(DetectorModel.self, from: data))
            #expect(same, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(scannedCount > 100)  // the damage often misses the structure; those must agree too
    }

    /// The scanner's numbers against `strtof`, bit for bit: random decimals of every length and
    /// exponent, the shortest forms of random `Float`s, and decimals next to and exactly on the
    /// midpoints between two `Float`s, where a conversion that rounds twice would go wrong.
    @Test func numbersAreTheNearestFloatAsStrtofGivesThem() throws {
        var generator = SplitMix64(seed: 9)
        func below(_ bound: Int) -> Int { Int(generator.next() % UInt64(bound)) }
        // Integers that are midpoints, extremes, and 15-digit decimals whose Double is a Float
        // midpoint although they are not (so they must go to strtof).
        var texts: [String] = [
            "16777217", "16777219", "33554434", "0.5", "-0", "3.4028235e38", "1.17549435e-38",
            "174107068398882e4", "153908173931230e4", "1e22", "999999999999999e22", "1e-22",
        ]
        while texts.count < 60_000 {
            switch below(4) {
            case 0:  // random digits, a point somewhere, maybe an exponent
                var digits = String(1 + below(9)) + (0..<below(18)).map { _ in String(below(10)) }.joined()
                if digits.count > 1 && below(2) == 0 {
                    digits.insert(".", at: digits.index(digits.startIndex, offsetBy: 1 + below(digits.count - 1)))
                }
                texts.append((below(2) == 0 ? "-" : "") + digits + (below(2) == 0 ? "e\(below(61) - 30)" : ""))
            case 1:  // a random Float's shortest form (what model files hold)
                let value = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
                if value.isNormal { texts.append("\(value)") }
            default:  // next to, or exactly on, a midpoint between two Floats
                let value = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()) & 0x7FFF_FFFF)
                guard value.isNormal, value.nextUp.isFinite else { continue }
                let midpoint = (Double(value) + Double(value.nextUp)) / 2
                texts.append(String(format: "%.\(1 + below(17))g", midpoint))
            }
        }
        var expected: [UInt32] = []
        var kept: [String] = []
        for text in texts {
            let value = strtof(text, nil)
            if value.isNormal || text == "-0" {  // the scanner leaves the others to JSONDecoder
                expected.append(value.bitPattern)
                kept.append(text)
            }
        }
        let json = "{\"classifier\":{\"support_vectors\":[[" + kept.joined(separator: ",") + "]]}}"
        let scanned = try #require(SupportVectorScanner.extract(from: Data(json.utf8))?.supportVectors.first)
        let mismatches = zip(kept, zip(scanned, expected)).filter { $0.1.0.bitPattern != $0.1.1 }.map(\.0)
        #expect(scanned.count == kept.count && mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(kept.count > 50_000)
    }
}
