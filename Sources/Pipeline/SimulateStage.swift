import Foundation
import Simulation

/// `simulate`: trains an ensemble and streams its snapshots into a `dyson.run` file.
///
/// While training the file is `OUTPUT.partial`; every snapshot is appended and flushed as it is
/// written, so a killed run keeps them all, and `resume` continues from the last one bit for bit.
/// The finished file is renamed to OUTPUT, so an OUTPUT that exists is always complete.
public enum SimulateStage {
    public struct Summary: Sendable {
        public var snapshots: Int
        public var seedSteps: Int
        /// Wall time of the whole stage, and of building the model (quenched tables) within it.
        public var seconds: Double
        public var setupSeconds: Double
        public var resumedFromStep: Int?
    }

    public static func partialPath(_ output: String) -> String { output + ".partial" }

    @discardableResult
    public static func run(config: SimulateConfig, output: String, resume: Bool = false, threads: Int = 2,
                           progress: Bool = false) throws -> Summary {
        let directory = (output as NSString).deletingLastPathComponent
        if !directory.isEmpty { try AtomicOutput.createDirectory(directory) }
        let start = Date()
        let model = config.makeModel(threads: threads)
        let setup = Date().timeIntervalSince(start)
        var summary = try train(model, config: config, output: output, resume: resume, threads: threads, progress: progress)
        summary.setupSeconds = setup
        summary.seconds += setup
        return summary
    }

    /// The body of `run` for a concrete model type.
    private static func train<Model: EnsembleModel>(_ model: Model, config: SimulateConfig, output: String, resume: Bool,
                                                    threads: Int, progress: Bool) throws -> Summary {
        let partial = partialPath(output)
        let manager = FileManager.default
        let trainer = EnsembleTrainer(model: model, seeds: config.seeds, schedule: config.schedule, threads: threads)
        let start = Date()
        var resumedFrom: Int?
        let writer: RunFileWriter
        var checkpoint: EnsembleCheckpoint?
        if resume && manager.fileExists(atPath: partial) {
            try checkRecordedConfig(partial, config: config)
            writer = try RunFileWriter.resume(partial, config: config, model: model)
            checkpoint = try writer.checkpoint()
            resumedFrom = checkpoint?.step
        } else {
            if resume && manager.fileExists(atPath: output) {
                try checkRecordedConfig(output, config: config)
                return Summary(snapshots: 0, seedSteps: 0, seconds: 0, setupSeconds: 0, resumedFromStep: model.totalSteps)
            }
            let header = FileHeader(schema: .run, config: config.toml, inputs: [])
            writer = try RunFileWriter.create(partial, header: header, config: config, model: model)
        }
        var reporter = ProgressReporter(enabled: progress, seeds: config.seeds, totalSteps: model.totalSteps,
                                        firstStep: checkpoint?.step ?? 0)
        var snapshots = 0
        var statuses = checkpoint?.statuses ?? []
        try trainer.run(from: checkpoint) { snapshot in
            try writer.append(snapshot)
            snapshots += 1
            statuses = snapshot.statuses
            reporter.update(step: snapshot.step, snapshot: snapshot.index, of: config.schedule.steps.count)
        }
        reporter.finish()
        try writer.finish(statuses: statuses)
        try AtomicOutput.replace(output, with: partial)
        let done = model.totalSteps - (checkpoint?.step ?? 0)
        // Training and writing only; `run` adds the set-up it timed.
        return Summary(snapshots: snapshots, seedSteps: done * config.seeds,
                       seconds: Date().timeIntervalSince(start), setupSeconds: 0, resumedFromStep: resumedFrom)
    }

    /// A run is only continued with the configuration it was started with.
    private static func checkRecordedConfig(_ path: String, config: SimulateConfig) throws {
        let file = try openInput(path)
        let header = try FileHeader.read(from: file, expecting: .run)
        guard header.config == config.toml else {
            throw DysonError.badInput(file: path, message: "was started with a different configuration; remove it or run without --resume")
        }
    }
}

/// A one-line progress display on stderr (rate and ETA), only when stderr is a terminal.
struct ProgressReporter {
    let enabled: Bool
    let seeds: Int
    let totalSteps: Int
    let firstStep: Int
    let start = Date()

    init(enabled: Bool, seeds: Int, totalSteps: Int, firstStep: Int) {
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
        self.seeds = seeds
        self.totalSteps = totalSteps
        self.firstStep = firstStep
    }

    mutating func update(step: Int, snapshot: Int, of snapshots: Int) {
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(start)
        let done = Double(step - firstStep)
        let rate = elapsed > 0 ? done * Double(seeds) / elapsed : 0
        let eta = done > 0 ? elapsed * Double(totalSteps - step) / done : 0
        let line = String(format: "\rsimulate: snapshot %d/%d, step %d/%d, %.3g seed-steps/s, ETA %.0f s   ",
                          snapshot + 1, snapshots, step, totalSteps, rate, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
