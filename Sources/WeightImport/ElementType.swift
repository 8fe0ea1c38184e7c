/// The numeric element types the readers accept, with their size and conversion to `Double`.
///
/// Every type converts to `Double` exactly except 64-bit integers beyond ±2⁵³ (rounded to the
/// nearest double). Storage is little-endian; big-endian data is rejected by the readers.
public enum ElementType: String, Sendable, Equatable, CaseIterable {
    case bool, int8, uint8, int16, uint16, int32, uint32, int64, uint64
    case float16, bfloat16, float32, float64

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .bool, .int8, .uint8: 1
        case .int16, .uint16, .float16, .bfloat16: 2
        case .int32, .uint32, .float32: 4
        case .int64, .uint64, .float64: 8
        }
    }

    /// The element at byte offset `offset` of `bytes` (little-endian), as a `Double`.
    ///
    /// - Precondition: `offset + size <= bytes.count` (the readers check ranges first).
    @inline(__always)
    func value(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Double {
        switch self {
        case .bool: bytes[offset] == 0 ? 0 : 1
        case .int8: Double(Int8(bitPattern: bytes[offset]))
        case .uint8: Double(bytes[offset])
        case .int16: Double(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
        case .uint16: Double(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
        case .int32: Double(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        case .uint32: Double(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        case .int64: Double(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
        case .uint64: Double(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        case .float16: Self.half(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
        case .bfloat16:
            // bfloat16 is the top half of an IEEE binary32.
            Double(Float(bitPattern: UInt32(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))) << 16))
        case .float32: Double(Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
        case .float64: Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        }
    }

    /// IEEE 754 binary16 → Double, exact: (−1)^s · 2^(e−15) · (1 + m/1024), subnormals
    /// 2^−14 · m/1024, and ±∞/NaN for e = 31.
    static func half(_ bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F), mantissa = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * mantissa * 0x1p-24
        case 31: return mantissa == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mantissa / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
