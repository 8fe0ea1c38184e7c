import ArgumentParser
import Pipeline

struct PhaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phase",
        abstract: "Phase diagram of tanh_network runs: per-grid-point observables and the Langevin ordered fraction.")

    @Argument(help: "Run files (dyson.run, model tanh_network), one per grid point (learning rate, initial width).") var inputs: [String]
    @OptionGroup var io: StageIO
    @Flag(name: .long, help: "Also store each seed's frozen features and read-out (for independent recomputation).") var writeTables = false
    @Option(name: .long, help: "Worker threads (results do not depend on it).") var threads = 2

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        try reportingFailures {
            var overrides = ConfigOverrides()
            if writeTables { overrides.add("write_tables", true) }
            let (text, source) = try configText(io.config)
            let settings = try StageConfigFile.phase(text, source: source, overrides: overrides)
            try PhaseStage.run(inputs: inputs, config: settings, output: io.output, threads: threads)
        }
    }
}
