import Foundation

/// Reads `classifier.support_vectors` of a model file straight from its bytes, so that
/// `DetectorModel.load` need not take the megabytes of numbers through JSONDecoder (the
/// built-in model's 1.7 million values would take it about 0.7 s, most of a one-image `score`).
///
/// It only ever shortens the way to the result JSONDecoder would give: every number is
/// checked against JSON's grammar and converted to the nearest `Float`, the value JSONDecoder's
/// `strtof` gives. Anything it is not sure of (an escaped or repeated key, a number over 40
/// characters, out of range, subnormal or a zero with an exponent, nesting deeper than it
/// follows, a syntax error) makes it give up, and the caller then decodes the whole file the
/// ordinary way, errors and all.
enum SupportVectorScanner {
    /// The support vectors and the file with `[]` in their place.
    struct Extraction {
        var supportVectors: [[Float]]
        var remainder: Data
    }

    /// The support vectors of a model file, or nil when the file has none at
    /// `classifier.support_vectors` or the scanner gives up (see the type's comment).
    static func extract(from data: Data) -> Extraction? {
        data.withUnsafeBytes { raw -> Extraction? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var scanner = Scanner(bytes: bytes)
            guard let found = scanner.findSupportVectors() else { return nil }
            var remainder = Data(UnsafeBufferPointer(rebasing: bytes[..<found.range.lowerBound]))
            remainder.append(contentsOf: Array("[]".utf8))
            remainder.append(UnsafeBufferPointer(rebasing: bytes[found.range.upperBound...]))
            return Extraction(supportVectors: found.vectors, remainder: remainder)
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        /// Deeper values are left to JSONDecoder (which allows 512 levels): the skipper recurses.
        static let maximumDepth = 64

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        /// Walks the top-level object to `classifier`, then to its `support_vectors`, and
        /// parses that array; nil unless the whole file is that object.
        mutating func findSupportVectors() -> (range: Range<Int>, vectors: [[Float]])? {
            var found: (range: Range<Int>, vectors: [[Float]])?
            var sawClassifier = false
            skipWhitespace()
            let parsed = walkObject(depth: 1) { scanner, key in
                guard key == "classifier" else { return scanner.skipValue(depth: 2) }
                guard !sawClassifier, scanner.peek() == UInt8(ascii: "{") else { return false }
                sawClassifier = true
                return scanner.walkObject(depth: 2) { scanner, key in
                    guard key == "support_vectors" else { return scanner.skipValue(depth: 3) }
                    guard found == nil else { return false }
                    let start = scanner.position
                    guard let vectors = scanner.parseVectors() else { return false }
                    found = (start..<scanner.position, vectors)
                    return true
                }
            }
            return parsed && skipWhitespace() == nil ? found : nil
        }

        // MARK: Structure

        /// Calls `member` with each key of the object at the position, the position on its value;
        /// `member` must consume the value. False on a syntax error, an escaped key or a failed member.
        mutating func walkObject(depth: Int, _ member: (inout Scanner, String) -> Bool) -> Bool {
            guard depth <= Self.maximumDepth, take(UInt8(ascii: "{")) else { return false }
            skipWhitespace()
            if take(UInt8(ascii: "}")) { return true }
            repeat {
                skipWhitespace()
                guard let key = plainKey() else { return false }
                skipWhitespace()
                guard take(UInt8(ascii: ":")) else { return false }
                skipWhitespace()
                guard member(&self, key) else { return false }
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}"))
        }

        /// A key without escapes (an escaped key could spell `classifier` in a way this
        /// scanner does not compare; it gives up rather than decode escapes).
        mutating func plainKey() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = position
            while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
                guard bytes[position] != UInt8(ascii: "\\"), bytes[position] >= 0x20 else { return nil }
                position += 1
            }
            guard position < bytes.count else { return nil }
            let key = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            position += 1
            return key
        }

        /// Steps over any JSON value. The syntax it accepts is looser than JSON's (JSONDecoder
        /// checks the remainder); what it must get right is where the value ends.
        mutating func skipValue(depth: Int) -> Bool {
            guard depth <= Self.maximumDepth, let first = peek() else { return false }
            switch first {
            case UInt8(ascii: "{"):
                return walkObject(depth: depth) { scanner, _ in scanner.skipValue(depth: depth + 1) }
            case UInt8(ascii: "["):
                position += 1
                skipWhitespace()
                if take(UInt8(ascii: "]")) { return true }
                repeat {
                    skipWhitespace()
                    guard skipValue(depth: depth + 1) else { return false }
                    skipWhitespace()
                } while take(UInt8(ascii: ","))
                return take(UInt8(ascii: "]"))
            case UInt8(ascii: "\""):
                position += 1
                while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
                    position += bytes[position] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard position < bytes.count else { return false }
                position += 1
                return true
            default:
                let start = position
                while position < bytes.count, !Self.endsScalar(bytes[position]) { position += 1 }
                return position > start
            }
        }

        // MARK: Numbers

