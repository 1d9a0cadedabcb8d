/// A path exactly as the user gave it (or a folder argument joined with names found under
/// it), kept as raw bytes so names that are not UTF-8 survive unchanged.
struct InputPath: Hashable, Sendable {
    let bytes: [UInt8]

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    init(_ string: String) {
        self.bytes = Array(string.utf8)
    }

    /// The path for output: its text, with each byte that is not part of valid UTF-8 written
    /// as `\xHH` and each backslash as `\\`, so the text is never a lossy replacement and
    /// always turns back into the bytes by one rule (a path without either is written as is).
    var display: String {
        if let text = String(validating: bytes, as: UTF8.self), !text.contains("\\") { return text }
        var result = ""
        var index = 0
        while index < bytes.count {
            let length = validSequenceLength(at: index)
            if length > 0 {
                let scalarText = String(decoding: bytes[index..<index + length], as: UTF8.self)
                result += scalarText == "\\" ? "\\\\" : scalarText
                index += length
            } else {
                result += "\\x" + String(bytes[index], radix: 16, uppercase: true).leftPadded(to: 2)
                index += 1
            }
        }
        return result
    }

    /// Length of the valid UTF-8 sequence starting at `index`, or 0.
    private func validSequenceLength(at index: Int) -> Int {
        for length in 1...4 where index + length <= bytes.count {
            if String(validating: bytes[index..<index + length], as: UTF8.self) != nil { return length }
        }
        return 0
    }

    /// `display` with control characters written as `\n`, `\t`, `\r` or `\u{HH}`, for
    /// one-line messages on a terminal (a name could otherwise break the line or carry
    /// terminal escape sequences).
    var terminalSafe: String {
        var result = ""
        for scalar in display.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The final path component's bytes.
    var lastComponent: ArraySlice<UInt8> {
        let slash = bytes.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
        return bytes[slash...]
    }

    /// This path joined with a child name, with exactly one `/` between them.
    func appending(_ name: ArraySlice<UInt8>) -> InputPath {
        var joined = bytes
        if joined.last != UInt8(ascii: "/") { joined.append(UInt8(ascii: "/")) }
        joined.append(contentsOf: name)
        return InputPath(bytes: joined)
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
