import CHDF5

/// What a dataset or attribute holds on disk, in the words error messages use.
enum StoredType: Equatable {
    /// An integer or floating-point type; the scalar type is nil for sizes without a case here
    /// (int16, uint32, float16 ...), which HDF5 can still convert on reading.
    case number(HDF5ScalarType?, name: String)
    /// A fixed- or variable-length string.
    case string
    /// Anything else: compound, enum (h5py booleans), array, opaque, reference ...
    case other(name: String)

    /// "float64", "a string", "compound".
    var name: String {
        switch self {
        case .number(_, let name), .other(let name): name
        case .string: "a string"
        }
    }

    /// Classifies the datatype `type` (a file type from `H5Dget_type` or `H5Aget_type`).
    init(_ type: hid_t, _ context: ErrorContext) throws {
        // The enum results are checked through their raw values: -1 means failure.
        let typeClass = H5T_class_t(rawValue: try context.check("H5Tget_class", H5Tget_class(type).rawValue))
        switch typeClass {
        case H5T_INTEGER:
            let bits = try context.check("H5Tget_size", Self.size(of: type)) * 8
            let sign = H5T_sign_t(rawValue: try context.check("H5Tget_sign", H5Tget_sign(type).rawValue))
            let signed = sign != H5T_SGN_NONE
            let name = (signed ? "int" : "uint") + String(bits)
            self = .number(HDF5ScalarType(rawValue: name), name: name)
        case H5T_FLOAT:
            let name = "float" + String(try context.check("H5Tget_size", Self.size(of: type)) * 8)
            self = .number(HDF5ScalarType(rawValue: name), name: name)
        case H5T_STRING:
            self = .string
        case H5T_COMPOUND: self = .other(name: "compound")
        case H5T_ENUM: self = .other(name: "enum")
        case H5T_ARRAY: self = .other(name: "array")
        case H5T_VLEN: self = .other(name: "variable-length sequence")
        case H5T_OPAQUE: self = .other(name: "opaque")
        case H5T_BITFIELD: self = .other(name: "bitfield")
        case H5T_REFERENCE: self = .other(name: "reference")
        case H5T_TIME: self = .other(name: "time")
        default: self = .other(name: "HDF5 class \(typeClass.rawValue)")
        }
    }

    /// `H5Tget_size` returns 0 on failure; this maps that to -1 so `check` sees a failure.
    static func size(of type: hid_t) -> Int {
        let size = H5Tget_size(type)
        return size == 0 ? -1 : Int(size)
    }
}
