import Foundation

/// Reads `classifier.support_vectors` of a model file straight from its bytes, so that
/// `DetectorModel.load` need not take the megabytes of numbers through JSONDecoder (the
/// built-in model's 646,200 values took 0.25 s there, most of a one-image `score`).
///
/// It only ever shortens the way to the result JSONDecoder would give: every number is
/// checked against JSON's grammar and converted by `strtof`, as JSONDecoder converts a
/// `Float`. Anything it is not sure of (an escaped or repeated key, a number out of range,
/// subnormal or a zero with an exponent, nesting deeper than it follows, a syntax error)
/// makes it give up, and the caller then
/// decodes the whole file the ordinary way, errors and all.
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

        /// Longer number texts are left to JSONDecoder (a `Float` needs at most 9 significant digits).
        static let longestNumber = 40

        /// One JSON number (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`) converted by
        /// `strtof`, as JSONDecoder converts a `Float`; nil if it is not one, or if it is out of
        /// range, subnormal or a zero with an exponent (JSONDecoder refuses some of those, e.g.
        /// 1e-50 and 0.0e7; they are left to it).
        mutating func parseFloat(into text: inout [CChar]) -> Float? {
            let start = position
            _ = take(UInt8(ascii: "-"))
            let mantissaStart = position
            if !take(UInt8(ascii: "0")) {
                guard let digit = peek(), (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(digit) else { return nil }
                skipDigits()
            }
            if take(UInt8(ascii: ".")) {
                guard skipDigits() else { return nil }
            }
            let mantissaIsZero = bytes[mantissaStart..<position].allSatisfy {
                $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: ".")
            }
            let hasExponent = peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E")
            if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
                if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
                guard skipDigits() else { return nil }
            }
            let length = position - start
            guard length <= Self.longestNumber else { return nil }
            let value = text.withUnsafeMutableBufferPointer { buffer -> Float in
                for offset in 0..<length { buffer[offset] = CChar(bitPattern: bytes[start + offset]) }
                buffer[length] = 0
                return strtof(buffer.baseAddress!, nil)
            }
            return value.isNormal || (value == 0 && mantissaIsZero && !hasExponent) ? value : nil
        }

        /// Steps over `[0-9]*`; true if there was at least one digit.
        @discardableResult
        mutating func skipDigits() -> Bool {
            let start = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                position += 1
            }
            return position > start
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
