/// Errors that end a run before or after its inputs; all exit with status 2.
enum CLIError: Error, CustomStringConvertible {
    /// The command line or a configuration value is wrong.
    case usage(String)
    /// A model file cannot be used.
    case model(String)
    /// The output cannot be written.
    case output(String)

    var description: String {
        switch self {
        case .usage(let message), .model(let message), .output(let message): message
        }
    }
}
