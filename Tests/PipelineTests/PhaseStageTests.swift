import Foundation
import HDF5
import Testing
@testable import Pipeline

// The phase stage on small tanh networks (K = 4, L = 8, 100 training samples, 200 epochs,
// 20 models per grid point, run_seed 3: deterministic). The numbers themselves are checked
// against NumPy in Tests/Interop/test_phase.py; here the physics of the two limits.

private func tanhRun(_ path: String, learningRate: Double, initialWidth: Double = 0.125) throws {
    let config = try StageConfigFile.simulate("""
        model = "tanh_network"
        seeds = 20
        run_seed = 3
        input_features = 8
        hidden_units = 4
        batch_size = 4
        batches_per_epoch = 25
        epochs = 200
        test_samples = 32
        learning_rate = \(learningRate)
        initial_width = \(initialWidth)
        snapshot_log_count = 3
        """, source: "test")
    try SimulateStage.run(config: config, output: path)
}

/// Tiny α (T = 0.0025) and small σ_W = 1/8: every one of the 20 models is ordered (an ordered
/// fraction of 1 has binomial error 0), the features move towards the teacher's further than
/// at large α, and the singular values towards the teacher's (84th percentile of the distance
/// below its initial median 0.88). α = 16 (T = 4): no model is ordered, and the spacings of WWᵀ grow faster than
/// in any ordered model (the 16th percentile of the hot growth rates above the 84th of the cold).
@Test func orderedAtTinyLearningRateAndParamagneticAtLargeOne() throws {
    let scratch = try Scratch()
    let cold = scratch.file("cold.h5"), hot = scratch.file("hot.h5"), output = scratch.file("phase.h5")
    try tanhRun(cold, learningRate: 0.01)
    try tanhRun(hot, learningRate: 16)
    try PhaseStage.run(inputs: [cold, hot], config: PhaseConfig(), output: output)
    let file = try File.open(output)
    _ = try FileHeader.read(from: file, expecting: .phase)
    let root = try file.root()
    #expect(try root.read("learning_rate", as: Double.self) == [0.01, 16])
    #expect(try root.read("initial_width", as: Double.self) == [0.125, 0.125])
    #expect(try root.read("ordered_fraction", as: Double.self) == [1, 0])
    #expect(try root.read("ordered_fraction_error", as: Double.self) == [0, 0])
    #expect(try root.read("models", as: Int64.self) == [20, 20])
    let overlap = try root.read("teacher_overlap_quantiles", as: Double.self)   // [point][16, 50, 84]
    #expect(overlap[1] > 0.3 && overlap[1] > overlap[4])
    // Singular values: closer to the teacher's than at the start (W ~ N(0, 1/(64·8)) is 8× too small: distance ≈ 0.88) when cold, far off when hot.
    let distance = try root.read("teacher_spectrum_distance_quantiles", as: Double.self)
    #expect(distance[2] < 0.85 && distance[3] > 2)
    let growth = try root.read("spacing_growth_rate_quantiles", as: Double.self)
    #expect(growth[3] > growth[2] && growth[4] > 0)
    let ordered = try root.read("ordered", as: Int32.self)
    #expect(ordered.count == 40 && ordered[..<20].allSatisfy { $0 == 1 })
    // Consistency of the per-seed arrays with the summaries.
    let spread = try root.read("drift_spread", as: Double.self), coulomb = try root.read("coulomb_scale", as: Double.self)
    for i in 0..<40 { #expect((spread[i] >= coulomb[i]) == (ordered[i] == 1)) }
    let loss = try root.read("training_loss", as: Double.self)
    let recorded = try File.open(cold).root().openDataset("loss")
    let last = try recorded.shape()[0] - 1
    #expect(try recorded.read(as: Double.self, offset: [last, 0], count: [1, 20]) == Array(loss[..<20]))
}

/// A run of another model is refused with one line naming the file, and nothing is written.
@Test func phaseRefusesRunsOfOtherModels() throws {
    let scratch = try Scratch()
    let run = scratch.file("ts.h5"), output = scratch.file("phase.h5")
    try SimulateStage.run(config: try smallSimulation(seeds: 4), output: run)
    #expect(throws: DysonError.badInput(file: run, message: "is a 'teacher_student' run; the phase diagram needs tanh_network runs")) {
        try PhaseStage.run(inputs: [run], config: PhaseConfig(), output: output)
    }
    #expect(!FileManager.default.fileExists(atPath: output) && !FileManager.default.fileExists(atPath: output + ".tmp"))
}

