import ArgumentParser
import Foundation
import LinearAlgebra
import Pipeline

/// `dyson`: SGD as Dyson Brownian motion — simulate, snapshot, diagonalise, unfold, fit, report,
/// or run a whole pipeline.
@main
struct Dyson: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train neural networks with SGD and analyse their weight-matrix spectra with random matrix theory.",
        discussion: "Each stage reads and writes self-describing HDF5 files; `dyson run PIPELINE` runs them all.",
        version: dysonVersion,
        subcommands: [RunCommand.self, SimulateCommand.self, SnapshotCommand.self, DiagonaliseCommand.self,
                      UnfoldCommand.self, FitCommand.self, ReportCommand.self, ExportCommand.self,
                      SweepCommand.self, TaskCommand.self, MergeCommand.self, PhaseCommand.self])

    /// Every command starts without OpenBLAS's spinning idle workers (see `BLAS.stopIdleThreads`):
    /// analysis stages that finish in a fraction of a second would otherwise lose a core to them.
    static func main() {
        BLAS.stopIdleThreads()
        main(nil)
    }
}

/// Runs a command body; any error becomes one `Error:` line on stderr and the matching exit code.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch {
        let (message, code) = CommandFailure.classify(error)
        FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
        throw ExitCode(code)
    }
}

/// Reads a configuration file given with `--config`, or nothing.
func configText(_ path: String?) throws -> (text: String, source: String) {
    guard let path else { return ("", "command line") }
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw DysonError.badInput(file: path, message: "no such configuration file or not UTF-8 text")
    }
    return (text, path)
}

/// Options shared by every analysis stage.
struct StageIO: ParsableArguments {
    @Option(name: .shortAndLong, help: "Output HDF5 file (written as OUTPUT.tmp, renamed on success).")
    var output: String

    @Option(name: .long, help: "TOML file with the stage configuration; flags override it.")
    var config: String?
}

extension ConfigOverrides {
    /// Appends `key = literal` when the flag was given.
    mutating func add<T>(_ key: String, _ value: T?, literal: (T) -> String = { "\($0)" }) {
        if let value { append((key, literal(value))) }
    }
}

/// A TOML string literal.
func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
