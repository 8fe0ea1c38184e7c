import CHDF5

/// A dataset or an attribute seen as an array of elements: the type checks, size checks and
/// buffer handling that reading and writing the two share.
///
/// It borrows the identifier of the `Dataset` or attribute `Handle` that owns it and must not
/// outlive that owner; it is created inside one method call and dropped before it returns.
struct ElementStore {
    enum Kind { case dataset, attribute }

    let id: hid_t
    let kind: Kind
    let context: ErrorContext

    private var noun: String { kind == .dataset ? "dataset" : "attribute" }

    func datatype() throws -> Handle {
        switch kind {
        case .dataset: try Handle(.datatype, "H5Dget_type", context, H5Dget_type(id))
        case .attribute: try Handle(.datatype, "H5Aget_type", context, H5Aget_type(id))
        }
    }

    func dataspace() throws -> Handle {
        switch kind {
        case .dataset: try Handle(.dataspace, "H5Dget_space", context, H5Dget_space(id))
        case .attribute: try Handle(.dataspace, "H5Aget_space", context, H5Aget_space(id))
        }
    }

    /// The number of elements in the whole dataset or attribute.
    func elementCount() throws -> Int {
        let space = try dataspace()
        return try Dataspace.elementCount(of: space.id, context)
    }

    // MARK: Numbers

