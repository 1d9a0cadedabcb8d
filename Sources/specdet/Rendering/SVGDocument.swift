import Foundation

/// A small SVG 1.1 writer: nested elements with attributes and text. Every string is escaped,
/// so the document is well-formed XML 1.0 whatever a path or label holds.
struct SVGDocument {
    private var body = ""
    private var openElements: [String] = []

    /// A document `width x height` pixels, white background, with `title` as its `<title>`.
    init(width: Int, height: Int, title: String) {
        begin("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("version", "1.1"),
                      ("width", String(width)), ("height", String(height)),
                      ("viewBox", "0 0 \(width) \(height)"),
                      ("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif"), ("font-size", "12")])
        element("title", text: title)
        element("rect", [("width", "100%"), ("height", "100%"), ("fill", "white")])
    }

    /// Opens an element; its children follow until the matching `end()`.
    mutating func begin(_ name: String, _ attributes: [(String, String)] = []) {
        body += "<" + name + Self.attributeText(attributes) + ">\n"
        openElements.append(name)
    }

    mutating func end() {
        body += "</" + openElements.removeLast() + ">\n"
    }

    /// An element without children, or with `text` as its only content.
    mutating func element(_ name: String, _ attributes: [(String, String)] = [], text: String? = nil) {
        let head = "<" + name + Self.attributeText(attributes)
        body += text.map { head + ">" + Self.escaped($0) + "</" + name + ">\n" } ?? head + "/>\n"
    }

    /// Lines of text, one `<text>` each, the first baseline at `y`, `leading` pixels apart.
    mutating func lines(_ lines: [String], x: Double, y: Double, size: Double, leading: Double, bold: Bool = false) {
        for (index, line) in lines.enumerated() {
            element("text", [("x", Self.coordinate(x)), ("y", Self.coordinate(y + leading * Double(index))),
                             ("font-size", Self.coordinate(size))] + (bold ? [("font-weight", "bold")] : []), text: line)
        }
    }

    /// The finished document, with the XML declaration and every open element closed.
    var text: String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + inlineText
    }

    /// The finished `<svg>` element without the XML declaration, for an HTML page.
    var inlineText: String {
        var copy = self
        while !copy.openElements.isEmpty { copy.end() }
        return copy.body
    }

    private static func attributeText(_ attributes: [(String, String)]) -> String {
        attributes.map { " " + $0.0 + "=\"" + escaped($0.1) + "\"" }.joined()
    }

    /// Text safe in XML 1.0 content and attribute values: markup characters as entities; tab,
    /// LF and CR as character references (so attribute values keep them); characters XML 1.0
    /// forbids even as references (other C0 controls, U+FFFE, U+FFFF) written as `\xHH` or
    /// `\u{HHHH}`, in the spirit of how specdet writes paths that are not UTF-8.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result += "&#\(scalar.value);"
            case "\u{0}"..."\u{1F}": result += String(format: "\\x%02X", scalar.value)
            case "\u{FFFE}", "\u{FFFF}": result += String(format: "\\u{%04X}", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A pixel coordinate with two decimals (a hundredth of a pixel is below what a screen shows).
    static func coordinate(_ value: Double) -> String {
        String(format: "%.2f", value)
    }
}
