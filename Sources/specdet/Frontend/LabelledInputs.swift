import Foundation
import SpecdetClassify
import SpecdetProfile

/// The labelled inputs of `train`, `evaluate` and `plot`: images to profile, and profiles read
/// from CSV files written by `specdet profile`, each with its label (real 0, fake 1).
struct LabelledInputs {
    /// Images (files) to decode and profile, with their labels, in command-line order.
    var images: [(path: InputPath, label: Int)] = []
    /// Profiles read from CSV files (only their `ok` rows), with their labels.
    var profiles: [(path: InputPath, label: Int, features: [Float])] = []

    /// Sorts `real` and `fake` arguments into images and profile CSVs. A file whose first line
    /// starts `path,status,width,height,bin_0` is a profile CSV, whatever its name.
    init(real: [String], fake: [String], bins: Int) throws {
        for (arguments, label) in [(real, 0), (fake, 1)] {
            var imageArguments: [String] = []
            for argument in arguments {
                if let rows = try Self.readProfileCSV(argument, bins: bins) {
                    profiles += rows.map { ($0.path, label, $0.features) }
                } else {
                    imageArguments.append(argument)
                }
            }
            if !imageArguments.isEmpty {
                images += try InputCollector.collect(imageArguments, filesFrom: nil).map { ($0, label) }
            }
        }
        guard images.contains(where: { $0.label == 0 }) || profiles.contains(where: { $0.label == 0 }) else {
            throw CLIError.usage("no real inputs: give --real PATH")
        }
        guard images.contains(where: { $0.label == 1 }) || profiles.contains(where: { $0.label == 1 }) else {
            throw CLIError.usage("no fake inputs: give --fake PATH")
        }
    }

    static let profileHeaderPrefix = "path,status,width,height,bin_0"

    /// The `ok` rows of a profile CSV, or nil if `path` is not one.
    static func readProfileCSV(_ path: String, bins: Int) throws -> [(path: InputPath, features: [Float])]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let handle = FileHandle(forReadingAtPath: path) else { return nil }
        let head = handle.readData(ofLength: profileHeaderPrefix.utf8.count)
        try? handle.close()
        guard head == Data(profileHeaderPrefix.utf8) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.usage("cannot read '\(path)'")
        }
        let rows = CSV.parse(data)
        guard let header = rows.first, header.count - 4 == bins else {
            throw CLIError.usage("'\(path)' holds profiles of \(rows.first.map { $0.count - 4 } ?? 0) bins, but \(bins) are wanted (--bins)")
        }
        var result: [(path: InputPath, features: [Float])] = []
        for (number, row) in rows.dropFirst().enumerated() where row.count > 1 && row[1] == "ok" {
            let features = row[4...].compactMap { Float($0) }
            guard row.count == header.count, features.count == bins else {
                throw CLIError.usage("'\(path)' line \(number + 2) is not a complete profile row")
            }
            result.append((InputPath(row[0]), features))
        }
        return result
    }
}

/// Profiles with labels, ready for a classifier: every input that has a profile, in input
/// order (images first, then CSV rows).
struct LabelledProfiles {
    var paths: [InputPath] = []
    var labels: [Int] = []
    var features: [[Float]] = []

    var realCount: Int { labels.count - fakeCount }
    var fakeCount: Int { labels.reduce(0, +) }

    mutating func append(_ path: InputPath, label: Int, features vector: [Float]) {
        paths.append(path)
        labels.append(label)
        features.append(vector)
    }
}

extension LabelledInputs {
    /// Profiles the images with `run` (failures are reported and left out) and adds the CSV rows.
    func profile(with run: ImageRun) throws -> LabelledProfiles {
        var result = LabelledProfiles()
        try run.run(images.map(\.path)) { index, outcome in
            if case .success(let profile) = outcome {
                result.append(images[index].path, label: images[index].label, features: profile.features)
            }
        }
        for row in profiles {
            result.append(row.path, label: row.label, features: row.features)
        }
        return result
    }
}
