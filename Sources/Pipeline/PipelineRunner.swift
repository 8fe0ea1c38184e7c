import Foundation

/// `dyson run`: executes a pipeline's stages in dependency order, skipping every stage whose
/// output records the same configuration and the same input contents (SHA-256) as now.
///
/// Simulations run one after another, each on all `threads`; on 2 cores running them side by
/// side would only divide the same cores.
public struct PipelineRunner {
    public let pipeline: PipelineFile
    public let threads: Int
    /// Stages to run even when up to date (and everything after them).
    public let forced: Set<String>
    /// Only say what would run and why.
    public let dryRun: Bool
    /// Where status lines go (stderr in the CLI).
    public let log: (String) -> Void

    public init(pipeline: PipelineFile, threads: Int = 2, forced: Set<String> = [], dryRun: Bool = false,
                log: @escaping (String) -> Void) {
        self.pipeline = pipeline
        self.threads = threads
        self.forced = forced
        self.dryRun = dryRun
        self.log = log
    }

    /// What a stage will do and why.
    public enum Decision: Equatable, CustomStringConvertible {
        case upToDate
        case run(reason: String)
        case resume

        public var description: String {
            switch self {
            case .upToDate: "up to date"
            case .run(let reason): "run (\(reason))"
            case .resume: "resume (an interrupted run was found)"
            }
        }
    }

    /// Runs the pipeline and returns the report text (nil in a dry run).
    @discardableResult
    public func run() throws -> String? {
        let layout = pipeline.layout
        var upstreamChanged = false
        var runFiles: [String] = []
        var simulationsChanged = false
        for (label, config) in pipeline.simulations {
            let output = layout.simulation(label)
            runFiles.append(output)
            // A run merged from sweep tasks (`dyson merge`) records its task files as inputs.
            let tasks = MergeStage.recordedTasks(output) ?? []
            var decision = try decide(output: output, config: config.toml, inputs: tasks, forced: forced.contains("simulate"))
            if case .run = decision, FileManager.default.fileExists(atPath: SimulateStage.partialPath(output)) {
                decision = .resume
            }
            log("simulate \(label): \(decision)")
            guard decision != .upToDate else { continue }
            upstreamChanged = true
            simulationsChanged = true
            guard !dryRun else { continue }
            let summary = try SimulateStage.run(config: config, output: output, resume: decision == .resume,
                                                threads: threads, progress: true)
            log(String(format: "  %d seed-steps in %.2f s", summary.seedSteps, summary.seconds))
        }
        if pipeline.snapshot.source != "run" { runFiles = pipeline.snapshot.inputs }  // imported weights
        let stages: [(name: String, output: String, inputs: [String], config: String, run: () throws -> Void)] = [
            ("snapshot", layout.ensemble, runFiles, pipeline.snapshot.toml,
             { try SnapshotStage.run(inputs: runFiles, config: pipeline.snapshot, output: layout.ensemble) }),
            ("diagonalise", layout.spectra, [layout.ensemble], pipeline.diagonalise.toml,
             { try DiagonaliseStage.run(input: layout.ensemble, config: pipeline.diagonalise, output: layout.spectra, threads: threads) }),
            ("unfold", layout.unfolded, [layout.spectra], pipeline.unfold.toml,
             { try UnfoldStage.run(input: layout.spectra, config: pipeline.unfold, output: layout.unfolded) }),
            ("fit", layout.fit, [layout.unfolded], pipeline.fit.toml,
             { try FitStage.run(inputs: [layout.unfolded], config: pipeline.fit, output: layout.fit) }),
        ]
        for stage in stages {
            upstreamChanged = upstreamChanged || forced.contains(stage.name)
            let decision = dryRun && upstreamChanged
                ? .run(reason: "an earlier stage will run")
                : try decide(output: stage.output, config: stage.config, inputs: stage.inputs, forced: upstreamChanged)
            log("\(stage.name): \(decision)")
            guard decision != .upToDate else { continue }
            upstreamChanged = true
            guard !dryRun else { continue }
            let start = Date()
            try stage.run()
            log(String(format: "  done in %.2f s", Date().timeIntervalSince(start)))
        }
        if let phase = pipeline.phase {
            let changed = simulationsChanged || forced.contains("phase")
            let decision = dryRun && changed
                ? .run(reason: "an earlier stage will run")
                : try decide(output: layout.phase, config: phase.toml, inputs: runFiles, forced: changed)
            log("phase: \(decision)")
            if decision != .upToDate && !dryRun {
                let start = Date()
                try PhaseStage.run(inputs: runFiles, config: phase, output: layout.phase, threads: threads)
                log(String(format: "  done in %.2f s", Date().timeIntervalSince(start)))
            }
        }
        log("report: run (always; it only reads \(layout.fit)\(pipeline.phase == nil ? "" : " and \(layout.phase)"))")
        guard !dryRun else { return nil }
        guard pipeline.phase != nil else {
            return try ReportStage.run(input: layout.fit, title: pipeline.title, output: layout.report)
        }
        let text = try ReportStage.run(input: layout.fit, title: pipeline.title, output: nil)
            + "\n" + (try PhaseReport.section(layout.phase)).joined(separator: "\n") + "\n"
        try AtomicOutput.writeText(text, to: layout.report)
        return text
    }

    /// Up to date when the output exists, is readable, was written by this dyson version, and
    /// records the same configuration text and the same input paths with the same content hashes.
    /// (A rebuilt development binary of the same version needs `--force`.)
    func decide(output: String, config: String, inputs: [String], forced: Bool) throws -> Decision {
        if forced { return .run(reason: "forced or an earlier stage ran") }
        guard FileManager.default.fileExists(atPath: output) else { return .run(reason: "no output yet") }
        guard let header = try? recordedHeader(output) else { return .run(reason: "output unreadable") }
        guard header.toolVersion == dysonVersion else { return .run(reason: "written by dyson \(header.toolVersion)") }
        guard header.config == config else { return .run(reason: "configuration changed") }
        guard header.inputs.map(\.path) == inputs else { return .run(reason: "inputs changed") }
        for record in header.inputs {
            guard FileManager.default.fileExists(atPath: record.path) else { return .run(reason: "input \(record.path) is missing") }
            if try sha256Hex(ofFile: record.path) != record.sha256 { return .run(reason: "input \(record.path) changed") }
        }
        return .upToDate
    }

    private func recordedHeader(_ path: String) throws -> FileHeader {
        let file = try openInput(path)
        guard let name = try? file.attribute("schema", as: String.self), let schema = Schema(rawValue: name) else {
            throw DysonError.badInput(file: path, message: "not a dyson file")
        }
        return try FileHeader.read(from: file, expecting: schema)
    }
}
