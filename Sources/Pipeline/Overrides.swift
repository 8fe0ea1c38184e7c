import TOMLKit

/// Settings given on the command line on top of a configuration file: `key` → a TOML literal
/// (`"0.1"`, `"[2, 2]"`, `"\"W\""`).
public typealias ConfigOverrides = [(key: String, literal: String)]

extension ConfigReader {
    /// Parses `text` (may be empty) and applies `overrides`, which win over the file.
    static func table(_ text: String, source: String, overrides: ConfigOverrides = []) throws -> TOMLTable {
        let table = try parse(text, source: source)
        for (key, literal) in overrides {
            let flag = "--\(key.replacingOccurrences(of: "_", with: "-"))"
            guard let single = try? parse("\(key) = \(literal)", source: flag) else {
                throw DysonError.invalidConfiguration(source: flag, message: "'\(literal)' is not a valid value")
            }
            table[key] = single[key]
        }
        return table
    }
}

extension StageConfigFile {
    public static func simulate(_ text: String, source: String, overrides: ConfigOverrides = []) throws -> SimulateConfig {
        try SimulateConfig(ConfigReader(ConfigReader.table(text, source: source, overrides: overrides), source: source, section: ""))
    }
    public static func snapshot(_ text: String, source: String, overrides: ConfigOverrides = []) throws -> SnapshotConfig {
        try SnapshotConfig(ConfigReader(ConfigReader.table(text, source: source, overrides: overrides), source: source, section: ""))
    }
    public static func diagonalise(_ text: String, source: String, overrides: ConfigOverrides = []) throws -> DiagonaliseConfig {
        try DiagonaliseConfig(ConfigReader(ConfigReader.table(text, source: source, overrides: overrides), source: source, section: ""))
    }
    public static func unfold(_ text: String, source: String, overrides: ConfigOverrides = []) throws -> UnfoldConfig {
        try UnfoldConfig(ConfigReader(ConfigReader.table(text, source: source, overrides: overrides), source: source, section: ""))
    }
    public static func fit(_ text: String, source: String, overrides: ConfigOverrides = []) throws -> FitConfig {
        try FitConfig(ConfigReader(ConfigReader.table(text, source: source, overrides: overrides), source: source, section: ""))
    }
}
