import Foundation
import HDF5

/// The release binary the Makefile builds (`DYSON_BINARY` overrides).
let dysonBinary: String = ProcessInfo.processInfo.environment["DYSON_BINARY"]
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/release/dyson").path

struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
    /// Lines of stderr starting with "Error:".
    var errorLines: [String] { stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("Error:") } }
}

/// Runs `dyson ARGS` to completion, with `environment` added to this process's.
@discardableResult
func dyson(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
    let process = try start(arguments, environment: environment)
    let out = process.standardOutput as! Pipe, err = process.standardError as! Pipe
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self))
}

/// Starts `dyson ARGS` without waiting.
func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: dysonBinary)
    process.arguments = arguments
    if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
    process.standardOutput = Pipe()
    process.standardError = Pipe()
    try process.run()
    return process
}

/// A fresh directory per test, removed afterwards.
final class Scratch {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("dyson-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { "\(path)/\(name)" }
    var contents: [String] { (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? [] }
}
