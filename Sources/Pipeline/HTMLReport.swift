import Foundation

/// The HTML form of a report: the Markdown of `ReportStage` rendered to one self-contained page
/// (no external files), followed by the figures of the executed notebook as embedded PNGs.
///
/// The renderer covers exactly the Markdown that `ReportStage` writes: `#` headings, pipe
/// tables, fenced code blocks, paragraphs, `**bold**` and `` `code` ``.
public enum HTMLReport {
    /// Writes the page atomically. `figures` empty with a `note` says why there are none.
    public static func write(markdown: String, title: String, figures: [NotebookExecution.Figure], note: String?,
                             to output: String) throws {
        let page = render(markdown: markdown, title: title, figures: figures, note: note)
        try AtomicOutput.write(output) { temporary in
            do {
                try page.write(toFile: temporary, atomically: false, encoding: .utf8)
            } catch {
                throw DysonError.failure(message: "\(output): cannot write the HTML report: \(error.localizedDescription)")
            }
        }
    }

    static func render(markdown: String, title: String, figures: [NotebookExecution.Figure], note: String?) -> String {
        var html = ["<!DOCTYPE html>", "<html lang=\"en\">", "<head>", "<meta charset=\"utf-8\">",
                    "<title>\(escape(title))</title>", "<style>", style, "</style>", "</head>", "<body>"]
        html += body(markdown)
        html.append("<h2>Figures</h2>")
        if let note { html.append("<p class=\"note\">\(escape(note))</p>") }
        var section: String?
        for (index, figure) in figures.enumerated() {
            if figure.section != section {
                html.append("<h3>\(escape(figure.section))</h3>")
                section = figure.section
            }
            html.append("<figure><img alt=\"figure \(index + 1): \(escape(figure.section))\" src=\"data:image/png;base64,\(figure.pngBase64)\">"
                        + "<figcaption>Figure \(index + 1). \(escape(figure.section))</figcaption></figure>")
        }
        html += ["</body>", "</html>", ""]
        return html.joined(separator: "\n")
    }

    /// Block-level rendering, line by line.
    static func body(_ markdown: String) -> [String] {
        var html: [String] = []
        var paragraph: [String] = []
        var table: [[String]] = []
        var code: [String]?
        func flushParagraph() {
            if !paragraph.isEmpty { html.append("<p>" + inline(paragraph.joined(separator: " ")) + "</p>") }
            paragraph = []
        }
        func flushTable() {
            guard !table.isEmpty else { return }
            html.append("<table>")
            for (row, cells) in table.enumerated() {
                let tag = row == 0 ? "th" : "td"
                html.append("<tr>" + cells.map { "<\(tag)>\(inline($0))</\(tag)>" }.joined() + "</tr>")
            }
            html.append("</table>")
            table = []
        }
        for line in markdown.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                if let block = code {
                    html.append("<pre>" + escape(block.joined(separator: "\n")) + "</pre>")
                    code = nil
                } else {
                    flushParagraph(); flushTable()
                    code = []
                }
                continue
            }
            if code != nil { code!.append(line); continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("|") {
                flushParagraph()
                let cells = trimmed.dropFirst().dropLast(trimmed.hasSuffix("|") ? 1 : 0)
                    .components(separatedBy: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                if !cells.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 == "-" || $0 == ":" } }) { table.append(cells) }
                continue
            }
            flushTable()
            if trimmed.isEmpty { flushParagraph(); continue }
            if let level = headingLevel(trimmed) {
                flushParagraph()
                html.append("<h\(level)>" + inline(String(trimmed.dropFirst(level)).trimmingCharacters(in: .whitespaces)) + "</h\(level)>")
                continue
            }
            paragraph.append(trimmed)
        }
        flushParagraph(); flushTable()
        if let block = code { html.append("<pre>" + escape(block.joined(separator: "\n")) + "</pre>") }
        return html
    }

    private static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        return (1...6).contains(hashes) && line.dropFirst(hashes).first == " " ? hashes : nil
    }

    /// `code` and **bold** spans, everything else escaped.
    static func inline(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let tick = rest.firstIndex(of: "`"), let close = rest[rest.index(after: tick)...].firstIndex(of: "`") {
            out += bold(escape(String(rest[..<tick])))
            out += "<code>" + escape(String(rest[rest.index(after: tick)..<close])) + "</code>"
            rest = rest[rest.index(after: close)...]
        }
        return out + bold(escape(String(rest)))
    }

    private static func bold(_ escaped: String) -> String {
        let parts = escaped.components(separatedBy: "**")
        guard parts.count >= 3 else { return escaped }
        return parts.enumerated().map { index, part in
            index % 2 == 1 && index < parts.count - 1 ? "<strong>\(part)</strong>" : (index % 2 == 1 ? "**" + part : part)
        }.joined()
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static let style = """
        body { font-family: system-ui, sans-serif; max-width: 72em; margin: 2em auto; padding: 0 1em; color: #222; }
        table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; display: block; overflow-x: auto; max-width: 100%; }
        th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: right; }
        th { background: #eee; }
        pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
        figure { margin: 1.5em 0; } figure img { max-width: 100%; }
        figcaption { font-size: 0.9em; color: #555; } .note { color: #a40; }
        """
}

extension HTMLReport {
    /// The whole `report --html` step for outputs in `layout`: exports the pipeline's notebook to
    /// `layout.reportNotebook` (reading `.`, its own directory), executes it there, and writes
    /// the page with its figures. Without Python/nbclient, or when a cell fails, the page is
    /// written without figures and says why; `log` gets the same message.
    public static func make(markdown: String, title: String, source: String, layout: RunLayout, output: String,
                            log: (String) -> Void) throws {
        let notebookPath = layout.reportNotebook
        let notebook = NotebookExport.notebook(title: title, source: source, layout: layout,
                                               notebookDirectory: layout.directory)
        try notebook.write(to: notebookPath)
        var figures: [NotebookExecution.Figure] = []
        var note: String?
        do {
            figures = try NotebookExecution.run(notebook: notebookPath, executed: notebookPath)
            note = figures.isEmpty ? "The notebook \(notebookPath) drew no figures." : nil
        } catch let unavailable as NotebookExecution.Unavailable {
            note = "No figures: \(unavailable.description)"
            log("report: \(note!)")
        }
        try write(markdown: markdown, title: title, figures: figures, note: note, to: output)
    }
}
