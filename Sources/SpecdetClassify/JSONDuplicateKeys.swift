import Foundation

/// Finds a key that appears twice in one JSON object. JSON readers disagree on such files
/// (JSONDecoder keeps one value, Python and jq the last), so a model that has one is refused.
///
/// Convention: keys are compared after unescaping (`"a"` and `"\u0061"` are the same key);
/// the text is assumed to be valid JSON (the decoder has already read it), so anything
/// unexpected simply ends the scan without a finding.
enum JSONDuplicateKeys {
    /// The first repeated key, in reading order, or nil.
    static func first(in data: Data) -> String? {
        data.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            return scanner.findDuplicate()
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        /// The keys seen so far in each object being read, innermost last; nil for an array.
        var keys: [Set<[UInt8]>?] = []
        /// Whether the next string in the innermost object is a key.
        var expectingKey = false

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        mutating func findDuplicate() -> String? {
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "{"):
                    keys.append([])
                    expectingKey = true
                case UInt8(ascii: "["):
                    keys.append(nil)
                    expectingKey = false
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    guard !keys.isEmpty else { return nil }
                    keys.removeLast()
                    expectingKey = false
                case UInt8(ascii: ","):
                    expectingKey = keys.last.map { $0 != nil } ?? false
                case UInt8(ascii: "\""):
                    // Only keys are kept; a value string (a model's base64 arrays are megabytes)
                    // is only stepped over.
                    guard expectingKey, case .some(.some) = keys.last else {
                        guard skipString() else { return nil }
                        continue
                    }
                    guard let text = readString() else { return nil }
                    if keys[keys.count - 1]!.insert(text).inserted == false {
                        return String(decoding: text, as: UTF8.self)
                    }
                    expectingKey = false
                default:
                    continue
                }
            }
            return nil
        }

        /// Moves past the string starting after its opening quote; false when it has no end.
        /// Jumps from quote to quote with `memchr`: a quote after an odd run of backslashes is
        /// part of the string.
        mutating func skipString() -> Bool {
            guard let base = bytes.baseAddress else { return false }
            let start = index
            while index < bytes.count {
                guard let found = memchr(base + index, Int32(UInt8(ascii: "\"")), bytes.count - index) else { break }
                let quote = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                var backslashes = 0
                while quote - backslashes > start, base[quote - backslashes - 1] == UInt8(ascii: "\\") { backslashes += 1 }
                index = quote + 1
                if backslashes % 2 == 0 { return true }
            }
            index = bytes.count
            return false
        }

        /// The unescaped UTF-8 of the string starting after its opening quote.
        mutating func readString() -> [UInt8]? {
            var text: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") { return text }
                guard byte == UInt8(ascii: "\\") else {
                    text.append(byte)
                    continue
                }
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "b"): text.append(8)
                case UInt8(ascii: "f"): text.append(12)
                case UInt8(ascii: "n"): text.append(10)
                case UInt8(ascii: "r"): text.append(13)
                case UInt8(ascii: "t"): text.append(9)
                case UInt8(ascii: "u"):
                    guard var scalar = readHex() else { return nil }
                    if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                       bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        guard let low = readHex(), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    text.append(contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
                default: text.append(escape)
                }
            }
            return nil
        }

        mutating func readHex() -> UInt32? {
            guard index + 4 <= bytes.count,
                  let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else { return nil }
            index += 4
            return value
        }
    }
}
