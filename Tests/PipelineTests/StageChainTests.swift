import Foundation
import HDF5
import Testing
@testable import Pipeline

/// A fresh directory per test, removed afterwards.
final class Scratch {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("dyson-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { "\(path)/\(name)" }
}

func smallSimulation(seeds: Int = 120, learningRate: Double = 0.1, batchSize: Int = 16) throws -> SimulateConfig {
    try StageConfigFile.simulate("""
        seeds = \(seeds)
        learning_rate = \(learningRate)
        batch_size = \(batchSize)
        epochs = 2
        batches_per_epoch = 100
        snapshot_every_epochs = 1
        shared_data = false
        """, source: "test")
}

@Test func everyStageWritesItsSchemaAndTheChainIsConsistent() throws {
    let scratch = try Scratch()
    let runs = [scratch.file("a.h5"), scratch.file("b.h5")]
    try SimulateStage.run(config: try smallSimulation(batchSize: 4), output: runs[0])
    try SimulateStage.run(config: try smallSimulation(batchSize: 16), output: runs[1])
    var snapshot = SnapshotConfig()
    snapshot.select = "all"
    try SnapshotStage.run(inputs: runs, config: snapshot, output: scratch.file("ensemble.h5"))
    try DiagonaliseStage.run(input: scratch.file("ensemble.h5"), config: DiagonaliseConfig(), output: scratch.file("spectra.h5"))
    try UnfoldStage.run(input: scratch.file("spectra.h5"), config: UnfoldConfig(), output: scratch.file("unfolded.h5"))
    var fit = FitConfig()
    fit.ksReplicas = 50
    try FitStage.run(inputs: [scratch.file("unfolded.h5")], config: fit, output: scratch.file("fit.h5"))

    for (name, schema) in [("a.h5", Schema.run), ("ensemble.h5", .ensemble), ("spectra.h5", .spectra),
                           ("unfolded.h5", .unfolded), ("fit.h5", .fit)] {
        let file = try File.open(scratch.file(name))
        let header = try FileHeader.read(from: file, expecting: schema)
        #expect(header.toolVersion == dysonVersion)
        #expect(!header.config.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: scratch.file(name) + ".tmp"))
    }
    // 2 runs × 3 snapshots (steps 0, 100, 200) = 6 ensembles of 120 seeds.
    let fitFile = try File.open(scratch.file("fit.h5"))
    let index = try EnsembleIndex.read(from: fitFile)
    #expect(index.ensembleCount == 6)
    #expect(index.sampleCount == 720)
    #expect(index.parameter("batch_size") == [4, 4, 4, 16, 16, 16])
    #expect(index.step == [0, 100, 200, 0, 100, 200])
    let mean = try fitFile.root().read("mean_pair_spacing", as: Double.self)
    let error = try fitFile.root().read("mean_pair_spacing_error", as: Double.self)
    #expect(mean.count == 6 && error.allSatisfy { $0 > 0 })
    // The spectra file's levels are ascending singular values; unfold's S is their difference.
    let spectra = try File.open(scratch.file("spectra.h5")).root().read("values", as: Double.self)
    let spacing = try File.open(scratch.file("unfolded.h5")).root().read("pair_spacing", as: Double.self)
    for s in 0..<720 {
        #expect(spectra[2 * s] <= spectra[2 * s + 1])
        #expect(spacing[s] == spectra[2 * s + 1] - spectra[2 * s])
    }
}

@Test func unknownAndInvalidConfigurationKeysAreRejected() {
    #expect(throws: DysonError.invalidConfiguration(source: "t", message: "unknown key learning_rat")) {
        try StageConfigFile.simulate("learning_rat = 0.1", source: "t")
    }
    #expect(throws: DysonError.self) { try StageConfigFile.simulate("learning_rate = 0", source: "t") }
    #expect(throws: DysonError.self) { try StageConfigFile.simulate("batch_size = 0", source: "t") }
    #expect(throws: DysonError.self) { try StageConfigFile.simulate("size = 1", source: "t") }
    #expect(throws: DysonError.self) { try StageConfigFile.fit("beta = 3", source: "t") }
    #expect(throws: DysonError.self) { try StageConfigFile.snapshot("transform = \"WW\"", source: "t") }
}

