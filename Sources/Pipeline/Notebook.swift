import Foundation

/// A Jupyter notebook in nbformat 4.5 (https://nbformat.readthedocs.io/en/latest/format_description.html),
/// written as JSON by Foundation: no Python is needed to export one, only to execute it.
///
/// Cells carry deterministic ids (`cell-0`, `cell-1`, …) so that exporting the same pipeline
/// twice writes byte-identical files (and a notebook under version control diffs cleanly).
public struct Notebook: Sendable, Equatable {
    public enum Cell: Sendable, Equatable {
        case markdown(String)
        case code(String)
    }

    public var cells: [Cell]

    public init(cells: [Cell]) { self.cells = cells }

    /// The nbformat 4.5 document: a Python 3 kernel, each cell's source as a list of lines that
    /// keep their line endings (Jupyter's own layout), code cells unexecuted.
    public func jsonObject() -> [String: Any] {
        let cellObjects: [[String: Any]] = cells.enumerated().map { index, cell in
            var object: [String: Any] = ["id": "cell-\(index)", "metadata": [String: Any]()]
            switch cell {
            case .markdown(let text):
                object["cell_type"] = "markdown"
                object["source"] = Self.lines(text)
            case .code(let text):
                object["cell_type"] = "code"
                object["source"] = Self.lines(text)
                object["execution_count"] = NSNull()
                object["outputs"] = [Any]()
            }
            return object
        }
        return [
            "nbformat": 4, "nbformat_minor": 5, "cells": cellObjects,
            "metadata": [
                "kernelspec": ["name": "python3", "display_name": "Python 3", "language": "python"],
                "language_info": ["name": "python"],
            ] as [String: Any],
        ]
    }

    /// Pretty-printed JSON with sorted keys (stable output) and a final newline.
    public func jsonData() throws -> Data {
        var data = try JSONSerialization.data(withJSONObject: jsonObject(), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        return data
    }

    /// Writes the notebook atomically (temporary name, then rename).
    public func write(to path: String) throws {
        let data = try jsonData()
        try AtomicOutput.write(path) { temporary in
            guard FileManager.default.createFile(atPath: temporary, contents: data) else {
                throw DysonError.failure(message: "\(path): cannot write the notebook")
            }
        }
    }

    /// "a\nb" → ["a\n", "b"]: every line but the last keeps its newline.
    static func lines(_ text: String) -> [String] {
        let parts = text.components(separatedBy: "\n")
        return parts.enumerated().compactMap { index, line in
            index == parts.count - 1 ? (line.isEmpty ? nil : line) : line + "\n"
        }
    }
}
