/// A strict, bounded JSON (RFC 8259) parser for safetensors headers.
///
/// Unlike Foundation's `JSONSerialization` it rejects duplicate object keys (which would
/// otherwise make two tensors with one name silently collapse), limits nesting to 64 levels,
/// and keeps integers exact (`Int64`, overflow is an error), so a header's shapes and offsets are
/// read without rounding.
enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.integer(let x), .integer(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.map(\.0) == y.map(\.0) && zip(x, y).allSatisfy { $0.1 == $1.1 }
        default: false
        }
    }

    /// Why parsing stopped, with the byte offset.
    struct SyntaxError: Error, CustomStringConvertible {
        let offset: Int
        let message: String
        var description: String { "\(message) at byte \(offset)" }
    }

    /// Parses one JSON value filling `bytes` (surrounding whitespace allowed).
    static func parse(_ bytes: ArraySlice<UInt8>) throws -> JSONValue {
        var parser = Parser(bytes: bytes)
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.position == bytes.endIndex else { throw parser.error("trailing characters") }
        return value
    }

    private struct Parser {
        let bytes: ArraySlice<UInt8>
        var position: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            self.position = bytes.startIndex
        }

        func error(_ message: String) -> SyntaxError { SyntaxError(offset: position - bytes.startIndex, message: message) }

        mutating func skipSpace() {
            while position < bytes.endIndex, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < 64 else { throw error("nesting deeper than 64") }
            skipSpace()
            guard position < bytes.endIndex else { throw error("unexpected end") }
            switch bytes[position] {
            case UInt8(ascii: "{"):
                position += 1
                var entries: [(String, JSONValue)] = []
                var keys = Set<String>()
                skipSpace()
                if position < bytes.endIndex, bytes[position] == UInt8(ascii: "}") { position += 1; return .object([]) }
                while true {
                    skipSpace()
                    let key = try string()
                    guard keys.insert(key).inserted else { throw error("duplicate key \"\(key)\"") }
                    skipSpace()
                    try expect(UInt8(ascii: ":"))
                    entries.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    if try separator(closing: UInt8(ascii: "}")) { return .object(entries) }
                }
            case UInt8(ascii: "["):
                position += 1
                var items: [JSONValue] = []
                skipSpace()
                if position < bytes.endIndex, bytes[position] == UInt8(ascii: "]") { position += 1; return .array([]) }
                while true {
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    if try separator(closing: UInt8(ascii: "]")) { return .array(items) }
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return try number()
            }
        }

        /// Consumes `,` (returns false) or `closing` (returns true).
        mutating func separator(closing: UInt8) throws -> Bool {
            guard position < bytes.endIndex else { throw error("unexpected end") }
            let c = bytes[position]
            position += 1
            if c == UInt8(ascii: ",") { return false }
            if c == closing { return true }
            throw error("expected ',' or '\(Character(Unicode.Scalar(closing)))'")
        }

        mutating func expect(_ c: UInt8) throws {
            guard position < bytes.endIndex, bytes[position] == c else { throw error("expected '\(Character(Unicode.Scalar(c)))'") }
            position += 1
        }

        mutating func literal(_ word: String) throws {
            for c in word.utf8 { try expect(c) }
        }

        mutating func string() throws -> String {
            try expect(UInt8(ascii: "\""))
            var out: [UInt8] = []
            while true {
                guard position < bytes.endIndex else { throw error("unterminated string") }
                let c = bytes[position]
                position += 1
                switch c {
                case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
                case 0..<0x20: throw error("control character in string")
                case UInt8(ascii: "\\"):
                    guard position < bytes.endIndex else { throw error("unterminated escape") }
                    let e = bytes[position]
                    position += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800..<0xDC00).contains(scalar) {  // high surrogate: a low one must follow
                            try expect(UInt8(ascii: "\\"))
                            try expect(UInt8(ascii: "u"))
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                        out.append(contentsOf: Array(String(Character(u)).utf8))
                    default: throw error("invalid escape")
                    }
                default: out.append(c)
                }
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard bytes.endIndex - position >= 4 else { throw error("short \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[position]
                position += 1
                let d: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
                default: throw error("bad hex digit")
                }
                v = v << 4 | UInt32(d)
            }
            return v
        }

        /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`; integers stay exact.
        mutating func number() throws -> JSONValue {
            let start = position
            func digits() -> Int {
                let s = position
                while position < bytes.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
                return position - s
            }
            if position < bytes.endIndex, bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw error("invalid value") }
            var isInteger = true
            if position < bytes.endIndex, bytes[position] == UInt8(ascii: ".") {
                position += 1
                isInteger = false
                guard digits() > 0 else { throw error("invalid number") }
            }
            if position < bytes.endIndex, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                isInteger = false
                if position < bytes.endIndex, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { throw error("invalid number") }
            }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            if isInteger {
                guard let i = Int64(text) else { throw error("integer out of range") }
                return .integer(i)
            }
            guard let d = Double(text) else { throw error("invalid number") }
            return .number(d)
        }
    }
}
