import ArgumentParser
import Foundation
import Pipeline

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Markdown summary of a fit file: measured values beside theory, with verdicts from their errors.",
        discussion: "--html also writes a self-contained HTML page whose figures come from executing the exported notebook (report.ipynb beside the fit file) with nbclient.")

    @Argument(help: "Fit file (dyson.fit).") var input: String
    @Option(name: .shortAndLong, help: "Also write the Markdown here.") var output: String?
    @Option(name: .long, help: "Also write an HTML report with the notebook's figures here.") var html: String?
    @Option(name: .long, help: "Title of the report.") var title = "dyson report"

    func run() throws {
        try reportingFailures {
            let markdown = try ReportStage.run(input: input, title: title, output: output)
            print(markdown)
            if let html {
                let layout = RunLayout(directory: (input as NSString).deletingLastPathComponent.isEmpty ? "." : (input as NSString).deletingLastPathComponent)
                try HTMLReport.make(markdown: markdown, title: title, source: input, layout: layout, output: html) { line in
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                }
                FileHandle.standardError.write(Data("HTML report written to \(html)\n".utf8))
            }
        }
    }
}
