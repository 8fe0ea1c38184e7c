/// Why a weight file could not be read: one line naming the file and the problem.
///
/// Every parser in this module throws only this error for bad input (truncated files, lying
/// sizes, unsupported or non-numeric element types, invalid headers, duplicate names); none
/// traps or allocates more than the input's own size on malformed data.
public struct WeightImportError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file (or `archive.npz:member`) the problem is in.
    public let file: String
    /// What is wrong, phrased for the user.
    public let message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}
