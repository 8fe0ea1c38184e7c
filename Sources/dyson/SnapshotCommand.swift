import ArgumentParser
import Pipeline

struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Select a matrix and times from run files or imported weights, transform, and group seeds into ensembles.")

    @Argument(help: "Run files (dyson.run), or .npy/.npz/.safetensors/HDF5 files with --source; equal hyper-parameters merge into one ensemble.")
    var inputs: [String]

    @OptionGroup var io: StageIO

    @Option(name: .long, help: "Recorded matrix to take, e.g. student.") var matrix: String?
    @Option(name: .long, help: "One of: \(SnapshotConfig.transforms.joined(separator: ", ")).") var transform: String?
    @Option(name: .long, help: "One of: \(SnapshotConfig.selections.joined(separator: ", ")).") var select: String?
    @Option(name: .long, help: "Input kind, one of: \(SnapshotConfig.sources.joined(separator: ", ")).") var source: String?
    @Option(name: .long, help: "Array to import from an .npz archive.") var array: String?
    @Option(name: .long, help: "Meaning of the imported array's axes, e.g. seed,snapshot,row,col.") var axes: String?
    @Option(name: .long, help: "Glob selecting .safetensors tensors, e.g. 'layers.*.weight'.") var tensors: String?
    @Option(name: .long, help: "Path of the dataset in a foreign HDF5 file.") var dataset: String?
    @Option(name: .long, help: "Comma-separated scalars holding hyper-parameters, e.g. lr,batch_size.") var parameters: String?

    func run() throws {
        try reportingFailures {
            var overrides = ConfigOverrides()
            overrides.add("matrix", matrix, literal: quoted)
            overrides.add("transform", transform, literal: quoted)
            overrides.add("select", select, literal: quoted)
            for (key, value) in [("source", source), ("array", array), ("axes", axes), ("tensors", tensors), ("dataset", dataset)] {
                overrides.add(key, value, literal: quoted)
            }
            overrides.add("parameters", parameters) { "[" + $0.split(separator: ",").map { quoted(String($0)) }.joined(separator: ", ") + "]" }
            let (text, source) = try configText(io.config)
            let settings = try StageConfigFile.snapshot(text, source: source, overrides: overrides)
            try SnapshotStage.run(inputs: inputs, config: settings, output: io.output)
        }
    }
}
