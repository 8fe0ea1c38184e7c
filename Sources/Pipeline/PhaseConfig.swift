/// Configuration of `phase`, the phase-diagram stage of the tanh network (SPEC §2.4).
///
/// ```toml
/// [phase]
/// write_tables = false   # also store each seed's frozen features and read-out, for
///                        # independent recomputation (e.g. in NumPy); large at paper scale
/// ```
public struct PhaseConfig: Sendable, Equatable {
    public var writeTables = false

    public init() {}

    init(_ r: ConfigReader) throws {
        writeTables = try r.bool("write_tables", default: writeTables)
        try r.finish()
    }

    public var toml: String { canonicalTOML(["write_tables": writeTables]) }
}

extension StageConfigFile {
    public static func phase(_ text: String, source: String, overrides: ConfigOverrides = []) throws -> PhaseConfig {
        try PhaseConfig(ConfigReader(ConfigReader.table(text, source: source, overrides: overrides), source: source, section: ""))
    }
}
