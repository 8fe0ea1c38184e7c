import ArgumentParser
import Pipeline

struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Select a matrix and times from run files, transform, and group seeds into ensembles.")

    @Argument(help: "Run files (dyson.run); equal hyper-parameters merge into one ensemble.")
    var inputs: [String]

    @OptionGroup var io: StageIO

    @Option(name: .long, help: "Recorded matrix to take, e.g. student.") var matrix: String?
    @Option(name: .long, help: "One of: \(SnapshotConfig.transforms.joined(separator: ", ")).") var transform: String?
    @Option(name: .long, help: "One of: \(SnapshotConfig.selections.joined(separator: ", ")).") var select: String?

    func run() throws {
        try reportingFailures {
            var overrides = ConfigOverrides()
            overrides.add("matrix", matrix, literal: quoted)
            overrides.add("transform", transform, literal: quoted)
            overrides.add("select", select, literal: quoted)
            let (text, source) = try configText(io.config)
            let settings = try StageConfigFile.snapshot(text, source: source, overrides: overrides)
            try SnapshotStage.run(inputs: inputs, config: settings, output: io.output)
        }
    }
}
