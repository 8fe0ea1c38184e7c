import CHDF5

/// The numeric element types this module reads and writes, named like NumPy dtypes.
public enum HDF5ScalarType: String, Sendable {
    case float64, float32, int64, uint64, int32, uint8

    /// The HDF5 native type with the same in-memory layout (a library constant, never closed).
    /// Read under `LibraryLock` because the `H5T_NATIVE_*` macros call `H5open()`.
    var nativeType: hid_t {
        LibraryLock.run {
            switch self {
            case .float64: chdf5_native_double()
            case .float32: chdf5_native_float()
            case .int64: chdf5_native_int64()
            case .uint64: chdf5_native_uint64()
            case .int32: chdf5_native_int32()
            case .uint8: chdf5_native_uint8()
            }
        }
    }

    /// Bytes per element.
    var byteCount: Int {
        switch self {
        case .float64, .int64, .uint64: 8
        case .float32, .int32: 4
        case .uint8: 1
        }
    }
}

/// A Swift type whose values are stored as one HDF5 numeric element.
///
/// Conforming types must have exactly the memory layout of their `hdf5ScalarType`; the I/O
/// functions check the stride with a precondition.
public protocol HDF5Scalar: Sendable {
    static var hdf5ScalarType: HDF5ScalarType { get }
}

extension Double: HDF5Scalar { public static var hdf5ScalarType: HDF5ScalarType { .float64 } }
extension Float: HDF5Scalar { public static var hdf5ScalarType: HDF5ScalarType { .float32 } }
extension Int64: HDF5Scalar { public static var hdf5ScalarType: HDF5ScalarType { .int64 } }
extension UInt64: HDF5Scalar { public static var hdf5ScalarType: HDF5ScalarType { .uint64 } }
extension Int32: HDF5Scalar { public static var hdf5ScalarType: HDF5ScalarType { .int32 } }
extension UInt8: HDF5Scalar { public static var hdf5ScalarType: HDF5ScalarType { .uint8 } }

extension HDF5Scalar {
    /// The native type for `Self`, after checking that `Self` really has that layout.
    static var checkedNativeType: hid_t {
        precondition(
            MemoryLayout<Self>.stride == hdf5ScalarType.byteCount,
            "\(Self.self) has stride \(MemoryLayout<Self>.stride) but claims HDF5 type \(hdf5ScalarType)")
        return hdf5ScalarType.nativeType
    }
}
