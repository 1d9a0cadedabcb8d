/// Text laid out without a browser: widths estimated from DejaVu Sans's advance widths (the
/// first font the figures ask for, and the one `rsvg-convert` uses on Debian), rounded up, so
/// a line judged to fit does fit; other fonts of the list are narrower.
enum SVGText {
    /// The estimated width in pixels of `text` at `size` pixels.
    static func width(_ text: String, size: Double, bold: Bool = false) -> Double {
        let ems = text.unicodeScalars.reduce(0.0) { $0 + advance($1) }
        return ems * size * (bold ? 1.12 : 1) * 1.03
    }

    /// `text` broken at spaces into lines of at most `maximum` pixels (a word longer than a
    /// line is cut, with `…`).
    static func wrap(_ text: String, width maximum: Double, size: Double, bold: Bool = false) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if width(candidate, size: size, bold: bold) <= maximum {
                line = candidate
                continue
            }
            if !line.isEmpty { lines.append(line) }
            line = word
            while width(line, size: size, bold: bold) > maximum && line.count > 1 {
                var cut = line
                while cut.count > 1 && width(cut + "…", size: size, bold: bold) > maximum { cut.removeLast() }
                lines.append(cut + "…")
                line = String(line.dropFirst(cut.count))
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// DejaVu Sans advance widths in ems (2048 units), wide characters for anything unlisted.
    private static func advance(_ scalar: Unicode.Scalar) -> Double {
        if let known = widths[scalar] { return known }
        switch scalar {
        case "0"..."9": return 0.637
        case "a"..."z": return 0.635
        case "A"..."Z": return 0.78
        default: return scalar.value < 0x80 ? 0.84 : 1.0
        }
    }

    private static let widths: [Unicode.Scalar: Double] = [
        " ": 0.318, ".": 0.318, ",": 0.318, ":": 0.337, ";": 0.337, "'": 0.275, "\"": 0.46, "|": 0.337, "!": 0.4,
        "-": 0.361, "(": 0.39, ")": 0.39, "[": 0.39, "]": 0.39, "/": 0.337, "·": 0.318, "…": 1.0, "⌊": 0.39, "⌋": 0.39,
        "c": 0.55, "f": 0.352, "i": 0.278, "j": 0.278, "k": 0.579, "l": 0.278, "m": 0.974, "r": 0.411, "s": 0.521,
        "t": 0.392, "v": 0.592, "w": 0.818, "x": 0.592, "y": 0.592, "z": 0.525,
        "I": 0.295, "J": 0.295, "M": 0.863, "W": 0.989, "F": 0.575, "L": 0.557, "P": 0.603, "T": 0.611,
        "±": 0.838, "÷": 0.838, "−": 0.838, "×": 0.838, "≈": 0.838, "≥": 0.838, "≤": 0.838, "=": 0.838, "+": 0.838,
    ]
}
