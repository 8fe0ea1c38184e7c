import CHDF5

/// An open HDF5 dataset: an n-dimensional array of numbers or strings, stored row-major.
///
/// Not thread-safe: see `File`.
public struct Dataset: ~Copyable {
    /// The path of the file the dataset lives in.
    public let filePath: String
    /// The object path in the file, e.g. `/weights/student`.
    public let name: String
    let handle: Handle

    init(filePath: String, name: String, handle: consuming Handle) {
        self.filePath = filePath
        self.name = name
        self.handle = handle
    }

    var context: ErrorContext { ErrorContext(path: filePath, object: name) }
    var store: ElementStore { ElementStore(id: handle.id, kind: .dataset, context: context) }

    /// The current shape; `[]` for a scalar (or null) dataspace.
    ///
    /// The corresponding C function is `H5Sget_simple_extent_dims`.
    public func shape() throws -> [Int] {
        let space = try store.dataspace()
        return try Dataspace.extent(of: space.id, context).shape
    }

    /// The maximum shape; `nil` entries are unlimited.
    ///
    /// The corresponding C function is `H5Sget_simple_extent_dims`.
    public func maxShape() throws -> [Int?] {
        let space = try store.dataspace()
        return try Dataspace.extent(of: space.id, context).maxShape
    }

    /// The stored numeric type, or `nil` for strings, compounds, enums and numeric types without
    /// a case here (int16, uint32, float16 ...; these can still be read as any `HDF5Scalar`).
    public func scalarType() throws -> HDF5ScalarType? {
        let type = try store.datatype()
        if case .number(let scalar, _) = try StoredType(type.id, context) { return scalar }
        return nil
    }

    /// The chunk shape, or `nil` for contiguous and compact datasets.
    ///
    /// The corresponding C function is `H5Pget_chunk`.
    public func chunkShape() throws -> [Int]? {
        let creation = try creationProperties()
        let layout = H5D_layout_t(rawValue: try context.check("H5Pget_layout", H5Pget_layout(creation.id).rawValue))
        guard layout == H5D_CHUNKED else { return nil }
        let rank = try shape().count
        var dims = [hsize_t](repeating: 0, count: max(rank, 1))
        let stored = Int(try context.check("H5Pget_chunk", H5Pget_chunk(creation.id, Int32(dims.count), &dims)))
        return dims.prefix(stored).map { Int(clamping: $0) }
    }

