/// The subset of Python literal syntax that `.npy` headers use: a dict with string keys whose
/// values are strings, `True`/`False`, integer tuples, or (structured dtypes) lists.
///
/// Bounded: it walks the header once, recursion depth ≤ 2, and integers are range-checked, so a
/// malformed header costs at most its own length.
struct PythonLiteralParser {
    enum Value: Equatable {
        case string(String)
        case bool(Bool)
        case tuple([Int])
        case list
        case dict([(String, Value)])

        static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.string(let x), .string(let y)): x == y
            case (.bool(let x), .bool(let y)): x == y
            case (.tuple(let x), .tuple(let y)): x == y
            case (.list, .list): true
            case (.dict(let x), .dict(let y)): x.map(\.0) == y.map(\.0) && zip(x, y).allSatisfy { $0.1 == $1.1 }
            default: false
            }
        }
    }

    struct SyntaxError: Error {}

    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The dict, followed only by whitespace.
    mutating func parseTopLevel() throws -> Value {
        let value = try parseDict()
        skipSpace()
        guard position == bytes.count else { throw SyntaxError() }
        return value
    }

    private mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    }

    private mutating func expect(_ c: UInt8) throws {
        skipSpace()
        guard position < bytes.count, bytes[position] == c else { throw SyntaxError() }
        position += 1
    }

    private mutating func peek() -> UInt8? {
        skipSpace()
        return position < bytes.count ? bytes[position] : nil
    }

    private mutating func parseDict() throws -> Value {
        try expect(UInt8(ascii: "{"))
        var entries: [(String, Value)] = []
        while peek() != UInt8(ascii: "}") {
            let key = try parseString()
            try expect(UInt8(ascii: ":"))
            entries.append((key, try parseValue()))
            if peek() == UInt8(ascii: ",") { position += 1 } else { break }
        }
        try expect(UInt8(ascii: "}"))
        return .dict(entries)
    }

    private mutating func parseValue() throws -> Value {
        switch peek() {
        case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "("): return .tuple(try parseTuple())
        case UInt8(ascii: "["): try skipList(); return .list
        default:
            if consume("True") { return .bool(true) }
            if consume("False") { return .bool(false) }
            throw SyntaxError()
        }
    }

    private mutating func consume(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard bytes.count - position >= w.count, Array(bytes[position..<(position + w.count)]) == w else { return false }
        position += w.count
        return true
    }

    /// A quoted string without escapes (NumPy never writes any in its headers).
    private mutating func parseString() throws -> String {
        skipSpace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "'") || bytes[position] == UInt8(ascii: "\"") else { throw SyntaxError() }
        let quote = bytes[position]
        position += 1
        let start = position
        while position < bytes.count, bytes[position] != quote {
            guard bytes[position] != UInt8(ascii: "\\") else { throw SyntaxError() }
            position += 1
        }
        guard position < bytes.count else { throw SyntaxError() }
        defer { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// `()`, `(3,)`, `(2, 3)`, … of non-negative integers that fit in `Int`.
    private mutating func parseTuple() throws -> [Int] {
        try expect(UInt8(ascii: "("))
        var values: [Int] = []
        while let c = peek(), c != UInt8(ascii: ")") {
            var n = 0, digits = 0
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                let (tens, o1) = n.multipliedReportingOverflow(by: 10)
                let (next, o2) = tens.addingReportingOverflow(Int(bytes[position] - UInt8(ascii: "0")))
                guard !o1, !o2 else { throw SyntaxError() }
                n = next
                digits += 1
                position += 1
            }
            guard digits > 0 else { throw SyntaxError() }
            values.append(n)
            if peek() == UInt8(ascii: ",") { position += 1 } else { break }
        }
        try expect(UInt8(ascii: ")"))
        return values
    }

    /// Skips a (possibly nested) list literal, respecting quotes.
    private mutating func skipList() throws {
        var depth = 0
        var quote: UInt8?
        while position < bytes.count {
            let c = bytes[position]
            position += 1
            if let q = quote { if c == q { quote = nil }; continue }
            switch c {
            case UInt8(ascii: "'"), UInt8(ascii: "\""): quote = c
            case UInt8(ascii: "["), UInt8(ascii: "("): depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return }
            default: break
            }
        }
        throw SyntaxError()
    }
}
