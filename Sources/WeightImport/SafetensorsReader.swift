/// Reads `.safetensors` files (the Hugging Face format) natively.
///
/// Layout (github.com/huggingface/safetensors, "Format"): an 8-byte little-endian header length
/// `N`, `N` bytes of UTF-8 JSON mapping each tensor name to `{"dtype", "shape",
/// "data_offsets": [begin, end]}` (offsets relative to the byte buffer after the header) plus an
/// optional `"__metadata__"` string→string map, then the byte buffer.
///
/// Checked before any tensor is copied, as the reference implementation does: `N` ≤ 100 MB and
/// ≤ the file; the header is valid JSON with no duplicate names; each dtype is known; each
/// shape's byte count (overflow-checked) equals `end − begin`; the ranges, sorted, tile the
/// buffer exactly with no gap or overlap. Tensors are little-endian, C order. Float8 types are
/// reported as unsupported.
public struct SafetensorsReader: Sendable {
    public struct TensorInfo: Sendable, Equatable {
        public let name: String
        public let type: ElementType
        public let shape: [Int]
        let range: Range<Int>
    }

    public let file: String
    /// Tensors in header order.
    public let tensors: [TensorInfo]
    /// The `__metadata__` map (empty when absent).
    public let metadata: [String: String]
    let bytes: [UInt8]
    let dataStart: Int

    static let maximumHeaderSize = 100_000_000
    static let dtypes: [String: ElementType] = [
        "BOOL": .bool, "U8": .uint8, "I8": .int8, "U16": .uint16, "I16": .int16, "F16": .float16, "BF16": .bfloat16,
        "U32": .uint32, "I32": .int32, "F32": .float32, "U64": .uint64, "I64": .int64, "F64": .float64,
    ]

    public init(path: String) throws {
        try self.init(bytes: try loadFile(path), file: path)
    }

    public init(bytes: [UInt8], file: String) throws {
        func fail(_ message: String) -> WeightImportError { WeightImportError(file: file, message: message) }
        guard bytes.count >= 8 else { throw fail("not a safetensors file: shorter than its 8-byte header length") }
        let claimed = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
        guard claimed <= UInt64(Self.maximumHeaderSize), Int(claimed) <= bytes.count - 8 else {
            throw fail("header length \(claimed) exceeds the file (\(bytes.count) bytes) or the 100 MB limit")
        }
        let headerEnd = 8 + Int(claimed)
        let json: JSONValue
        do { json = try JSONValue.parse(bytes[8..<headerEnd]) } catch let error as JSONValue.SyntaxError {
            throw fail("header is not valid JSON: \(error)")
        }
        guard case .object(let entries) = json else { throw fail("header is not a JSON object") }
        let bufferSize = bytes.count - headerEnd
        var tensors: [TensorInfo] = []
        var metadata: [String: String] = [:]
        for (name, value) in entries {
            if name == "__metadata__" {
                guard case .object(let pairs) = value else { throw fail("__metadata__ is not an object") }
                for (key, v) in pairs {
                    guard case .string(let s) = v else { throw fail("__metadata__ value '\(key)' is not a string") }
                    metadata[key] = s
                }
                continue
            }
            guard case .object(let fields) = value,
                  case .string(let dtype)? = fields.first(where: { $0.0 == "dtype" })?.1,
                  case .array(let dims)? = fields.first(where: { $0.0 == "shape" })?.1,
                  case .array(let offsets)? = fields.first(where: { $0.0 == "data_offsets" })?.1 else {
                throw fail("tensor '\(name)' lacks dtype, shape or data_offsets")
            }
            guard let type = Self.dtypes[dtype] else { throw fail("tensor '\(name)' has unsupported dtype '\(dtype)'") }
            let shape = try dims.map { d -> Int in
                guard case .integer(let n) = d, n >= 0 else { throw fail("tensor '\(name)' has a shape that is not non-negative integers") }
                return Int(n)
            }
            guard offsets.count == 2, case .integer(let begin) = offsets[0], case .integer(let end) = offsets[1],
                  begin >= 0, begin <= end else {
                throw fail("tensor '\(name)' has invalid data_offsets")
            }
            guard end <= Int64(bufferSize) else {
                throw fail("tensor '\(name)' data [\(begin), \(end)) extends beyond the \(bufferSize)-byte buffer (truncated file?)")
            }
            guard let size = byteCount(shape: shape, elementSize: type.size), size == Int(end - begin) else {
                throw fail("tensor '\(name)' of shape \(shape) and dtype \(dtype) does not fill its \(end - begin) bytes")
            }
            tensors.append(TensorInfo(name: name, type: type, shape: shape, range: Int(begin)..<Int(end)))
        }
        // The ranges must tile the buffer: sorted, each starts where the previous ended.
        var cursor = 0
        for t in tensors.sorted(by: { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }) {
            guard t.range.lowerBound == cursor else {
                throw fail(t.range.lowerBound < cursor ? "tensor '\(t.name)' overlaps another tensor's bytes"
                                                       : "gap in the byte buffer before tensor '\(t.name)'")
            }
            cursor = t.range.upperBound
        }
        guard cursor == bufferSize else { throw fail("\(bufferSize - cursor) bytes after the last tensor") }
        self.file = file
        self.bytes = bytes
        self.dataStart = headerEnd
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor called `name`.
    public func tensor(_ name: String) throws -> NumericArray {
        guard let info = tensors.first(where: { $0.name == name }) else {
            throw WeightImportError(file: file, message: "has no tensor '\(name)'")
        }
        return NumericArray(name: name, type: info.type, shape: info.shape,
                            bytes: Array(bytes[(dataStart + info.range.lowerBound)..<(dataStart + info.range.upperBound)]))
    }

    /// Names of the tensors matching a glob `pattern` (`*` any run of characters, `?` one),
    /// in header order.
    public func names(matching pattern: String) -> [String] {
        tensors.map(\.name).filter { globMatch(pattern, $0) }
    }
}

/// Whether `name` matches the glob `pattern`: `*` matches any (possibly empty) run of
/// characters, `?` exactly one, anything else itself. Linear-time greedy matching with
/// backtracking to the last `*`.
public func globMatch(_ pattern: String, _ name: String) -> Bool {
    let p = Array(pattern), s = Array(name)
    var i = 0, j = 0, star = -1, mark = 0
    while j < s.count {
        if i < p.count, p[i] == "?" || p[i] == s[j] { i += 1; j += 1 }
        else if i < p.count, p[i] == "*" { star = i; mark = j; i += 1 }
        else if star >= 0 { i = star + 1; mark += 1; j = mark }
        else { return false }
    }
    while i < p.count, p[i] == "*" { i += 1 }
    return i == p.count
}
