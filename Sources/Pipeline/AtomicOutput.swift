import Foundation

/// Writes a stage output under a temporary name and renames it into place only on success, so a
/// failed or killed stage never leaves anything that looks like a result.
enum AtomicOutput {
    /// Calls `write(temporaryPath)`; on success renames `PATH.tmp` to `path` (replacing an old
    /// result), on failure removes the temporary file and rethrows.
    static func write(_ path: String, _ write: (String) throws -> Void) throws {
        let temporary = path + ".tmp"
        let manager = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try createDirectory(directory)
        }
        try? manager.removeItem(atPath: temporary)
        do {
            try write(temporary)
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw error
        }
        try replace(path, with: temporary)
    }

    /// Writes UTF-8 `text` (a report) to `path` through `write`.
    static func writeText(_ text: String, to path: String) throws {
        try write(path) { temporary in
            do {
                try text.write(toFile: temporary, atomically: false, encoding: .utf8)
            } catch {
                throw DysonError.failure(message: "\(path): cannot write report: \(error.localizedDescription)")
            }
        }
    }

    /// Atomically replaces `path` by `source` (rename(2) within one directory).
    static func replace(_ path: String, with source: String) throws {
        guard rename(source, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: source)
            throw DysonError.failure(message: "\(path): cannot move the finished output into place: \(reason)")
        }
    }

    static func createDirectory(_ directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DysonError.failure(message: "\(directory): cannot create directory: \(error.localizedDescription)")
        }
    }
}
