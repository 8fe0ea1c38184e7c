import ArgumentParser
import Foundation
import Pipeline

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Train an ensemble of seeds with SGD and stream weight snapshots into a dyson.run file.")

    @Option(name: .shortAndLong, help: "Output run file (OUTPUT.partial while training).")
    var output: String

    @Option(name: .long, help: "TOML model configuration; flags override it.")
    var config: String?

    @Flag(name: .long, help: "Continue an interrupted run (OUTPUT.partial) exactly where it stopped.")
    var resume = false

    @Option(name: .long, help: "Worker threads (results do not depend on it).")
    var threads = 2

    @Option(name: .long, help: "Seeds in the ensemble.") var seeds: Int?
    @Option(name: .long, help: "Key of every random stream of the run.") var runSeed: Int?
    @Option(name: .long, help: "SGD step size alpha, in (0, 2).") var learningRate: Double?
    @Option(name: .long, help: "Mini-batch size |B| >= 1.") var batchSize: Int?
    @Option(name: .long, help: "Matrix size N >= 2.") var size: Int?
    @Option(name: .long, help: "Teacher spectrum d, comma-separated (N values).") var teacherSpectrum: String?
    @Option(name: .long, help: "Induced-noise standard deviation epsilon >= 0.") var noiseStd: Double?
    @Option(name: .long, help: "Epochs >= 1.") var epochs: Int?
    @Option(name: .long, help: "Mini-batches per epoch >= 1.") var batchesPerEpoch: Int?
    @Option(name: .long, help: "Snapshot every k epochs.") var snapshotEveryEpochs: Int?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if let teacherSpectrum, teacherSpectrum.split(separator: ",").contains(where: { Double($0.trimmingCharacters(in: .whitespaces)) == nil }) {
            throw ValidationError("--teacher-spectrum must be comma-separated numbers, e.g. 2,2")
        }
    }

    func run() throws {
        try reportingFailures {
            var overrides = ConfigOverrides()
            overrides.add("seeds", seeds)
            overrides.add("run_seed", runSeed)
            overrides.add("learning_rate", learningRate)
            overrides.add("batch_size", batchSize)
            overrides.add("size", size)
            overrides.add("teacher_spectrum", teacherSpectrum) { "[\($0)]" }
            overrides.add("noise_std", noiseStd)
            overrides.add("epochs", epochs)
            overrides.add("batches_per_epoch", batchesPerEpoch)
            overrides.add("snapshot_every_epochs", snapshotEveryEpochs)
            let (text, source) = try configText(config)
            let settings = try StageConfigFile.simulate(text, source: source, overrides: overrides)
            let summary = try SimulateStage.run(config: settings, output: output, resume: resume, threads: threads, progress: true)
            print(String(format: "%@: %d snapshots, %d seed-steps in %.3f s (set-up %.3f s; %.3g seed-steps/s overall, %.3g training and writing)%@",
                         output, summary.snapshots, summary.seedSteps, summary.seconds, summary.setupSeconds,
                         Double(summary.seedSteps) / max(summary.seconds, 1e-9),
                         Double(summary.seedSteps) / max(summary.seconds - summary.setupSeconds, 1e-9),
                         summary.resumedFromStep.map { ", resumed from step \($0)" } ?? ""))
        }
    }
}
