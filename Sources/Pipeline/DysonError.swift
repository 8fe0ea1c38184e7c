/// The errors a stage reports to its user: one line, naming the file and the problem.
///
/// The CLI maps the kinds to exit codes: `invalidConfiguration` 64 (usage), `badInput` 65 (data),
/// `failure` 1. Programmer errors are preconditions, not `DysonError`s.
public enum DysonError: Error, CustomStringConvertible, Equatable {
    /// An option or configuration value is not allowed; `source` is the file or flag it came from.
    case invalidConfiguration(source: String, message: String)
    /// An input file is missing, unreadable, foreign, newer than this tool, or holds bad values.
    case badInput(file: String, message: String)
    /// Anything else that stopped a stage (e.g. an output that could not be written).
    case failure(message: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let source, let message): "\(source): \(message)"
        case .badInput(let file, let message): "\(file): \(message)"
        case .failure(let message): message
        }
    }
}
