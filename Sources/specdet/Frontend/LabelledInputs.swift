import Foundation
import SpecdetClassify
import SpecdetImage
import SpecdetProfile
import SpecdetSupport

/// The labelled inputs of `train`, `evaluate` and `plot`: images to profile, and profiles read
/// from CSV files written by `specdet profile`, each with its label (real 0, fake 1).
struct LabelledInputs {
    /// The `--real` and `--fake` arguments, in order: what each input came from.
    var sources: [(label: Int, argument: String)] = []
    /// Images (files) to decode and profile, with their labels and sources, in command-line order.
    var images: [(path: InputPath, label: Int, source: Int)] = []
    /// Profiles read from CSV files (their `ok` rows), with their labels, sources and sizes.
    var profiles: [(path: InputPath, label: Int, source: Int, size: ImageSize?, features: [Float])] = []
    /// The rows of CSV files whose input had failed when it was profiled: each still counts as a
    /// failed input, as it would given the image itself.
    var failedRows: [(path: InputPath, label: Int, code: ErrorCode, file: String)] = []

    /// Sorts `real` and `fake` arguments into images and profile CSVs. A file whose first line
    /// starts `path,status,width,height,` and a feature column is a profile CSV, whatever its
    /// name; its columns must be those of `configuration`. An input that is one of the
    /// `protecting` files (the command's outputs) is refused: the output would replace it. An
    /// input given as both real and fake is named in a warning, or refused when `training`
    /// (a training image has one label).
    init(real: [String], fake: [String], configuration: ProfileConfiguration, protecting outputs: [FileIdentity] = [],
         training: Bool = false) throws {
        for (arguments, label) in [(real, 0), (fake, 1)] {
            for argument in arguments {
                let source = sources.count
                sources.append((label, argument))
                try OutputGuard(outputs).check(InputPath(argument))
                if let rows = try Self.readProfileCSV(argument, configuration: configuration) {
                    for row in rows {
                        if let features = row.features {
                            profiles.append((row.path, label, source, row.size, features))
                        } else {
                            failedRows.append((row.path, label, row.status!, argument))
                        }
                    }
                } else {
                    let collected = try InputStream.collect([argument])
                    for path in collected { try OutputGuard(outputs).check(path) }
                    images += collected.map { ($0, label, source) }
                }
            }
        }
        // The same file as real and as fake is a mistake in the arguments, not in the data.
        let labelled = images.map { ($0.path, $0.label) } + profiles.map { ($0.path, $0.label) }
        let realPaths = Set(labelled.filter { $0.1 == 0 }.map { $0.0.lexicallyNormal })
        let fakesAlsoReal = labelled.filter { $0.1 == 1 && realPaths.contains($0.0.lexicallyNormal) }.map(\.0)
        if let example = fakesAlsoReal.first {
            let count = Set(fakesAlsoReal.map(\.lexicallyNormal)).count
            let what = "\(count) input\(count == 1 ? " is" : "s are") both real and fake (e.g. '\(example.terminalSafe)')"
            if training { throw SpecdetError(.usage, what + ": a training image has one label") }
            StandardError.write("specdet: warning: \(what)\n")
        }
        for (arguments, label, option) in [(real, 0, "--real"), (fake, 1, "--fake")] {
            let found = images.contains { $0.label == label } || profiles.contains { $0.label == label }
                || failedRows.contains { $0.label == label }
            guard !found else { continue }
            throw SpecdetError(.usage, arguments.isEmpty ? "no \(option.dropFirst(2)) inputs: give \(option) PATH"
                                 : "no \(option.dropFirst(2)) inputs: \(option) names no image file and no profile CSV")
        }
    }

    /// The rows of a profile CSV (status nil and features when `ok`; the error code and no
    /// features for an input that had failed), or nil if `path` is not one. Every row must be
    /// complete: a cut or malformed row is an error, never a silently missing input.
    static func readProfileCSV(_ path: String, configuration: ProfileConfiguration) throws
        -> [(path: InputPath, status: ErrorCode?, size: ImageSize?, features: [Float]?)]? {
        // The header's start, up to the first feature column, names the feature set.
        let leading = ProfileConfiguration.leadingCSVColumns.joined(separator: ",")
        let starts = FeatureSet.allCases.map { ($0, Array("\(leading),\($0.partNames[0])_0".utf8)) }
        guard let head = FileReading.head(of: path, count: starts.map(\.1.count).max()!),
              let featureSet = starts.first(where: { head.starts(with: $0.1) })?.0 else { return nil }
        let rows = try CSVReader.rows(ofFile: path)
        let bins = configuration.bins
        guard let header = rows.first, header == configuration.csvHeader else {
            throw SpecdetError(.usage, "'\(path)' holds \(featureSet.rawValue) profiles of \((rows.first?.count ?? 4) - 4) values, "
                                 + "but \(configuration.features.rawValue) profiles of \(bins) are wanted (--features/--bins)")
        }
        return try rows.enumerated().dropFirst().map { number, row in
            func incomplete(_ why: String) -> SpecdetError {
                SpecdetError(.usage, "'\(path)' line \(number + 1) is not a profile row: \(why)")
            }
            guard row.count == header.count else { throw incomplete("\(row.count) fields, the header has \(header.count)") }
            let path = InputPath(display: row[0])
            guard row[1] == "ok" else {
                guard let code = ErrorCode(rawValue: row[1]), code.isInputFailure else {
                    throw incomplete("unknown status '\(row[1].escapingControlCharacters)'")
                }
                return (path, code, nil, nil)
            }
            let features = row[4...].compactMap(CSVReader.decimalFloat)
            guard features.count == bins else { throw incomplete("a value is not a finite decimal number") }
            guard let width = Int(row[2]), let height = Int(row[3]), width > 0, height > 0 else {
                throw incomplete("the width and height are not positive whole numbers")
            }
            return (path, nil, ImageSize(width: width, height: height), features)
        }
    }
}

