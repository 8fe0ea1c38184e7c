import Foundation
import HDF5

/// The file schemas of the pipeline stages, their versions and the root attributes every file
/// carries. One place maps Swift names to the snake_case names Python users see.
public enum Schema: String, CaseIterable, Sendable {
    case run = "dyson.run"
    case ensemble = "dyson.ensemble"
    case spectra = "dyson.spectra"
    case unfolded = "dyson.unfolded"
    case fit = "dyson.fit"
    case phase = "dyson.phase"

    /// The version this build writes and the newest it reads.
    public var version: Int64 { 1 }

    /// The stage that writes files of this schema.
    public var stage: String {
        switch self {
        case .run: "simulate"
        case .ensemble: "snapshot"
        case .spectra: "diagonalise"
        case .unfolded: "unfold"
        case .fit: "fit"
        case .phase: "phase"
        }
    }
}

/// The version of this tool, written into every file.
public let dysonVersion = "0.2.1"

/// The root attributes of every dyson file (DESIGN.md, "HDF5 conventions").
public struct FileHeader: Sendable, Equatable {
    public var schema: Schema
    public var schemaVersion: Int64
    public var config: String
    public var inputs: [InputRecord]
    public var created: String
    public var toolVersion: String

    /// A header for a file about to be written now by this build.
    public init(schema: Schema, config: String, inputs: [InputRecord]) {
        self.schema = schema
        self.schemaVersion = schema.version
        self.config = config
        self.inputs = inputs
        self.created = Date.now.formatted(.iso8601)  // (FoundationEssentials: no ICU formatter to load)
        self.toolVersion = dysonVersion
    }

    func write(to file: borrowing File) throws {
        try file.setAttribute("schema", schema.rawValue)
        try file.setAttribute("schema_version", schemaVersion)
        try file.setAttribute("stage", schema.stage)
        try file.setAttribute("dyson_version", toolVersion)
        try file.setAttribute("created", created)
        try file.setAttribute("config", config)
        try file.setAttribute("inputs", inputs.map(\.line))
    }

    /// Reads and checks the header: the file must be a dyson file of `expected` schema and a
    /// version this build understands. Checked before anything else is read.
    static func read(from file: borrowing File, expecting expected: Schema) throws -> FileHeader {
        let path = file.path
        guard file.hasAttribute("schema") else {
            throw DysonError.badInput(file: path, message: "not a dyson file (no 'schema' attribute); expected \(expected.rawValue)")
        }
        let name = try file.attribute("schema", as: String.self)
        guard let schema = Schema(rawValue: name) else {
            throw DysonError.badInput(file: path, message: "schema is '\(name)', expected \(expected.rawValue)")
        }
        guard schema == expected else {
            throw DysonError.badInput(file: path, message: "is a \(schema.rawValue) file (written by '\(schema.stage)'), expected \(expected.rawValue)")
        }
        let version = try file.attribute("schema_version", as: Int64.self)
        guard version <= expected.version else {
            throw DysonError.badInput(file: path, message: "schema_version \(version) is newer than this dyson (\(dysonVersion)) reads (\(expected.version)); upgrade dyson")
        }
        var header = FileHeader(schema: schema, config: try file.attribute("config", as: String.self),
                                inputs: try file.stringArrayAttribute("inputs").map { try InputRecord(line: $0, file: path) })
        header.schemaVersion = version
        header.created = try file.attribute("created", as: String.self)
        header.toolVersion = try file.attribute("dyson_version", as: String.self)
        return header
    }
}
