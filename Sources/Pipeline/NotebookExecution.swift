import Foundation

/// Executes a notebook with nbclient (a Python 3 subprocess) and collects the PNG figures it
/// produced, for the HTML report.
public enum NotebookExecution {
    /// A figure: the PNG bytes (base64, as nbformat stores them) and the heading of the section
    /// it was drawn in.
    public struct Figure: Sendable, Equatable {
        public var section: String
        public var pngBase64: String
    }

    /// Why figures could not be made, worded for the person reading the report's stderr.
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The Python modules execution needs (`make deps` installs them).
    static let modules = ["nbclient", "nbformat", "ipykernel", "matplotlib", "h5py", "numpy"]

    /// Runs every cell of `notebook` with its directory as working directory, writes the
    /// executed notebook (outputs included) to `executed`, and returns its figures in order.
    /// Throws `Unavailable` when python3 or a module is missing or a cell fails.
    public static func run(notebook: String, executed: String, timeout: Int = 600) throws -> [Figure] {
        let check = try python(["-c", "import " + modules.joined(separator: ", ")])
        guard check.status == 0 else {
            throw Unavailable(description: "figures need Python 3 with \(modules.joined(separator: ", ")) "
                              + "(`make deps`, or pip install nbclient nbformat ipykernel matplotlib): \(lastLine(check.stderr))")
        }
        let script = """
            import sys, os, nbformat
            from nbclient import NotebookClient
            notebook = nbformat.read(sys.argv[1], as_version=4)
            client = NotebookClient(notebook, timeout=int(sys.argv[3]), kernel_name="python3",
                                    resources={"metadata": {"path": os.path.dirname(os.path.abspath(sys.argv[1]))}})
            try:
                client.execute()
            finally:
                nbformat.write(notebook, sys.argv[2])
            """
        try AtomicOutput.write(executed) { temporary in
            let result = try python(["-c", script, notebook, temporary, String(timeout)])
            guard result.status == 0 else {
                throw Unavailable(description: "executing \(notebook) failed: \(lastLine(result.stderr))")
            }
        }
        return try figures(inExecuted: executed)
    }

    /// The `image/png` outputs of an executed notebook, each with the latest Markdown heading
    /// above its cell.
    public static func figures(inExecuted path: String) throws -> [Figure] {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cells = object["cells"] as? [[String: Any]] else {
            throw DysonError.badInput(file: path, message: "not an nbformat 4 notebook (JSON with a 'cells' list)")
        }
        var section = ""
        var figures: [Figure] = []
        for cell in cells {
            let source = (cell["source"] as? [String])?.joined() ?? (cell["source"] as? String) ?? ""
            if cell["cell_type"] as? String == "markdown",
               let heading = source.split(separator: "\n").first(where: { $0.hasPrefix("#") }) {
                section = heading.drop { $0 == "#" || $0 == " " }.description
            }
            for output in cell["outputs"] as? [[String: Any]] ?? [] {
                guard let bundle = output["data"] as? [String: Any] else { continue }
                let png = (bundle["image/png"] as? String) ?? (bundle["image/png"] as? [String])?.joined()
                if let png { figures.append(Figure(section: section, pngBase64: png.filter { !$0.isWhitespace })) }
            }
        }
        return figures
    }

    private static func python(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Unavailable(description: "figures need python3, which cannot be started: \(error.localizedDescription)")
        }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    private static func lastLine(_ text: String) -> String {
        text.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(String.init) ?? "no message"
    }
}
