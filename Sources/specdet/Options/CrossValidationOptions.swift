import ArgumentParser

/// How `train` cross-validates: the folds, how inputs are grouped into them, and where the
/// fold of every input is written.
struct CrossValidationOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Cross-validation folds (0: none).")
    var folds = 5

    @Option(help: ArgumentHelp("CSV with columns path,group: inputs of one group share a fold.", valueName: "FILE"))
    var groups: String?

    @Flag(name: .customLong("group-by-folder"), help: "Group the folds by each input's folder.")
    var groupByFolder = false

    @Option(name: .customLong("folds-out"), help: ArgumentHelp("Write path,label,fold and the out-of-fold P(fake) of every input to FILE.", valueName: "FILE"))
    var foldsOut: String?

    func validate() throws {
        if folds == 1 || folds < 0 { throw ValidationError("--folds must be 0 (no cross-validation) or at least 2") }
        if groups != nil && groupByFolder { throw ValidationError("give --groups or --group-by-folder, not both") }
    }

    /// The unit of every profile that must share a fold with its kind, and whether the units
    /// are the user's groups (`--groups`, `--group-by-folder`) or each image with its copies.
    func units(for profiles: LabelledProfiles) throws -> (names: [String], grouped: Bool, description: String) {
        if groupByFolder {
            return (profiles.paths.map(\.folder), true, "grouped by folder")
        }
        if let groups {
            let table = try GroupsFile(path: groups)
            return (table.groups(for: profiles), true, "grouped by '\(groups)'")
        }
        // Each image is a unit with its copies, and so is every repeat of the same image under
        // another path: a repeat on the other side of a fold would be a free right answer.
        let first = profiles.firstOccurrence
        return (first.map { "image:\($0)" }, false,
                (profiles.copyCount == 0 ? "stratified" : "stratified, each image's copies in its fold")
                    + "; not grouped by photograph: crops of one photograph on both sides of a fold overstate accuracy (give --groups)")
    }
}
