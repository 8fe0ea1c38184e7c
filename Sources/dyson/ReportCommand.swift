import ArgumentParser
import Pipeline

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Markdown summary of a fit file: measured values beside theory, with verdicts from their errors.")

    @Argument(help: "Fit file (dyson.fit).") var input: String
    @Option(name: .shortAndLong, help: "Also write the Markdown here.") var output: String?
    @Option(name: .long, help: "Title of the report.") var title = "dyson report"

    func run() throws {
        try reportingFailures {
            print(try ReportStage.run(input: input, title: title, output: output))
        }
    }
}
