import Crypto
import Foundation

/// One input of a stage: its path and the SHA-256 of its content when it was read.
///
/// Stored in the `inputs` attribute as `sha256sum` lines (`<hex>  <path>`), so a user can check
/// them with `sha256sum -c`, and compared by `dyson run` to decide what is up to date.
public struct InputRecord: Sendable, Equatable {
    public let path: String
    public let sha256: String

    public init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }

    /// Hashes the file at `path` now.
    public static func of(_ path: String) throws -> InputRecord {
        InputRecord(path: path, sha256: try sha256Hex(ofFile: path))
    }

    var line: String { "\(sha256)  \(path)" }

    init(line: String, file: String) throws {
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 64, parts[1].isEmpty else {
            throw DysonError.badInput(file: file, message: "malformed 'inputs' entry '\(line)'")
        }
        self.init(path: String(parts[2]), sha256: String(parts[0]))
    }
}

/// SHA-256 of a file's content as lowercase hex.
func sha256Hex(ofFile path: String) throws -> String {
    // Mapped rather than read: the hash then reads the page cache without copying the file.
    let data: Data
    do {
        data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
    } catch {
        throw DysonError.badInput(file: path, message: "no such file or not readable")
    }
    return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
}
