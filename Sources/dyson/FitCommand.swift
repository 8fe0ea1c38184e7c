import ArgumentParser
import Pipeline

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "<S> with jackknife errors, Wigner-surmise tests and the linear scaling fit of an unfolded file.")

    @Argument(help: "Unfolded files (dyson.unfolded); several are fitted as one set of ensembles.") var inputs: [String]
    @OptionGroup var io: StageIO
    @Option(name: .long, help: "Dyson index of the surmise: 1, 2 or 4.") var beta: Int?
    @Option(name: .long, help: "Histogram bins (0: Freedman-Diaconis).") var binCount: Int?
    @Option(name: .long, help: "One of: \(FitConfig.amplitudes.joined(separator: ", ")).") var scalingAmplitude: String?
    @Option(name: .long, help: "Monte Carlo replicas calibrating the KS p-value.") var ksReplicas: Int?

    func run() throws {
        try reportingFailures {
            var overrides = ConfigOverrides()
            overrides.add("beta", beta)
            overrides.add("bin_count", binCount)
            overrides.add("scaling_amplitude", scalingAmplitude, literal: quoted)
            overrides.add("ks_replicas", ksReplicas)
            let (text, source) = try configText(io.config)
            let settings = try StageConfigFile.fit(text, source: source, overrides: overrides)
            try FitStage.run(inputs: inputs, config: settings, output: io.output)
        }
    }
}
