import TOMLKit

/// Strict, typed access to one table of a TOML configuration.
///
/// Every key read is marked as used and `finish()` rejects the rest, so a misspelt option is an
/// error instead of a silently ignored setting. Integers are accepted where floats are expected
/// (`learning_rate = 1`). Errors name the file, the table and the key.
final class ConfigReader {
    let table: TOMLTable
    let source: String
    let section: String
    private var used: Set<String> = []

    init(_ table: TOMLTable, source: String, section: String) {
        self.table = table
        self.source = source
        self.section = section
    }

    /// Parses TOML text; `source` names it in errors. A file that is not TOML is bad input data.
    static func parse(_ text: String, source: String) throws -> TOMLTable {
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw DysonError.badInput(file: source, message: "invalid TOML at line \(error.source.begin.line): \(error.description)")
        }
    }

    func invalid(_ key: String, _ message: String) -> DysonError {
        .invalidConfiguration(source: source, message: "\(qualified(key)) \(message)")
    }

    private func qualified(_ key: String) -> String { section.isEmpty ? key : "\(section).\(key)" }

    private func value(_ key: String) -> TOMLValueConvertible? {
        used.insert(key)
        return table[key]
    }

    func double(_ key: String, default fallback: Double) throws -> Double {
        guard let v = value(key) else { return fallback }
        if let d = v.double, d.isFinite { return d }
        if let i = v.int { return Double(i) }
        throw invalid(key, "must be a finite number")
    }

    func int(_ key: String, default fallback: Int) throws -> Int {
        guard let v = value(key) else { return fallback }
        guard let i = v.int else { throw invalid(key, "must be an integer") }
        return i
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let v = value(key) else { return fallback }
        guard let b = v.bool else { throw invalid(key, "must be true or false") }
        return b
    }

    func string(_ key: String, default fallback: String) throws -> String {
        guard let v = value(key) else { return fallback }
        guard let s = v.string else { throw invalid(key, "must be a string") }
        return s
    }

    /// A string from a fixed set of choices; the error lists them.
    func choice(_ key: String, default fallback: String, allowed: [String]) throws -> String {
        let s = try string(key, default: fallback)
        guard allowed.contains(s) else {
            throw invalid(key, "is \"\(s)\"; allowed: \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        return s
    }

    func doubles(_ key: String, default fallback: [Double]) throws -> [Double] {
        guard let v = value(key) else { return fallback }
        guard let array = v.array else { throw invalid(key, "must be an array of numbers") }
        return try (0..<array.count).map { i in
            if let d = array[i].double, d.isFinite { return d }
            if let n = array[i].int { return Double(n) }
            throw invalid(key, "must be an array of finite numbers")
        }
    }

    func ints(_ key: String, default fallback: [Int]) throws -> [Int] {
        guard let v = value(key) else { return fallback }
        guard let array = v.array else { throw invalid(key, "must be an array of integers") }
        return try (0..<array.count).map { i in
            guard let n = array[i].int else { throw invalid(key, "must be an array of integers") }
            return n
        }
    }

    func strings(_ key: String, default fallback: [String]) throws -> [String] {
        guard let v = value(key) else { return fallback }
        guard let array = v.array else { throw invalid(key, "must be an array of strings") }
        return try (0..<array.count).map { i in
            guard let s = array[i].string else { throw invalid(key, "must be an array of strings") }
            return s
        }
    }

    /// An array of integer pairs such as `[[0, 1], [2, 3]]`.
    func intPairs(_ key: String, default fallback: [[Int]]) throws -> [[Int]] {
        guard let v = value(key) else { return fallback }
        guard let array = v.array else { throw invalid(key, "must be an array of [i, j] pairs") }
        return try (0..<array.count).map { i in
            guard let pair = array[i].array, pair.count == 2, let a = pair[0].int, let b = pair[1].int else {
                throw invalid(key, "must be an array of [i, j] pairs of integers")
            }
            return [a, b]
        }
    }

    /// A raw non-empty array (e.g. the values of a sweep), marked as used.
    func array(_ key: String) throws -> TOMLArray {
        guard let array = value(key)?.array, array.count > 0 else { throw invalid(key, "must be a non-empty array") }
        return array
    }

    /// A nested table, or nil when absent.
    func subtable(_ key: String) throws -> ConfigReader? {
        guard let v = value(key) else { return nil }
        guard let t = v.table else { throw invalid(key, "must be a table") }
        return ConfigReader(t, source: source, section: qualified(key))
    }

    /// A nested table, or an empty one when absent (so every default applies).
    func section(_ key: String) throws -> ConfigReader {
        try subtable(key) ?? ConfigReader(TOMLTable(), source: source, section: qualified(key))
    }

    /// Rejects keys that no reader asked for.
    func finish() throws {
        let unknown = table.keys.filter { !used.contains($0) }.sorted()
        guard unknown.isEmpty else {
            let names = unknown.map(qualified).joined(separator: ", ")
            throw DysonError.invalidConfiguration(source: source, message: "unknown key\(unknown.count > 1 ? "s" : "") \(names)")
        }
    }

    /// Throws `invalid(key, message)` unless `condition` holds.
    func require(_ condition: Bool, _ key: String, _ message: String) throws {
        if !condition { throw invalid(key, message) }
    }
}

/// Canonical TOML text of a configuration: the form stored in every output's `config`
/// attribute and compared to decide whether a stage is up to date.
func canonicalTOML(_ entries: [String: TOMLValueConvertible]) -> String {
    TOMLTable(entries).convert(to: .toml)
}
