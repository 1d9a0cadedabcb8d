import SpecdetSupport

/// The one reader of CSV files (profile CSVs, group files): RFC 4180, strictly.
///
/// Fields are separated by commas and rows by LF or CRLF; a quoted field may hold commas,
/// quotes (doubled) and line breaks; the last row may lack its line end. A quoted field that
/// is never closed (a file cut short) is an error, never a silently shorter row; so is a
/// quote inside an unquoted field. Text is UTF-8.
enum CSVReader {
    /// Largest CSV file read (a million 300-value profiles take about 3 GB).
    static let maximumBytes = 8 << 30

    /// The rows of the file at `path`, read without blocking (see `FileReading`).
    static func rows(ofFile path: String) throws(SpecdetError) -> [[String]] {
        let bytes = try FileReading.contents(of: path, limit: maximumBytes, what: "the CSV file")
        do {
            return try rows(of: bytes)
        } catch {
            throw error.prefixed("'\(path)': ")
        }
    }

    /// The rows of CSV text.
    static func rows(of data: [UInt8]) throws(SpecdetError) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field: [UInt8] = []
        var quoted = false, wasQuoted = false, line = 1, index = 0
        func endField() {
            row.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        while index < data.count {
            let byte = data[index]
            index += 1
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index < data.count, data[index] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        quoted = false
                        wasQuoted = true
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                guard field.isEmpty, !wasQuoted else {
                    throw SpecdetError(.usage, "line \(line): a quote inside an unquoted field")
                }
                quoted = true
            case UInt8(ascii: ","):
                endField()
            case UInt8(ascii: "\n"):
                endField()
                rows.append(row)
                row.removeAll()
                line += 1
            case UInt8(ascii: "\r") where index < data.count && data[index] == UInt8(ascii: "\n"):
                break
            default:
                guard !wasQuoted else { throw SpecdetError(.usage, "line \(line): text after a closing quote") }
                field.append(byte)
            }
        }
        guard !quoted else { throw SpecdetError(.usage, "line \(line): a quoted field is not closed (the file is cut short)") }
        if !field.isEmpty || !row.isEmpty || wasQuoted {
            endField()
            rows.append(row)
        }
        return rows
    }

    /// A number in plain decimal notation (`-1.5`, `2e-3`), as `Float`; nil for anything else,
    /// `nan`, `inf` and hexadecimal forms included.
    static func decimalFloat(_ text: String) -> Float? {
        guard !text.isEmpty, text.utf8.allSatisfy({ byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        }), let value = Float(text), value.isFinite else { return nil }
        return value
    }
}
