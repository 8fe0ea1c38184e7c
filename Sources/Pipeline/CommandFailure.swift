import HDF5

/// How a failed command reports itself: one line for stderr and the exit code
/// (64 usage, 65 bad input data, 1 anything else; sysexits.h).
public enum CommandFailure {
    public static func classify(_ error: Error) -> (message: String, exitCode: Int32) {
        switch error {
        case let error as DysonError:
            switch error {
            case .invalidConfiguration: return (error.description, 64)
            case .badInput: return (error.description, 65)
            case .failure: return (error.description, 1)
            }
        case let error as HDF5Error:
            // Outputs are only ever written under temporary names; any other file is an input.
            let isOutput = error.path.hasSuffix(".tmp") || error.path.hasSuffix(".partial")
            return (error.description, isOutput ? 1 : 65)
        default:
            return ("\(error)", 1)
        }
    }
}
