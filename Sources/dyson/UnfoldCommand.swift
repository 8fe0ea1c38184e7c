import ArgumentParser
import Pipeline

struct UnfoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unfold",
        abstract: "Level spacings of a spectra file: degenerate-pair spacings S, s = S/<S>, nearest-neighbour spacings.")

    @Argument(help: "Spectra file (dyson.spectra).") var input: String
    @OptionGroup var io: StageIO

    func run() throws {
        try reportingFailures {
            let (text, source) = try configText(io.config)
            let settings = try StageConfigFile.unfold(text, source: source, overrides: [])
            try UnfoldStage.run(input: input, config: settings, output: io.output)
        }
    }
}
