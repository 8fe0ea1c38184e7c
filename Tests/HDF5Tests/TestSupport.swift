import Foundation
import Testing

/// A unique path under the temporary directory for one test's HDF5 file; the file is removed
/// when `body` returns or throws.
func withTemporaryFile<Result>(
    _ label: String, extension pathExtension: String = "h5", _ body: (String) throws -> Result
) throws -> Result {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("dyson-hdf5-\(label)-\(UUID().uuidString)")
        .appendingPathExtension(pathExtension)
    defer {
        if FileManager.default.fileExists(atPath: url.path) {
            do { try FileManager.default.removeItem(at: url) } catch { Issue.record("cannot remove \(url.path): \(error)") }
        }
    }
    return try body(url.path)
}

/// Runs an external program and returns its exit status and standard output (stderr is
/// returned too, for failure messages).
struct ToolRun {
    let status: Int32
    let output: String
    let errors: String

    init(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONIOENCODING"] = "utf-8"
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        self.status = process.terminationStatus
        self.output = String(decoding: outputData, as: UTF8.self)
        self.errors = String(decoding: errorData, as: UTF8.self)
    }

    /// Whether `executable arguments...` runs and exits with status 0.
    static func succeeds(_ executable: String, _ arguments: [String]) -> Bool {
        do { return try ToolRun(executable, arguments).status == 0 } catch { return false }
    }
}

enum Tools {
    /// Python 3 with h5py, for checking that our files read in the Python ecosystem.
    static let hasH5py = ToolRun.succeeds("python3", ["-c", "import h5py, numpy"])
    /// `h5dump` from hdf5-tools.
    static let hasH5dump = ToolRun.succeeds("h5dump", ["--version"])
}
