import ArgumentParser
import Foundation
import Pipeline

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline file: every stage in order, skipping those whose outputs are up to date.")

    @Argument(help: "Pipeline file, e.g. pipelines/teacher-student.toml.")
    var pipeline: String

    @Option(name: .long, help: "Run this stage (and all after it) even if up to date; repeatable. One of: \(PipelineFile.stages.joined(separator: ", ")).")
    var force: [String] = []

    @Flag(name: .long, help: "Only print what would run and why.")
    var dryRun = false

    @Option(name: .long, help: "Write outputs here instead of the pipeline's [pipeline] output.")
    var output: String?

    @Flag(name: .long, help: "Use the pipeline's [paper] settings (the published scale; hours, not seconds) and write to OUTPUT-paper.")
    var paper = false

    @Flag(name: .long, help: "Also write report.html, with figures from executing the exported notebook (report.ipynb).")
    var html = false

    @Option(name: .long, help: "Worker threads (results do not depend on it).")
    var threads = 2

    func validate() throws {
        for stage in force where !PipelineFile.stages.contains(stage) {
            throw ValidationError("unknown stage '\(stage)' for --force; allowed: \(PipelineFile.stages.joined(separator: ", "))")
        }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        try reportingFailures {
            let file = try PipelineFile(path: pipeline, outputOverride: output, paperScale: paper)
            let runner = PipelineRunner(pipeline: file, threads: threads, forced: Set(force), dryRun: dryRun) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            if let report = try runner.run() {
                print(report)
                FileHandle.standardError.write(Data("report written to \(file.layout.report)\n".utf8))
                if html {
                    try HTMLReport.make(markdown: report, title: file.title, source: pipeline, layout: file.layout,
                                        output: file.layout.reportHTML) { line in
                        FileHandle.standardError.write(Data((line + "\n").utf8))
                    }
                    FileHandle.standardError.write(Data("HTML report written to \(file.layout.reportHTML)\n".utf8))
                }
            }
        }
    }
}
