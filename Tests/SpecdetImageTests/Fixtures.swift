import Foundation

/// Paths of the committed test files under `Fixtures/` (found from this file, so the tests run
/// from any working directory and without `../shared`).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// The absolute path of `relative` (e.g. `malformed/png/png_1x1_rgb.png`).
    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    /// The rows of a tab-separated fixture file, without `#` comments and the header line.
    static func table(_ relative: String) -> [[String]] {
        guard let text = try? String(contentsOfFile: path(relative), encoding: .utf8) else {
            fatalError("missing fixture \(relative)")
        }
        return text.split(separator: "\n")
            .filter { !$0.hasPrefix("#") }
            .dropFirst()  // header
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }
}

/// One row of `Fixtures/malformed/MANIFEST.tsv`.
struct ManifestRow: Sendable, CustomStringConvertible {
    let file: String
    let category: String
    let decodes: Bool
    /// `WxHxC` for decode rows, the reason for reject rows.
    let detail: String

    var path: String { Fixtures.path("malformed/" + file) }
    var description: String { file }

    static let all: [ManifestRow] = Fixtures.table("malformed/MANIFEST.tsv").map { fields in
        precondition(fields.count >= 4 && ["decode", "reject"].contains(fields[2]), "bad manifest row \(fields)")
        return ManifestRow(file: fields[0], category: fields[1], decodes: fields[2] == "decode", detail: fields[3])
    }

    /// Width, height and channels of a decode row.
    var size: (width: Int, height: Int, channels: Int) {
        let parts = detail.split(separator: "x").compactMap { Int($0) }
        precondition(parts.count == 3, "bad size \(detail) for \(file)")
        return (parts[0], parts[1], parts[2])
    }
}
