import Foundation
import HDF5
import Testing

/// Two sweep points × 90 seeds of the teacher–student model with one teacher and data set
/// shared by all seeds (the paper's choice, the case where a seed slice must still see seed 0's
/// draws), cut into tasks of 40 seeds: 40 + 40 + 10 per point, 6 tasks.
private func writeSweepPipeline(_ scratch: Scratch) throws -> String {
    let path = scratch.file("sweep.toml")
    try """
    [pipeline]
    name = "sweep"
    output = "\(scratch.file("unused"))"
    [simulate]
    seeds = 90
    run_seed = 77
    epochs = 2
    batches_per_epoch = 60
    snapshot_every_epochs = 1
    shared_data = true
    [sweep]
    batch_size = [4, 16]
    [fit]
    ks_replicas = 50
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// Every numeric dataset of an analysis file (the run_file paths differ between outputs).
private func numericContents(_ path: String, _ names: [String]) throws -> [String: [Double]] {
    let root = try File.open(path).root()
    var contents: [String: [Double]] = [:]
    for name in names { contents[name] = try root.read(name, as: Double.self) }
    return contents
}

private let fitDatasets = ["mean_pair_spacing", "mean_pair_spacing_error", "mean_pair_level", "ks_statistic", "ks_p_value",
                           "scaling_x", "scaling_slope", "scaling_slope_error", "scaling_chi2"]

@Test func aSweepRunAsArrayTasksAndMergedGivesTheSameSpectraAndFitsAsOneProcess() throws {
    let scratch = try Scratch()
    let pipeline = try writeSweepPipeline(scratch)
    let whole = scratch.file("whole"), split = scratch.file("split"), local = scratch.file("local")
    let reference = try dyson(["run", pipeline, "--output", whole])
    try #require(reference.status == 0, "\(reference.stderr)")

    let sweep = try dyson(["sweep", pipeline, "--output", split, "--seeds-per-task", "40"])
    try #require(sweep.status == 0, "\(sweep.stderr)")
    let script = "\(split)/sweep.sbatch"
    let text = try String(contentsOfFile: script, encoding: .utf8)
    #expect(text.contains("#SBATCH --array=0-5"))
    #expect(text.contains("--index \"$SLURM_ARRAY_TASK_ID\""))
    #expect(text.contains(#/#SBATCH --time=0-\d\d:\d\d:00/#) && text.contains(#/#SBATCH --mem=\d+M/#))
    let syntax = Process()
    syntax.executableURL = URL(fileURLWithPath: "/bin/bash")
    syntax.arguments = ["-n", script]
    try syntax.run()
    syntax.waitUntilExit()
    #expect(syntax.terminationStatus == 0, "bash -n \(script)")

    // The array, as Slurm would run it (in reverse order: tasks are independent).
    for index in (0..<6).reversed() {
        let task = try dyson(["task", pipeline, "--output", split, "--seeds-per-task", "40"],
                             environment: ["SLURM_ARRAY_TASK_ID": String(index)])
        try #require(task.status == 0, "task \(index): \(task.stderr)")
    }
    let merge = try dyson(["merge", pipeline, "--output", split, "--seeds-per-task", "40"])
    try #require(merge.status == 0, "\(merge.stderr)")
    let merged = try File.open("\(split)/simulate/batch_size-4.h5").root()
    #expect(try merged.openDataset("student").isVirtual())
    #expect(try merged.openDataset("student").virtualSourceFiles() == (0..<3).map { "../tasks/batch_size-4/seeds-\($0 * 40)-\(min(90, $0 * 40 + 40)).h5" })
    let analysed = try dyson(["run", pipeline, "--output", split])
    try #require(analysed.status == 0, "\(analysed.stderr)")
    #expect(analysed.stderr.contains("simulate batch_size-4: up to date") && analysed.stderr.contains("simulate batch_size-16: up to date"),
            "the merged runs must stand for the simulations: \(analysed.stderr)")

    // The same tasks on 2 local workers, merged by sweep itself.
    let locally = try dyson(["sweep", pipeline, "--output", local, "--seeds-per-task", "40", "--local", "2"])
    try #require(locally.status == 0, "\(locally.stderr)")
    try #require(try dyson(["run", pipeline, "--output", local]).status == 0)

    let spectra = try numericContents("\(whole)/spectra.h5", ["values", "sample_seed"])
    let fit = try numericContents("\(whole)/fit.h5", fitDatasets)
    for output in [split, local] {
        #expect(try numericContents("\(output)/spectra.h5", ["values", "sample_seed"]) == spectra, "\(output)")
        #expect(try numericContents("\(output)/fit.h5", fitDatasets) == fit, "\(output)")
    }
}

@Test func mergeNamesTheMissingTaskAndWritesNothing() throws {
    let scratch = try Scratch()
    let pipeline = try writeSweepPipeline(scratch)
    let out = scratch.file("out")
    for index in [0, 1, 3, 4, 5] {
        try #require(try dyson(["task", pipeline, "--output", out, "--seeds-per-task", "40", "--index", String(index)]).status == 0)
    }
    let merge = try dyson(["merge", pipeline, "--output", out, "--seeds-per-task", "40"])
    #expect(merge.status == 65)
    #expect(merge.errorLines.count == 1 && merge.errorLines[0].contains("tasks/batch_size-4/seeds-80-90.h5")
            && merge.errorLines[0].contains("task 2"), "\(merge.stderr)")
    #expect(!FileManager.default.fileExists(atPath: "\(out)/simulate"), "merge must not leave a partial result")
}

@Test func aTaskNeedsAnIndexInsideThePlan() throws {
    let scratch = try Scratch()
    let pipeline = try writeSweepPipeline(scratch)
    let missing = try dyson(["task", pipeline, "--output", scratch.file("out")], environment: [:])
    if ProcessInfo.processInfo.environment["SLURM_ARRAY_TASK_ID"] == nil {
        #expect(missing.status == 64 && missing.errorLines.first?.contains("SLURM_ARRAY_TASK_ID") == true, "\(missing.stderr)")
    }
    let outside = try dyson(["task", pipeline, "--output", scratch.file("out"), "--seeds-per-task", "40"],
                            environment: ["SLURM_ARRAY_TASK_ID": "6"])
    #expect(outside.status == 64 && outside.errorLines.first?.contains("tasks 0...5") == true, "\(outside.stderr)")
}

/// Without Python the HTML report is still written, and says why it has no figures.
@Test func theHTMLReportWithoutPythonSaysWhyItHasNoFigures() throws {
    let scratch = try Scratch()
    let pipeline = try writeSweepPipeline(scratch)
    let out = scratch.file("out")
    try #require(try dyson(["run", pipeline, "--output", out]).status == 0)
    let html = scratch.file("report.html")
    let result = try dyson(["report", "\(out)/fit.h5", "--html", html], environment: ["PATH": scratch.file("no-such-bin")])
    #expect(result.status == 0, "\(result.stderr)")
    let page = try String(contentsOfFile: html, encoding: .utf8)
    #expect(page.contains("No figures: figures need Python 3"), "\(page.prefix(400))")
    #expect(page.contains("<table>") && !page.contains("data:image/png"))
    #expect(result.stderr.contains("No figures"))
}
