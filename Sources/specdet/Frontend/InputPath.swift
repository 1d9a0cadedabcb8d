import Foundation
import SpecdetSupport

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

    /// The path a command-line argument names. Swift decodes arguments as UTF-8, replacing
    /// invalid bytes with U+FFFD; for such an argument the bytes are taken from the raw
    /// argument vector instead (from its value part for `--option=value`), so a name that is
    /// not UTF-8 can be given as well as found in a folder.
    ///
    /// - Throws: a usage error when arguments of different bytes decode to this same text
    ///   (`a<FF>` and `a<FE>`): which one is meant cannot be told; `--files-from` can.
    init(commandLineArgument argument: String) throws {
        guard argument.unicodeScalars.contains("\u{FFFD}"), let forms = Self.rawArguments[argument] else {
            self.bytes = Array(argument.utf8)
            return
        }
        guard forms.count == 1 else {
            throw SpecdetError(.usage, "\(forms.count) different arguments read as '\(argument)' (bytes that are not UTF-8); "
                                 + "list such names in a file for --files-from")
        }
        self.bytes = forms[0]
    }

    /// The distinct byte strings of the arguments (and of the value parts of `--option=value`
    /// arguments) that decode to a text holding U+FFFD, keyed by that text.
    private static let rawArguments: [String: [[UInt8]]] = {
        var table: [String: [[UInt8]]] = [:]
        func add(_ raw: [UInt8]) {
            let text = String(decoding: raw, as: UTF8.self)
            guard text.unicodeScalars.contains("\u{FFFD}"), table[text]?.contains(raw) != true else { return }
            table[text, default: []].append(raw)
        }
        for index in 1..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            let raw = Array(UnsafeBufferPointer(start: pointer, count: strlen(pointer))).map { UInt8(bitPattern: $0) }
            add(raw)
            if raw.starts(with: Array("--".utf8)), let equals = raw.firstIndex(of: UInt8(ascii: "=")) {
                add(Array(raw[(equals + 1)...]))
            }
        }
        return table
    }()

    /// The path whose `display` is `text`: `\\` is a backslash and `\xHH` the byte HH; any
    /// other text stands for its UTF-8 bytes (so a path written by specdet reads back exactly).
    init(display text: String) {
        guard text.contains("\\") else {
            self.bytes = Array(text.utf8)
            return
        }
        let utf8 = Array(text.utf8)
        var bytes: [UInt8] = []
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"), index + 1 < utf8.count {
                if utf8[index + 1] == UInt8(ascii: "\\") {
                    bytes.append(UInt8(ascii: "\\"))
                    index += 2
                    continue
                }
                if utf8[index + 1] == UInt8(ascii: "x"), index + 3 < utf8.count,
                   utf8[(index + 2)...(index + 3)].allSatisfy({ Character(UnicodeScalar($0)).isHexDigit }),
                   let byte = UInt8(String(decoding: utf8[(index + 2)...(index + 3)], as: UTF8.self), radix: 16) {
                    bytes.append(byte)
                    index += 4
                    continue
                }
            }
            bytes.append(utf8[index])
            index += 1
        }
        self.bytes = bytes
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
    var terminalSafe: String { display.escapingControlCharacters }

    /// The same path without `.` components and repeated or trailing slashes (`./a//b/` is
    /// `a/b`); `..` is kept, since it depends on links. For comparing paths written differently.
    var lexicallyNormal: InputPath {
        let slash = UInt8(ascii: "/")
        let components = bytes.split(separator: slash).filter { $0 != [UInt8(ascii: ".")] }
        var normal = bytes.first == slash ? [slash] : []
        for (index, component) in components.enumerated() {
            if index > 0 { normal.append(slash) }
            normal += component
        }
        return InputPath(bytes: normal.isEmpty ? [UInt8(ascii: ".")] : normal)
    }

    /// The final path component's bytes.
    var lastComponent: ArraySlice<UInt8> {
        let slash = bytes.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
        return bytes[slash...]
    }

    /// The folder part of `display` (up to the last `/`), `.` for a bare name.
    var folder: String {
        let text = display
        return text.lastIndex(of: "/").map { String(text[..<$0]) } ?? "."
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
    /// The text with control characters written as `\n`, `\t`, `\r` or `\u{HH}`.
    var escapingControlCharacters: String {
        var result = ""
        for scalar in unicodeScalars {
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

    /// Columns the text takes on a terminal: 2 for each East Asian wide or fullwidth
    /// character (CJK, Hangul, fullwidth forms, emoji shown as emoji), 0 for combining marks,
    /// joiners and variation selectors, 1 for any other.
    var terminalWidth: Int {
        unicodeScalars.reduce(0) { width, scalar in
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: return width
            default: break
            }
            if (0xFE00...0xFE0F).contains(scalar.value) { return width }
            if scalar.properties.isEmojiPresentation { return width + 2 }
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
                 0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
                 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                return width + 2
            default:
                return width + 1
            }
        }
    }

    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
