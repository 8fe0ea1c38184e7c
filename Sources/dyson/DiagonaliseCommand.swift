import ArgumentParser
import Pipeline

struct DiagonaliseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagonalise",
        abstract: "Eigenvalues or singular values of every sample of an ensemble file (LAPACK).")

    @Argument(help: "Ensemble file (dyson.ensemble).") var input: String
    @OptionGroup var io: StageIO
    @Option(name: .long, help: "One of: \(DiagonaliseConfig.quantities.joined(separator: ", ")).") var quantity: String?
    @Option(name: .long, help: "One of: \(DiagonaliseConfig.drivers.joined(separator: ", ")).") var driver: String?
    @Flag(name: .long, help: "Also write eigenvectors (eigenvalues only).") var vectors = false
    @Option(name: .long, help: "Worker threads.") var threads = 2

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        try reportingFailures {
            var overrides = ConfigOverrides()
            overrides.add("quantity", quantity, literal: quoted)
            overrides.add("driver", driver, literal: quoted)
            if vectors { overrides.add("vectors", "true") }
            let (text, source) = try configText(io.config)
            let settings = try StageConfigFile.diagonalise(text, source: source, overrides: overrides)
            try DiagonaliseStage.run(input: input, config: settings, output: io.output, threads: threads)
        }
    }
}