/// The width and height of an image.
struct ImageSize: Hashable, Sendable {
    let width: Int
    let height: Int

    var pixels: Int { width * height }
    var description: String { "\(width)x\(height)" }
}

/// Profiles with labels, ready for a classifier: every input that has a profile, in input
/// order (images first, then CSV rows), each followed by its augmented copies if any.
struct LabelledProfiles {
    /// The input each profile comes from (a copy has its source's path).
    var paths: [InputPath] = []
    var labels: [Int] = []
    var features: [[Float]] = []
    /// The augmentation round of each profile: 0 for an original, r ≥ 1 for a copy drawn in round r.
    var rounds: [Int] = []
    /// The `LabelledInputs.sources` index each profile comes from.
    var sources: [Int] = []
    /// The size of the image each profile was computed from (nil for a CSV row without one).
    var sizes: [ImageSize?] = []

    var realCount: Int { zip(labels, rounds).filter { $0.0 == 0 && $0.1 == 0 }.count }
    var fakeCount: Int { zip(labels, rounds).filter { $0.0 == 1 && $0.1 == 0 }.count }
    var copyCount: Int { rounds.filter { $0 != 0 }.count }
    /// The number of augmentation rounds (0 without copies).
    var roundCount: Int { rounds.max() ?? 0 }

    /// For each profile, the index of the first original with the very same profile (bit for
    /// bit): the same image, whatever its path. Copies map to their original's.
    var firstOccurrence: [Int] {
        var first: [[UInt32]: Int] = [:], result: [Int] = [], original = 0
        for index in features.indices {
            if rounds[index] == 0 {
                let key = features[index].map(\.bitPattern)
                original = first[key] ?? index
                if first[key] == nil { first[key] = index }
            }
            result.append(original)
        }
        return result
    }

    /// Originals that repeat an earlier original's image under another path, with that path.
    var repeatedImages: [(repeat: InputPath, of: InputPath)] {
        zip(firstOccurrence, paths.indices).compactMap { first, index in
            rounds[index] == 0 && first != index && paths[first].lexicallyNormal != paths[index].lexicallyNormal
                ? (paths[index], paths[first]) : nil
        }
    }

    /// Appends an original (round 0) or a copy drawn in `round`, with the size it was computed from.
    mutating func append(_ path: InputPath, label: Int, source: Int, size: ImageSize?, features vector: [Float], round: Int = 0) {
        paths.append(path)
        sizes.append(size)
        labels.append(label)
        features.append(vector)
        rounds.append(round)
        sources.append(source)
    }

    /// What the originals of each source are: its label and argument, the image count, and the
    /// smallest and largest size by pixel count (for a model's record of its training data).
    func sourceSummaries(_ sources: [(label: Int, argument: String)]) -> [TrainingSource] {
        sources.indices.compactMap { source in
            let sizes = self.sources.indices.filter { self.sources[$0] == source && rounds[$0] == 0 }.compactMap { self.sizes[$0] }
            guard let smallest = sizes.min(by: { $0.pixels < $1.pixels }), let largest = sizes.max(by: { $0.pixels < $1.pixels }) else {
                return nil
            }
            return TrainingSource(label: sources[source].label == 1 ? "fake" : "real", source: sources[source].argument,
                                  images: sizes.count, smallest: smallest.description, largest: largest.description)
        }
    }
}

extension LabelledInputs {
    /// Profiles the images with `run` (failures are reported and left out), each followed by
    /// the profiles of its augmented copies, then adds the CSV rows (never augmented); a CSV
    /// row of a failed input is reported as that input's failure.
    func profile(with run: ImageRun, augmenter: Augmenter? = nil) throws -> LabelledProfiles {
        var result = LabelledProfiles()
        var emitted = 0  // outcomes come back in input order
        try run.run(images.map(\.path), work: { image, path, extractor throws(SpecdetError) in
            let original = try ImageRun.profile(image, extractor)
            let size = ImageSize(width: image.width, height: image.height)
            guard let augmenter else { return [(round: 0, features: original.features, size: size)] }
            let copies: [Augmenter.Copy]
            do throws(SpecdetError) {
                copies = try augmenter.copies(of: image)
            } catch {
                throw error.prefixed("augmentation failed: ")
            }
            // A copy too small for a profile is left out; its original still counts.
            return [(round: 0, features: original.features, size: size)]
                + copies.compactMap { copy in
                    (try? extractor.profile(of: copy.image)).map { (copy.round, $0, ImageSize(width: copy.image.width, height: copy.image.height)) }
                }
        }, emit: { path, outcome in
            let image = images[emitted]
            emitted += 1
            guard case .success(let vectors) = outcome else { return }
            for (round, vector, size) in vectors {
                result.append(path, label: image.label, source: image.source, size: size, features: vector, round: round)
            }
        })
        for row in profiles {
            result.append(row.path, label: row.label, source: row.source, size: row.size, features: row.features)
            run.diagnostics.recordSuccess()
        }
        for row in failedRows {
            run.diagnostics.recordFailure(
                row.path, SpecdetError(row.code, "it has no profile in '\(row.file.escapingControlCharacters)'"))
        }
        return result
    }
}
