import Foundation
import Testing
@testable import Pipeline

private func writePipeline(_ scratch: Scratch, fitBeta: Int) throws -> String {
    let path = scratch.file("p.toml")
    try """
    [pipeline]
    name = "t"
    output = "\(scratch.file("out"))"
    [simulate]
    seeds = 60
    epochs = 1
    batches_per_epoch = 50
    snapshot_every_epochs = 1
    [sweep]
    batch_size = [4, 16]
    [fit]
    beta = \(fitBeta)
    ks_replicas = 20
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

private func modificationDate(_ path: String) throws -> Date {
    try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
}

@Test func changingAFitOptionRerunsOnlyFit() throws {
    let scratch = try Scratch()
    var log: [String] = []
    let first = try PipelineFile(path: try writePipeline(scratch, fitBeta: 1))
    #expect(first.simulations.map(\.label) == ["batch_size-4", "batch_size-16"])
    try PipelineRunner(pipeline: first) { log.append($0) }.run()
    let untouched = [first.layout.simulation("batch_size-4"), first.layout.simulation("batch_size-16"),
                     first.layout.ensemble, first.layout.spectra, first.layout.unfolded]
    let before = try untouched.map(modificationDate)
    let fitBefore = try modificationDate(first.layout.fit)

    log = []
    let second = try PipelineFile(path: try writePipeline(scratch, fitBeta: 2))
    try PipelineRunner(pipeline: second) { log.append($0) }.run()
    #expect(log.filter { $0.hasSuffix("up to date") }.count == 5)
    #expect(log.contains("fit: run (configuration changed)"))
    #expect(try untouched.map(modificationDate) == before)
    #expect(try modificationDate(second.layout.fit) > fitBefore)

    log = []
    try PipelineRunner(pipeline: second, dryRun: true) { log.append($0) }.run()
    #expect(log.filter { $0.hasSuffix("up to date") }.count == 6)
}

@Test func forcingAStageRerunsItAndEverythingAfter() throws {
    let scratch = try Scratch()
    let pipeline = try PipelineFile(path: try writePipeline(scratch, fitBeta: 1))
    try PipelineRunner(pipeline: pipeline) { _ in }.run()
    var log: [String] = []
    try PipelineRunner(pipeline: pipeline, forced: ["unfold"], dryRun: true) { log.append($0) }.run()
    #expect(log.prefix(4).allSatisfy { $0.hasSuffix("up to date") })
    #expect(log.contains { $0.hasPrefix("unfold: run") } && log.contains { $0.hasPrefix("fit: run") })
}

@Test func aDryRunAfterASimulationChangeShowsEveryLaterStageRunning() throws {
    let scratch = try Scratch()
    let pipeline = try PipelineFile(path: try writePipeline(scratch, fitBeta: 1))
    try PipelineRunner(pipeline: pipeline) { _ in }.run()
    try FileManager.default.removeItem(atPath: pipeline.layout.simulation("batch_size-16"))
    var log: [String] = []
    try PipelineRunner(pipeline: pipeline, dryRun: true) { log.append($0) }.run()
    #expect(log[0] == "simulate batch_size-4: up to date")
    #expect(log[1] == "simulate batch_size-16: run (no output yet)")
    #expect(log[2...5].allSatisfy { $0.hasSuffix("run (an earlier stage will run)") }, "\(log)")
}

@Test func thePaperOptionAppliesThePaperTableAndItsOwnDirectory() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = root.appendingPathComponent("pipelines/teacher-student.toml").path
    let small = try PipelineFile(path: path)
    let paper = try PipelineFile(path: path, paperScale: true)
    #expect(small.simulations.count == 6 && small.simulations.allSatisfy { $0.config.seeds == 400 })
    #expect(paper.simulations.count == 75 && paper.simulations.allSatisfy { $0.config.seeds == 3000 })
    #expect(paper.layout.directory == small.layout.directory + "-paper")
    for name in ["gaussian-rbm", "dyson-brownian-motion"] {
        _ = try PipelineFile(path: root.appendingPathComponent("pipelines/\(name).toml").path)
        _ = try PipelineFile(path: root.appendingPathComponent("pipelines/\(name).toml").path, paperScale: true)
    }
}
