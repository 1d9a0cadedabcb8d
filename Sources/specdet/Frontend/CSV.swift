import Foundation

/// RFC 4180 fields: a field with a comma, quote, CR or LF is quoted, quotes doubled.
enum CSV {
    static func field(_ text: String) -> String {
        let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }
}

extension CSV {
    /// Parses RFC 4180 text (LF or CRLF line ends; quoted fields may hold commas, quotes and
    /// line breaks) into rows of fields.
    static func parse(_ data: Data) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field: [UInt8] = []
        var quoted = false, index = data.startIndex
        func endField() {
            row.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        while index < data.endIndex {
            let byte = data[index]
            index += 1
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index < data.endIndex, data[index] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
            } else if byte == UInt8(ascii: ",") {
                endField()
            } else if byte == UInt8(ascii: "\n") {
                endField()
                rows.append(row)
                row.removeAll()
            } else if byte != UInt8(ascii: "\r") {
                field.append(byte)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            endField()
            rows.append(row)
        }
        return rows
    }
}
