import ArgumentParser

/// Row formats of `score`.
enum ScoreFormat: String, ExpressibleByArgument, CaseIterable {
    /// RFC 4180 CSV with a header.
    case csv
    /// One JSON object per line, the same keys as the CSV columns.
    case jsonl
    /// Aligned columns for people (written once every input is scored).
    case table
}
