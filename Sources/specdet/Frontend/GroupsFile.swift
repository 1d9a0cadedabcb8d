import Foundation
import SpecdetSupport

/// A `path,group` CSV naming the group of each input (e.g. the photograph a crop comes from),
/// for grouped cross-validation.
///
/// A path matches a row when both are the same after dropping `.` components and repeated
/// slashes (`./a//b.png` is `a/b.png`). A path given two different groups is refused (which
/// one was meant?); a UTF-8 byte-order mark before the header is allowed, as spreadsheets
/// write one.
struct GroupsFile {
    let path: String
    private var table: [InputPath: String] = [:]

    init(path: String) throws {
        self.path = path
        let rows = try CSVReader.rows(ofFile: path)
        let header = rows.first.map { first in
            first.enumerated().map { $0.offset == 0 && $0.element.hasPrefix("\u{FEFF}") ? String($0.element.dropFirst()) : $0.element }
        }
        guard let header, let pathColumn = header.firstIndex(of: "path"),
              let groupColumn = header.firstIndex(of: "group") else {
            throw SpecdetError(.usage, "the groups file '\(path)' needs a header with columns path and group")
        }
        for (number, row) in rows.enumerated().dropFirst() {
            guard row.count == header.count else {
                throw SpecdetError(.usage, "the groups file '\(path)' line \(number + 1) has \(row.count) fields, its header \(header.count)")
            }
            let key = InputPath(display: row[pathColumn]).lexicallyNormal
            if let earlier = table[key], earlier != row[groupColumn] {
                throw SpecdetError(.usage, "the groups file '\(path)' line \(number + 1) gives '\(row[pathColumn].escapingControlCharacters)' "
                                   + "the group '\(row[groupColumn].escapingControlCharacters)', an earlier line '\(earlier.escapingControlCharacters)'")
            }
            table[key] = row[groupColumn]
        }
    }

    /// The group of every profile; an input missing from the file is its own group, and the
    /// images (not their copies) missing are counted in a warning.
    func groups(for profiles: LabelledProfiles) -> [String] {
        var missing = 0
        let names = profiles.paths.indices.map { index -> String in
            if let group = table[profiles.paths[index].lexicallyNormal] { return group }
            if profiles.rounds[index] == 0 { missing += 1 }
            return "path:" + profiles.paths[index].display
        }
        if missing > 0 {
            StandardError.write("specdet: warning: \(missing) of \(profiles.realCount + profiles.fakeCount) images are not in "
                                + "'\(path)'; each is its own group\n")
        }
        return names
    }
}
