/// A failed HDF5 operation: which call failed, on which file and object, and why.
///
/// `message` is built from the HDF5 error stack the way h5py does it: the outermost
/// description followed by the innermost one in parentheses, e.g.
/// `unable to open file (file signature not found)`. Errors this module detects itself
/// (a string dataset read as numbers, a hyperslab outside the extent) use the Swift method name
/// as `function`, e.g. `Dataset.read`.
public struct HDF5Error: Error, CustomStringConvertible, Equatable, Sendable {
    /// The C function (`H5Dopen2`) or Swift method (`Dataset.read`) that failed.
    public let function: String
    /// The file path as given to `File.create` or `File.open`.
    public let path: String
    /// The object path inside the file (`/weights/student`), or empty for file-level operations.
    public let object: String
    /// What went wrong, from the HDF5 error stack or from this module's own checks.
    public let message: String

    public init(function: String, path: String, object: String, message: String) {
        self.function = function
        self.path = path
        self.object = object
        self.message = message
    }

    /// One line: `data/run.h5:/weights/student: H5Dopen2 failed: unable to open dataset (...)`.
    /// The `:object` part is left out when `object` is empty.
    public var description: String {
        let place = object.isEmpty ? path : "\(path):\(object)"
        return "\(place): \(function) failed: \(message)"
    }
}