    /// The names of the filters applied to the chunks, in pipeline order, as HDF5 reports them
    /// (`["shuffle", "deflate"]` for a dataset written with `compressionLevel`).
    ///
    /// The corresponding C function is `H5Pget_filter2`.
    public func filterNames() throws -> [String] {
        let creation = try creationProperties()
        let count = try context.check("H5Pget_nfilters", H5Pget_nfilters(creation.id))
        return try (0..<count).map { index in
            var flags: UInt32 = 0
            var valueCount = 0
            var config: UInt32 = 0
            var name = [CChar](repeating: 0, count: 256)
            try context.check("H5Pget_filter2", H5Pget_filter2(
                creation.id, UInt32(index), &flags, &valueCount, nil, name.count, &name, &config))
            return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    private func creationProperties() throws -> Handle {
        try Handle(.propertyList, "H5Dget_create_plist", context, H5Dget_create_plist(handle.id))
    }

    // MARK: Reading and writing

    /// Reads the whole dataset, row-major, converted by HDF5 to `T`. Throws if the dataset holds
    /// strings or another non-numeric type.
    ///
    /// The corresponding C function is `H5Dread`.
    public func read<T: HDF5Scalar>(as type: T.Type) throws -> [T] {
        try store.readNumbers(as: T.self, count: store.elementCount(), function: "Dataset.read")
    }

    /// Reads the block of `count` elements starting at `offset` (a hyperslab), row-major.
    /// Throws if the block does not lie inside the current shape.
    ///
    /// The corresponding C functions are `H5Sselect_hyperslab` and `H5Dread`.
    public func read<T: HDF5Scalar>(as type: T.Type, offset: [Int], count: [Int]) throws -> [T] {
        let block = try Hyperslab(offset: offset, count: count, of: store, function: "Dataset.read")
        return try store.readNumbers(as: T.self, count: block.elementCount, memorySpace: block.memory.id,
                                     fileSpace: block.file.id, function: "Dataset.read")
    }

    /// Reads every string of a fixed- or variable-length string dataset.
    ///
    /// The corresponding C function is `H5Dread`.
    public func readStrings() throws -> [String] {
        try store.readStrings(function: "Dataset.readStrings")
    }

    /// Overwrites the whole dataset with `values`, row-major, converted by HDF5 to the stored type.
    ///
    /// - Precondition: `values.count` is the number of elements in the current shape.
    ///
    /// The corresponding C function is `H5Dwrite`.
    public func write<T: HDF5Scalar>(_ values: [T]) throws {
        let count = try store.elementCount()
        precondition(values.count == count, "\(values.count) values written to \(name), which holds \(count) elements")
        try store.writeNumbers(values, function: "Dataset.write")
    }

    /// Overwrites every string of a string dataset (e.g. per-seed status that changes in training).
    ///
    /// - Precondition: `values.count` is the number of elements in the current shape.
    ///
    /// The corresponding C function is `H5Dwrite`.
    public func writeStrings(_ values: [String]) throws {
        let count = try store.elementCount()
        precondition(values.count == count, "\(values.count) strings written to \(name), which holds \(count) elements")
        try store.writeStrings(values, function: "Dataset.writeStrings")
    }

    /// Writes `values` into the block of `count` elements starting at `offset`.
    ///
    /// - Precondition: `values.count` is the product of `count`.
    ///
    /// The corresponding C functions are `H5Sselect_hyperslab` and `H5Dwrite`.
    public func write<T: HDF5Scalar>(_ values: [T], offset: [Int], count: [Int]) throws {
        let block = try Hyperslab(offset: offset, count: count, of: store, function: "Dataset.write")
        precondition(values.count == block.elementCount,
                     "\(values.count) values written to a block of \(block.elementCount) elements")
        try store.writeNumbers(values, memorySpace: block.memory.id, fileSpace: block.file.id,
                               function: "Dataset.write")
    }

    /// Changes the current shape of a chunked dataset, within its maximum shape. New elements
    /// hold the fill value (zero).
    ///
    /// The corresponding C function is `H5Dset_extent`.
    public func extend(to shape: [Int]) throws {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        let rank = try self.shape().count
        // H5Dset_extent reads `rank` entries from the array, so a short array must never reach it.
        guard shape.count == rank else {
            throw context.error("Dataset.extend", "new shape \(shape) does not have the dataset's rank \(rank)")
        }
        let dims = shape.map { hsize_t($0) }
        try context.check("H5Dset_extent", H5Dset_extent(handle.id, dims))
    }
}

@available(*, unavailable, message: "HDF5 handles stay on one task; see File")
extension Dataset: Sendable {}

/// A rectangular block of a dataset: the file dataspace with the block selected and a memory
/// dataspace of the block's shape.
struct Hyperslab: ~Copyable {
    let file: Handle
    let memory: Handle
    let elementCount: Int

    /// Selects `count` elements from `offset`; throws if the block leaves the current shape.
    init(offset: [Int], count: [Int], of store: ElementStore, function: String) throws {
        precondition(offset.count == count.count, "offset \(offset) and count \(count) have different ranks")
        precondition(offset.allSatisfy { $0 >= 0 } && count.allSatisfy { $0 >= 0 },
                     "negative offset \(offset) or count \(count)")
        let context = store.context
        let file = try store.dataspace()
        let shape = try Dataspace.extent(of: file.id, context).shape
        let inside = shape.count == offset.count
            && zip(shape, zip(offset, count)).allSatisfy { extent, block in block.0 <= extent && block.1 <= extent - block.0 }
        guard inside else {
            throw context.error(function, "block at offset \(offset) with count \(count) is outside shape \(shape)")
        }
        if !shape.isEmpty {
            try context.check("H5Sselect_hyperslab", H5Sselect_hyperslab(
                file.id, H5S_SELECT_SET, offset.map { hsize_t($0) }, nil, count.map { hsize_t($0) }, nil))
        }
        let elementCount = try Dataspace.product(count, context)
        let memory = try Dataspace.create(shape: count, context)
        self.file = file
        self.memory = memory
        self.elementCount = elementCount
    }
}
