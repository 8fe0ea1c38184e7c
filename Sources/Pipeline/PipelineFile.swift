import Foundation
import TOMLKit

/// A pipeline file (`pipelines/*.toml`): one table per stage plus a `sweep` table whose arrays
/// expand the simulation into one run per combination.
///
/// ```toml
/// [pipeline]
/// name = "teacher-student"
/// output = "data/teacher-student"
/// [simulate]        # SimulateConfig keys
/// [sweep]           # simulate keys → arrays of values
/// [snapshot] [diagonalise] [unfold] [fit]   # [snapshot] source + inputs import weights instead of [simulate]
/// [phase]           # optional: the tanh-network phase diagram over the run files
/// [paper.simulate]  # optional: keys that replace [simulate]'s at paper scale
/// [paper.sweep]     # optional: the sweep at paper scale (replaces [sweep])
/// ```
public struct PipelineFile: Sendable {
    public let path: String
    public let name: String
    public let title: String
    public let layout: RunLayout
    /// One simulation per sweep point, with its file label (e.g. `learning_rate-0.1_batch_size-16`).
    public let simulations: [(label: String, config: SimulateConfig)]
    public let snapshot: SnapshotConfig
    public let diagonalise: DiagonaliseConfig
    public let unfold: UnfoldConfig
    public let fit: FitConfig
    /// `[phase]`: the phase-diagram stage over the simulations' run files (tanh_network only).
    public let phase: PhaseConfig?

    public static let stages = ["simulate", "snapshot", "diagonalise", "unfold", "fit", "phase", "report"]

    /// Reads and validates the whole pipeline; `outputOverride` replaces `pipeline.output`.
    /// `paperScale` applies the `[paper]` table and writes to `OUTPUT-paper`, so the small default
    /// and the published-scale run never share files.
    public init(path: String, outputOverride: String? = nil, paperScale: Bool = false) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DysonError.badInput(file: path, message: "no such file or not readable as UTF-8 text")
        }
        let top = ConfigReader(try ConfigReader.parse(text, source: path), source: path, section: "")
        let meta = try top.section("pipeline")
        self.path = path
        name = try meta.string("name", default: ((path as NSString).lastPathComponent as NSString).deletingPathExtension)
        title = try meta.string("title", default: name)
        let output = try meta.string("output", default: "data/\(name)")
        layout = RunLayout(directory: outputOverride ?? (paperScale ? output + "-paper" : output))
        try meta.finish()

        snapshot = try SnapshotConfig(top.section("snapshot"))
        // Imported weights (snapshot source ≠ "run") replace the simulation: no [simulate].
        if snapshot.source != "run" {
            guard try top.subtable("simulate") == nil, try top.subtable("sweep") == nil, !snapshot.inputs.isEmpty else {
                throw DysonError.invalidConfiguration(source: path, message: "imports weights ([snapshot] source = \"\(snapshot.source)\"): list them in [snapshot] inputs and drop [simulate] and [sweep]")
            }
            _ = try top.subtable("paper")
            simulations = []
            phase = nil
            diagonalise = try DiagonaliseConfig(top.section("diagonalise"))
            unfold = try UnfoldConfig(top.section("unfold"))
            fit = try FitConfig(top.section("fit"))
            try top.finish()
            return
        }
        guard let simulate = try top.subtable("simulate") else {
            throw DysonError.invalidConfiguration(source: path, message: "has no [simulate] table")
        }
        var sweep = try top.subtable("sweep")
        let paper = try top.section("paper")
        if paperScale {
            guard paper.table.count > 0 else {
                throw DysonError.invalidConfiguration(source: path, message: "has no [paper] table; this pipeline has no paper-scale settings")
            }
            let overrides = try paper.section("simulate")
            for key in overrides.table.keys { simulate.table[key] = overrides.table[key] }
            sweep = try paper.subtable("sweep") ?? sweep
        } else {
            _ = try paper.subtable("simulate")
            _ = try paper.subtable("sweep")
        }
        try paper.finish()
        simulations = try Self.expand(simulate.table, sweep: sweep, source: path)
        phase = try top.subtable("phase").map(PhaseConfig.init)
        diagonalise = try DiagonaliseConfig(top.section("diagonalise"))
        unfold = try UnfoldConfig(top.section("unfold"))
        fit = try FitConfig(top.section("fit"))
        try top.finish()
    }

    /// The Cartesian product of the sweep arrays (keys in TOMLKit's order), applied over [simulate].
    private static func expand(_ base: TOMLTable, sweep: ConfigReader?, source: String) throws -> [(label: String, config: SimulateConfig)] {
        var points: [[(String, TOMLValueConvertible)]] = [[]]
        if let sweep {
            for key in sweep.table.keys {
                let values = try sweep.array(key)
                points = points.flatMap { point in (0..<values.count).map { point + [(key, values[$0])] } }
            }
        }
        return try points.map { point in
            let table = try ConfigReader.parse(base.convert(to: .toml), source: source)
            for (key, value) in point { table[key] = value }
            let label = point.isEmpty ? "run" : point.map { "\($0.0)-\(literal($0.1))" }.joined(separator: "_")
            return (label, try SimulateConfig(ConfigReader(table, source: source, section: "simulate")))
        }
    }

    private static func literal(_ value: TOMLValueConvertible) -> String {
        if let d = value.double { return String(d) }
        if let i = value.int { return String(i) }
        if let s = value.string { return s }
        return value.debugDescription.filter { $0.isLetter || $0.isNumber || $0 == "." }
    }
}

/// Where every output of a pipeline lives: one value that knows each stage's file.
public struct RunLayout: Sendable, Equatable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public func simulation(_ label: String) -> String { "\(directory)/simulate/\(label).h5" }
    public var ensemble: String { "\(directory)/ensemble.h5" }
    public var spectra: String { "\(directory)/spectra.h5" }
    public var unfolded: String { "\(directory)/unfolded.h5" }
    public var fit: String { "\(directory)/fit.h5" }
    public var phase: String { "\(directory)/phase.h5" }
    public var report: String { "\(directory)/report.md" }
    /// The HTML report and the executed notebook its figures come from.
    public var reportHTML: String { "\(directory)/report.html" }
    public var reportNotebook: String { "\(directory)/report.ipynb" }
    /// The run file of one sweep task: seeds first ..< first + seeds of simulation `label`.
    public func task(_ label: String, firstSeed: Int, seeds: Int) -> String {
        "\(directory)/tasks/\(label)/seeds-\(firstSeed)-\(firstSeed + seeds).h5"
    }
    /// The Slurm job-array script of `dyson sweep`, and where its tasks write their logs.
    public var sweepScript: String { "\(directory)/sweep.sbatch" }
    public var taskLogs: String { "\(directory)/tasks/logs" }
}