/// `[phase]` keys have defaults and unknown keys are rejected.
@Test func phaseConfigRejectsUnknownKeys() throws {
    #expect(try StageConfigFile.phase("", source: "t") == PhaseConfig())
    #expect(try StageConfigFile.phase("write_tables = true", source: "t").writeTables)
    #expect(throws: DysonError.self) { try StageConfigFile.phase("tables = true", source: "t") }
}

private func phasePipeline(_ scratch: Scratch, writeTables: Bool) throws -> PipelineFile {
    let path = scratch.file("phase.toml")
    try """
    [pipeline]
    name = "phase-test"
    output = "\(scratch.file("out"))"
    [simulate]
    model = "tanh_network"
    seeds = 6
    input_features = 8
    hidden_units = 4
    batches_per_epoch = 10
    epochs = 5
    test_samples = 8
    snapshot_log_count = 3
    [sweep]
    learning_rate = [0.1, 4.0]
    initial_width = [0.25, 2.0]
    [phase]
    write_tables = \(writeTables)
    [snapshot]
    matrix = "W"
    transform = "WWt"
    [fit]
    scaling_amplitude = "none"
    ks_replicas = 20
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return try PipelineFile(path: path)
}

/// `dyson run` with a `[phase]` table writes phase.h5 over the 2 × 2 grid and a report table
/// row per grid point; unchanged, the phase stage is up to date; a changed `[phase]` key
/// re-runs only it.
@Test func thePipelineRunsThePhaseStageAndItsReportSection() throws {
    let scratch = try Scratch()
    var log: [String] = []
    let pipeline = try phasePipeline(scratch, writeTables: false)
    let report = try PipelineRunner(pipeline: pipeline) { log.append($0) }.run() ?? ""
    #expect(log.contains("phase: run (forced or an earlier stage ran)"))
    #expect(report.contains("## Phase diagram (Langevin classifier, SPEC §2.4)"))
    #expect(report.components(separatedBy: "\n").filter { $0.hasPrefix("| 0.1 | 0.25 |") || $0.hasPrefix("| 4 | 2 |") }.count == 2)
    #expect(try String(contentsOfFile: pipeline.layout.report, encoding: .utf8) == report)
    let file = try File.open(pipeline.layout.phase)
    _ = try FileHeader.read(from: file, expecting: .phase)
    #expect(try file.root().read("learning_rate", as: Double.self).count == 4)

    log = []
    try PipelineRunner(pipeline: pipeline) { log.append($0) }.run()
    #expect(log.contains("phase: up to date"))
    log = []
    try PipelineRunner(pipeline: try phasePipeline(scratch, writeTables: true)) { log.append($0) }.run()
    #expect(log.contains("phase: run (configuration changed)"))
    #expect(log.filter { $0.hasSuffix("up to date") }.count == 8)
    // An output written by another dyson version is stale.
    do {
        let file = try File.open(pipeline.layout.phase, writable: true)
        try file.setAttribute("dyson_version", "0.0.9")
        try file.close()
    }
    log = []
    try PipelineRunner(pipeline: try phasePipeline(scratch, writeTables: true)) { log.append($0) }.run()
    #expect(log.contains("phase: run (written by dyson 0.0.9)"))
}

/// The report's contour column: the highest of 0.68, 0.95, 0.997 that the fraction reaches.
@Test func orderedFractionContours() {
    #expect(PhaseReport.contour(1) == "≥ 0.997")
    #expect(PhaseReport.contour(0.96) == "≥ 0.95")
    #expect(PhaseReport.contour(0.68) == "≥ 0.68")
    #expect(PhaseReport.contour(0.5) == "< 0.68")
}
