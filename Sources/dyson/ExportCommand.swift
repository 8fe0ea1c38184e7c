import ArgumentParser
import Foundation
import Pipeline

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a Jupyter notebook per pipeline that reads its HDF5 outputs with h5py and draws the papers' figures.",
        discussion: "The notebook is written to DIRECTORY/NAME.ipynb (NAME from [pipeline] name, or NAME-paper with --paper) and reads the pipeline's output directory relative to itself; DYSON_DATA overrides it.")

    @Argument(help: "Pipeline files, e.g. pipelines/teacher-student.toml.")
    var pipelines: [String]

    @Option(name: .shortAndLong, help: "Directory for the notebooks.")
    var directory = NotebookExport.defaultDirectory

    @Option(name: .long, help: "Read outputs from here instead of the pipeline's [pipeline] output (one pipeline only).")
    var output: String?

    @Flag(name: .long, help: "Read the paper-scale outputs (OUTPUT-paper).")
    var paper = false

    func validate() throws {
        guard !pipelines.isEmpty else { throw ValidationError("give at least one pipeline file") }
        guard output == nil || pipelines.count == 1 else { throw ValidationError("--output needs exactly one pipeline") }
    }

    func run() throws {
        try reportingFailures {
            for path in pipelines {
                let file = try PipelineFile(path: path, outputOverride: output, paperScale: paper)
                let name = file.name + (paper ? "-paper" : "")
                let target = "\(directory)/\(name).ipynb"
                try NotebookExport.notebook(title: file.title, source: path, layout: file.layout, notebookDirectory: directory)
                    .write(to: target)
                print(target)
            }
        }
    }
}
