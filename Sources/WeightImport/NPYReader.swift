import Foundation

/// Reads NumPy `.npy` files (format versions 1.0, 2.0 and 3.0) natively, without Python.
///
/// Layout (NumPy NEP 1, `numpy.lib.format`): the magic `\x93NUMPY`, major and minor version
/// bytes, the header length (little-endian `UInt16` for 1.0, `UInt32` for 2.0/3.0), an ASCII
/// (3.0: UTF-8) Python dict literal `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`
/// padded with spaces and a newline, then the raw elements.
///
/// Accepted: little-endian (or byte-order-free) bool, signed/unsigned integers of 1–8 bytes and
/// floats of 2, 4, 8 bytes, in C or Fortran order (Fortran arrays are reordered to C order).
/// Rejected with a ``WeightImportError``: a wrong magic, truncated data or header, a header that is
/// not exactly that dict, big-endian, structured, string, object or complex dtypes, shapes whose
/// byte count overflows or differs from the data present.
public enum NPYReader {
    /// Reads the `.npy` file at `path`.
    public static func read(path: String, name: String = "") throws -> NumericArray {
        try parse(try loadFile(path), name: name, file: path)
    }

    /// Parses `.npy` bytes; `file` names the source in errors.
    public static func parse(_ bytes: [UInt8], name: String = "", file: String) throws -> NumericArray {
        func fail(_ message: String) -> WeightImportError { WeightImportError(file: file, message: message) }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("not a .npy file (bad magic)") }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated .npy header") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw fail(".npy format version \(major).\(bytes[7]) is not supported (1.0, 2.0, 3.0 are)")
        }
        guard headerLength <= bytes.count - headerStart else {
            throw fail("header claims \(headerLength) bytes but only \(bytes.count - headerStart) follow")
        }
        let header = Array(bytes[headerStart..<(headerStart + headerLength)])
        let (type, fortranOrder, shape) = try parseHeader(header, fail: fail)
        let dataStart = headerStart + headerLength
        guard let size = byteCount(shape: shape, elementSize: type.size) else {
            throw fail("shape \(shape) is too large")
        }
        let present = bytes.count - dataStart
        guard size == present else {
            throw fail(size > present ? "truncated: shape \(shape) of \(type) needs \(size) data bytes, \(present) present"
                                      : "\(present - size) bytes beyond the \(size) data bytes of shape \(shape)")
        }
        var data = Array(bytes[dataStart...])
        if fortranOrder && shape.count > 1 { data = cOrder(fromFortran: data, shape: shape, elementSize: type.size) }
        return NumericArray(name: name, type: type, shape: shape, bytes: data)
    }

    /// Parses the header dict into (element type, Fortran order, shape).
    static func parseHeader(_ header: [UInt8], fail: (String) -> WeightImportError) throws -> (ElementType, Bool, [Int]) {
        var parser = PythonLiteralParser(bytes: header)
        guard case .dict(let entries)? = try? parser.parseTopLevel() else {
            throw fail("header is not a Python dict literal")
        }
        var seen = Set<String>()
        var descr: String?, fortran: Bool?, shape: [Int]?
        for (key, value) in entries {
            guard seen.insert(key).inserted else { throw fail("header repeats the key '\(key)'") }
            switch (key, value) {
            case ("descr", .string(let s)): descr = s
            case ("descr", .list): throw fail("structured dtypes are not supported; save a plain numeric array")
            case ("fortran_order", .bool(let b)): fortran = b
            case ("shape", .tuple(let dims)): shape = dims
            default: throw fail("unexpected header entry '\(key)'")
            }
        }
        guard let descr, let fortran, let shape else { throw fail("header lacks descr, fortran_order or shape") }
        return (try elementType(descr: descr, fail: fail), fortran, shape)
    }

    /// The element type of a NumPy type string such as `<f8`, `|u1`, `<i4`.
    static func elementType(descr: String, fail: (String) -> WeightImportError) throws -> ElementType {
        let chars = Array(descr.utf8)
        guard chars.count >= 3, let order = chars.first, let kind = chars.dropFirst().first,
              let width = Int(String(decoding: chars.dropFirst(2), as: UTF8.self)) else {
            throw fail("dtype '\(descr)' is not a numeric type string")
        }
        let type: ElementType? = switch (kind, width) {
        case (UInt8(ascii: "b"), 1): .bool
        case (UInt8(ascii: "i"), 1): .int8
        case (UInt8(ascii: "u"), 1): .uint8
        case (UInt8(ascii: "i"), 2): .int16
        case (UInt8(ascii: "u"), 2): .uint16
        case (UInt8(ascii: "i"), 4): .int32
        case (UInt8(ascii: "u"), 4): .uint32
        case (UInt8(ascii: "i"), 8): .int64
        case (UInt8(ascii: "u"), 8): .uint64
        case (UInt8(ascii: "f"), 2): .float16
        case (UInt8(ascii: "f"), 4): .float32
        case (UInt8(ascii: "f"), 8): .float64
        default: nil
        }
        guard let type else { throw fail("dtype '\(descr)' is not a supported numeric type (bool, int, uint, float16/32/64)") }
        switch order {
        case UInt8(ascii: "<"), UInt8(ascii: "|"), UInt8(ascii: "="): return type
        case UInt8(ascii: ">") where type.size == 1: return type
        case UInt8(ascii: ">"): throw fail("dtype '\(descr)' is big-endian; save with arr.astype('<\(descr.dropFirst())')")
        default: throw fail("dtype '\(descr)' has an unknown byte order")
        }
    }

    /// Reorders elements stored column-major (first axis fastest) into row-major order.
    static func cOrder(fromFortran data: [UInt8], shape: [Int], elementSize: Int) -> [UInt8] {
        let count = data.count / elementSize
        var fortranStrides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { fortranStrides[axis] = fortranStrides[axis - 1] * shape[axis - 1] }
        var out = [UInt8](repeating: 0, count: data.count)
        var index = [Int](repeating: 0, count: shape.count)  // C-order multi-index of element c
        for c in 0..<count {
            var source = 0
            for axis in shape.indices { source += index[axis] * fortranStrides[axis] }
            for b in 0..<elementSize { out[c * elementSize + b] = data[source * elementSize + b] }
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return out
    }
}

/// A whole file as bytes; a missing or unreadable file is a ``WeightImportError``.
func loadFile(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw WeightImportError(file: path, message: "no such file or not readable")
    }
    return [UInt8](data)
}