        /// `[[n, ...], ...]` of finite `Float`s, or nil (an empty outer or inner array included:
        /// `validate` refuses those, and it is simpler to let the ordinary path say so).
        mutating func parseVectors() -> [[Float]]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var vectors: [[Float]] = []
            var numberText = [CChar](repeating: 0, count: Self.longestNumber + 1)
            repeat {
                skipWhitespace()
                guard take(UInt8(ascii: "[")) else { return nil }
                var vector: [Float] = []
                vector.reserveCapacity(vectors.last?.count ?? 0)
                repeat {
                    skipWhitespace()
                    guard let value = parseFloat(into: &numberText) else { return nil }
                    vector.append(value)
                    skipWhitespace()
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "]")) else { return nil }
                vectors.append(vector)
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]")) ? vectors : nil
        }

        /// Longer number texts are left to JSONDecoder (a `Float` needs at most 9 significant
        /// digits); the bound also keeps the decimal exponent's arithmetic exact.
        static let longestNumber = 40

        /// One JSON number (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`) as the `Float`
        /// nearest to it (ties to even), the value `strtof` and so JSONDecoder give; nil if it is
        /// not one, if it is longer than `longestNumber`, or if it is out of range, subnormal or a
        /// zero with an exponent (JSONDecoder refuses some of those, e.g. 1e-50 and 0.0e7; they
        /// are left to it).
        ///
        /// Clinger's fast path: up to 15 significant digits m and a decimal exponent e with
        /// |e| ≤ 22 make m and 10^|e| exact `Double`s, so m·10^e is rounded once, to `Double`.
        /// Rounding that on to `Float` gives the nearest `Float` unless the `Double` fell exactly on
        /// a midpoint between two `Float`s; that case, and every other, goes to `strtof`.
        mutating func parseFloat(into text: inout [CChar]) -> Float? {
            let start = position
            let negative = take(UInt8(ascii: "-"))
            var mantissa: UInt64 = 0
            var significantDigits = 0
            var exponent = 0
            func accumulate(_ digit: UInt8, fraction: Bool) {
                if mantissa == 0 && digit == UInt8(ascii: "0") {
                    if fraction { exponent -= 1 }
                    return
                }
                significantDigits += 1
                guard significantDigits <= 15 else { return }  // strtof's case; the digits still count
                mantissa = mantissa * 10 + UInt64(digit - UInt8(ascii: "0"))
                if fraction { exponent -= 1 }
            }
            if !take(UInt8(ascii: "0")) {
                guard let digit = peek(), (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(digit) else { return nil }
                while let digit = takeDigit() { accumulate(digit, fraction: false) }
            }
            if take(UInt8(ascii: ".")) {
                guard let first = takeDigit() else { return nil }
                accumulate(first, fraction: true)
                while let digit = takeDigit() { accumulate(digit, fraction: true) }
            }
            let hasExponent = take(UInt8(ascii: "e")) || take(UInt8(ascii: "E"))
            if hasExponent {
                let negativeExponent = !take(UInt8(ascii: "+")) && take(UInt8(ascii: "-"))
                guard let first = takeDigit() else { return nil }
                var value = Int(first - UInt8(ascii: "0"))
                while let digit = takeDigit() { value = min(value * 10 + Int(digit - UInt8(ascii: "0")), 100_000) }
                exponent += negativeExponent ? -value : value
            }
            let length = position - start
            guard length <= Self.longestNumber else { return nil }
            if significantDigits == 0 {
                return hasExponent ? nil : (negative ? -0.0 : 0)
            }
            if significantDigits <= 15 && abs(exponent) <= 22 {
                let magnitude = Double(mantissa)
                let power = Self.exactPowersOfTen[abs(exponent)]
                let nearest = exponent < 0 ? magnitude / power : magnitude * power
                // 1e-22 ≤ nearest < 1e37: inside Float's normal range, where the 29 bits a Float
                // drops from a Double's significand are 1 then 28 zeros exactly at a midpoint.
                if nearest.bitPattern & 0x1FFF_FFFF != 0x1000_0000 { return Float(negative ? -nearest : nearest) }
            }
            let value = text.withUnsafeMutableBufferPointer { buffer -> Float in
                for offset in 0..<length { buffer[offset] = CChar(bitPattern: bytes[start + offset]) }
                buffer[length] = 0
                return strtof(buffer.baseAddress!, nil)
            }
            return value.isNormal ? value : nil
        }

        /// 10^0 … 10^22, each exactly a `Double`.
        static let exactPowersOfTen: [Double] = (0...22).map { exponent in
            (0..<exponent).reduce(1.0) { power, _ in power * 10 }
        }

        /// The next byte if it is a digit, stepping over it.
        mutating func takeDigit() -> UInt8? {
            guard let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            position += 1
            return byte
        }

        // MARK: Bytes

        static func endsScalar(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: " "),
                UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                return true
            default:
                return false
            }
        }

        func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func take(_ byte: UInt8) -> Bool {
            guard peek() == byte else { return false }
            position += 1
            return true
        }

        /// Steps over JSON whitespace; returns the next byte (nil at the end).
        @discardableResult
        mutating func skipWhitespace() -> UInt8? {
            while let byte = peek(),
                byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                    || byte == UInt8(ascii: "\r")
            {
                position += 1
            }
            return peek()
        }
    }
}