@Test func configurationTextIsCanonicalAndRoundTrips() throws {
    let config = try smallSimulation()
    let again = try StageConfigFile.simulate(config.toml, source: "t")
    #expect(again == config)
    #expect(again.toml == config.toml)
}

@Test func severalUnfoldedFilesAreFittedAsOneSetOfEnsembles() throws {
    let scratch = try Scratch()
    for (name, batch) in [("a", 4), ("b", 64)] {
        try SimulateStage.run(config: try smallSimulation(batchSize: batch), output: scratch.file("\(name).h5"))
        try SnapshotStage.run(inputs: [scratch.file("\(name).h5")], config: SnapshotConfig(), output: scratch.file("\(name)-e.h5"))
        try DiagonaliseStage.run(input: scratch.file("\(name)-e.h5"), config: DiagonaliseConfig(), output: scratch.file("\(name)-s.h5"))
        try UnfoldStage.run(input: scratch.file("\(name)-s.h5"), config: UnfoldConfig(), output: scratch.file("\(name)-u.h5"))
    }
    var fit = FitConfig()
    fit.ksReplicas = 20
    try FitStage.run(inputs: [scratch.file("a-u.h5"), scratch.file("b-u.h5")], config: fit, output: scratch.file("fit.h5"))
    let file = try File.open(scratch.file("fit.h5"))
    let header = try FileHeader.read(from: file, expecting: .fit)
    #expect(header.inputs.map(\.path) == [scratch.file("a-u.h5"), scratch.file("b-u.h5")])
    let index = try EnsembleIndex.read(from: file)
    #expect(index.parameter("batch_size") == [4, 64])
    #expect(index.runFiles == [scratch.file("a.h5"), scratch.file("b.h5")])
    #expect(Set(index.sampleEnsemble) == [0, 1] && Set(index.sampleRun) == [0, 1])
    #expect(try file.root().read("scaling_dof", as: Int64.self) == [1])
}

/// Ensembles of one sample (one seed per hyper-parameter set, or one large spectrum) have no pair
/// statistics: fit records NaN and samples_used = 1 instead of failing, writes no histogram for
/// them, and the report gives no verdict.
@Test func singleSampleEnsemblesAreRecordedAsNotFitted() throws {
    let scratch = try Scratch()
    try SimulateStage.run(config: try smallSimulation(seeds: 1), output: scratch.file("run.h5"))
    var snapshot = SnapshotConfig()
    snapshot.select = "all"
    try SnapshotStage.run(inputs: [scratch.file("run.h5")], config: snapshot, output: scratch.file("ensemble.h5"))
    try DiagonaliseStage.run(input: scratch.file("ensemble.h5"), config: DiagonaliseConfig(), output: scratch.file("spectra.h5"))
    try UnfoldStage.run(input: scratch.file("spectra.h5"), config: UnfoldConfig(), output: scratch.file("unfolded.h5"))
    var fit = FitConfig()
    fit.ksReplicas = 20
    try FitStage.run(inputs: [scratch.file("unfolded.h5")], config: fit, output: scratch.file("fit.h5"))
    let root = try File.open(scratch.file("fit.h5")).root()
    #expect(try root.read("samples_used", as: Int64.self) == [1, 1, 1])
    #expect(try root.read("mean_pair_spacing", as: Double.self).allSatisfy(\.isNaN))
    #expect(try root.read("ks_p_value", as: Double.self).allSatisfy(\.isNaN))
    let hasSlope = root.contains("scaling_slope"), hasHistogram = root.contains("histogram/ensemble_0_pair_0")
    #expect(!hasSlope && !hasHistogram)
    let report = try ReportStage.run(input: scratch.file("fit.h5"), title: "one seed", output: nil)
    #expect(report.contains("too few samples") && !report.contains("**rejected**") && !report.contains("**tension**"))
}
