import Foundation
import Testing
@testable import Pipeline

/// The exported notebook's nbformat structure, the HTML renderer and the figure extraction.
@Suite struct NotebookTests {
    @Test func notebooksAreNbformat45WithStableIdsAndJupyterLineLists() throws {
        let layout = RunLayout(directory: "/work/x/data/ts")
        let notebook = NotebookExport.notebook(title: "T", source: "pipelines/ts.toml", layout: layout,
                                               notebookDirectory: "/work/x/notebooks-export")
        let data = try notebook.jsonData()
        #expect(try notebook.jsonData() == data, "the same export writes the same bytes")
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["nbformat"] as? Int == 4 && object["nbformat_minor"] as? Int == 5)
        let kernel = (object["metadata"] as? [String: Any])?["kernelspec"] as? [String: Any]
        #expect(kernel?["name"] as? String == "python3")
        let cells = try #require(object["cells"] as? [[String: Any]])
        #expect(cells.map { $0["id"] as? String } == cells.indices.map { "cell-\($0)" })
        for cell in cells {
            let source = try #require(cell["source"] as? [String])
            #expect(source.dropLast().allSatisfy { $0.hasSuffix("\n") } && !(source.last ?? "").hasSuffix("\n"))
            if cell["cell_type"] as? String == "code" {
                #expect(cell["execution_count"] is NSNull && (cell["outputs"] as? [Any])?.isEmpty == true)
            }
        }
        let code = cells.filter { $0["cell_type"] as? String == "code" }.map { ($0["source"] as! [String]).joined() }
        #expect(code[0].contains(#"DATA = Path(os.environ.get("DYSON_DATA", "../data/ts"))"#))
        // Every figure the issue asks for has its cell.
        for dataset in ["surmise_density", "scaling_x", "pair_lower", "sample_step", "ks_p_value"] {
            #expect(code.contains { $0.contains(dataset) }, "\(dataset)")
        }
    }

    @Test(arguments: [("/a/b/nb", "/a/b/data/x", "../data/x"), ("/a/b", "/a/b", "."), ("/a/b/c", "/a/b", ".."),
                      ("/a/nb", "/z/data", "../../z/data"), ("/a/./b/../nb", "/a/data", "../data")])
    func relativePaths(from: String, to: String, expected: String) {
        #expect(relativePath(from: from, to: to) == expected)
    }

    @Test func theHTMLReportRendersTheReportsMarkdown() {
        let markdown = """
            # Title <x>

            Some **bold** and `code <y>` text,
            continued.

            | a | b |
            |---|---|
            | 1 & 2 | **tension** |

            ```
              s  P(s)
            ```
            """
        let figure = NotebookExecution.Figure(section: "Wigner surmise", pngBase64: "iVBORw0KGgo=")
        let page = HTMLReport.render(markdown: markdown, title: "T", figures: [figure], note: nil)
        #expect(page.contains("<h1>Title &lt;x&gt;</h1>"))
        #expect(page.contains("<p>Some <strong>bold</strong> and <code>code &lt;y&gt;</code> text, continued.</p>"))
        #expect(page.contains("<table>\n<tr><th>a</th><th>b</th></tr>\n<tr><td>1 &amp; 2</td><td><strong>tension</strong></td></tr>\n</table>"))
        #expect(page.contains("<pre>  s  P(s)</pre>"))
        #expect(page.contains("<h3>Wigner surmise</h3>") && page.contains("src=\"data:image/png;base64,iVBORw0KGgo=\""))
        #expect(!page.contains("---"))
    }

    /// Figures are taken from image/png outputs, labelled with the heading above their cell.
    @Test func figuresComeFromPNGOutputsUnderTheirSection() throws {
        let executed: [String: Any] = ["nbformat": 4, "nbformat_minor": 5, "metadata": [String: Any](), "cells": [
            ["cell_type": "markdown", "source": ["## Pair densities\n", "text"]],
            ["cell_type": "code", "source": ["plot()"], "outputs": [
                ["output_type": "stream", "text": ["hello"]],
                ["output_type": "display_data", "data": ["image/png": "AAAA\nBBBB\n", "text/plain": ["<Figure>"]]],
            ]],
            ["cell_type": "markdown", "source": "# Flows"],
            ["cell_type": "code", "source": [], "outputs": [["output_type": "display_data", "data": ["image/png": "CCCC"]]]],
        ]]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dyson-nb-\(UUID().uuidString).ipynb").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try JSONSerialization.data(withJSONObject: executed).write(to: URL(fileURLWithPath: path))
        let figures = try NotebookExecution.figures(inExecuted: path)
        #expect(figures == [.init(section: "Pair densities", pngBase64: "AAAABBBB"), .init(section: "Flows", pngBase64: "CCCC")])
    }

    @Test func aNonNotebookIsBadInputNamingTheFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dyson-nb-\(UUID().uuidString).ipynb").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "not json".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: DysonError.self) { try NotebookExecution.figures(inExecuted: path) }
    }
}