    /// Reads `count` elements converted by HDF5 to `T`. The selections default to everything
    /// (`H5S_ALL`); attributes only support everything.
    func readNumbers<T: HDF5Scalar>(
        as type: T.Type, count: Int, memorySpace: hid_t = chdf5_all(), fileSpace: hid_t = chdf5_all(),
        function: String
    ) throws -> [T] {
        let stored = try storedType()
        guard case .number = stored else {
            throw context.error(function, "\(noun) is \(stored.name), expected \(T.hdf5ScalarType.rawValue)")
        }
        let memoryType = T.checkedNativeType
        guard count > 0 else { return [] }
        guard !count.multipliedReportingOverflow(by: MemoryLayout<T>.stride).overflow else {
            throw context.error(function, "\(count) elements of \(T.hdf5ScalarType.rawValue) do not fit in memory")
        }
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            try readRaw(memoryType, UnsafeMutableRawPointer(buffer.baseAddress!),
                        memorySpace: memorySpace, fileSpace: fileSpace)
            initialized = count
        }
    }

    /// Writes `values`, converted by HDF5 from `T` to the stored type.
    func writeNumbers<T: HDF5Scalar>(
        _ values: [T], memorySpace: hid_t = chdf5_all(), fileSpace: hid_t = chdf5_all(), function: String
    ) throws {
        let stored = try storedType()
        guard case .number = stored else {
            throw context.error(function, "\(noun) is \(stored.name), cannot write \(T.hdf5ScalarType.rawValue) values")
        }
        let memoryType = T.checkedNativeType
        guard !values.isEmpty else { return }
        try values.withUnsafeBytes { bytes in
            try writeRaw(memoryType, bytes.baseAddress!, memorySpace: memorySpace, fileSpace: fileSpace)
        }
    }

    // MARK: Strings

    /// Reads every element of a fixed- or variable-length string dataset or attribute.
    /// Bytes are decoded as UTF-8 (invalid sequences become U+FFFD), whatever the stored
    /// character set says, since ASCII is a subset of UTF-8.
    func readStrings(function: String) throws -> [String] {
        let fileType = try datatype()
        let stored = try StoredType(fileType.id, context)
        guard stored == .string else {
            throw context.error(function, "\(noun) is \(stored.name), expected a string")
        }
        let count = try elementCount()
        guard count > 0 else { return [] }
        if try context.check("H5Tis_variable_str", H5Tis_variable_str(fileType.id)) > 0 {
            return try readVariableStrings(count: count, fileType: fileType.id)
        }
        return try readFixedStrings(count: count, fileType: fileType.id, function: function)
    }

    private func readVariableStrings(count: Int, fileType: hid_t) throws -> [String] {
        // Keep the stored character set so HDF5 has no conversion to refuse.
        let cset = H5T_cset_t(rawValue: try context.check("H5Tget_cset", H5Tget_cset(fileType).rawValue))
        let memoryType = try StringTypes.variableLength(cset, context)
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        // The library allocates each string; a null pointer is an empty string (h5py writes them).
        defer { LibraryLock.run { for pointer in pointers { if let pointer { H5free_memory(pointer) } } } }
        try pointers.withUnsafeMutableBytes { bytes in
            try readRaw(memoryType.id, bytes.baseAddress!)
        }
        return pointers.map { pointer in pointer.map { String(cString: $0) } ?? "" }
    }

    private func readFixedStrings(count: Int, fileType: hid_t, function: String) throws -> [String] {
        let size = try context.check("H5Tget_size", StoredType.size(of: fileType))
        let (total, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow else {
            throw context.error(function, "\(count) strings of \(size) bytes do not fit in memory")
        }
        let padding = H5T_str_t(rawValue: try context.check("H5Tget_strpad", H5Tget_strpad(fileType).rawValue))
        let memoryType = try Handle(.datatype, "H5Tcopy", context, H5Tcopy(fileType))
        var bytes = [UInt8](repeating: 0, count: total)
        try bytes.withUnsafeMutableBytes { buffer in
            try readRaw(memoryType.id, buffer.baseAddress!)
        }
        return (0..<count).map { index in
            var element = bytes[(index * size)..<((index + 1) * size)]
            // Null-terminated and null-padded strings end at the first NUL; space-padded ones
            // (Fortran) lose their trailing blanks.
            if let end = element.firstIndex(of: 0) { element = element[..<end] }
            if padding == H5T_STR_SPACEPAD {
                while element.last == UInt8(ascii: " ") { element = element.dropLast() }
            }
            return String(decoding: element, as: UTF8.self)
        }
    }

    /// Writes `values` as variable-length UTF-8 strings. A string is cut at an embedded NUL.
    func writeStrings(_ values: [String], function: String) throws {
        let stored = try storedType()
        guard stored == .string else {
            throw context.error(function, "\(noun) is \(stored.name), cannot write strings")
        }
        guard !values.isEmpty else { return }
        let memoryType = try StringTypes.variableLength(H5T_CSET_UTF8, context)
        // One contiguous buffer of NUL-terminated strings and an array of pointers into it.
        var storage: [CChar] = []
        var offsets: [Int] = []
        for value in values {
            offsets.append(storage.count)
            storage.append(contentsOf: value.utf8CString)
        }
        try storage.withUnsafeBufferPointer { base in
            let pointers: [UnsafePointer<CChar>?] = offsets.map { base.baseAddress! + $0 }
            try pointers.withUnsafeBytes { bytes in
                try writeRaw(memoryType.id, bytes.baseAddress!)
            }
        }
    }

    // MARK: Raw calls

    private func storedType() throws -> StoredType {
        let type = try datatype()
        return try StoredType(type.id, context)
    }

    private func readRaw(
        _ memoryType: hid_t, _ buffer: UnsafeMutableRawPointer,
        memorySpace: hid_t = chdf5_all(), fileSpace: hid_t = chdf5_all()
    ) throws {
        switch kind {
        case .dataset:
            try context.check("H5Dread", H5Dread(id, memoryType, memorySpace, fileSpace, chdf5_default(), buffer))
        case .attribute:
            precondition(memorySpace == chdf5_all() && fileSpace == chdf5_all(), "attributes are read whole")
            try context.check("H5Aread", H5Aread(id, memoryType, buffer))
        }
    }

    private func writeRaw(
        _ memoryType: hid_t, _ buffer: UnsafeRawPointer,
        memorySpace: hid_t = chdf5_all(), fileSpace: hid_t = chdf5_all()
    ) throws {
        switch kind {
        case .dataset:
            try context.check("H5Dwrite", H5Dwrite(id, memoryType, memorySpace, fileSpace, chdf5_default(), buffer))
        case .attribute:
            precondition(memorySpace == chdf5_all() && fileSpace == chdf5_all(), "attributes are written whole")
            try context.check("H5Awrite", H5Awrite(id, memoryType, buffer))
        }
    }
}

/// String datatypes this module creates.
enum StringTypes {
    /// A variable-length string type in character set `cset`: `H5T_C_S1` resized to
    /// `H5T_VARIABLE`. Pass `H5T_CSET_UTF8` for everything this module writes.
    static func variableLength(_ cset: H5T_cset_t, _ context: ErrorContext) throws -> Handle {
        let type = try Handle(.datatype, "H5Tcopy", context, H5Tcopy(chdf5_c_s1()))
        try context.check("H5Tset_size", H5Tset_size(type.id, chdf5_variable()))
        try context.check("H5Tset_cset", H5Tset_cset(type.id, cset))
        return type
    }
}
