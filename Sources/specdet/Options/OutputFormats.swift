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

/// Formats of the one-record reports (`evaluate`, `info`).
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    /// Aligned `name value` lines for people.
    case table
    /// One JSON object.
    case json
}
