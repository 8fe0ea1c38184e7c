import CHDF5

/// One source of a virtual dataset: the whole of dataset `dataset` in file `file`, of shape
/// `shape`, mapped to the block starting at `offset` of the virtual dataset.
///
/// A relative `file` is resolved by HDF5 against the directory of the file holding the virtual
/// dataset (then `HDF5_VDS_PREFIX`), so a merged file and its sources can move together.
public struct VirtualSource: Sendable, Equatable {
    public var file: String
    public var dataset: String
    public var shape: [Int]
    public var offset: [Int]

    public init(file: String, dataset: String, shape: [Int], offset: [Int]) {
        precondition(shape.count == offset.count, "source shape \(shape) and offset \(offset) differ in rank")
        self.file = file
        self.dataset = dataset
        self.shape = shape
        self.offset = offset
    }
}

extension Group {
    /// Creates a virtual dataset at `path`: a dataset of `shape` whose elements live in other
    /// datasets (usually in other files), read through it as if it were one array. Elements no
    /// source covers, or whose source file is missing when read, read as `fill`.
    ///
    /// - Precondition: every source block lies inside `shape`.
    ///
    /// The corresponding C functions are `H5Pset_virtual` (one per source, with the block
    /// selected by `H5Sselect_hyperslab`), `H5Pset_fill_value` and `H5Dcreate2`.
    @discardableResult
    public func createVirtualDataset<T: HDF5Scalar>(_ path: String, of type: T.Type, shape: [Int], sources: [VirtualSource],
                                                    fill: T) throws -> Dataset {
        for source in sources {
            precondition(source.shape.count == shape.count
                         && zip(zip(source.offset, source.shape), shape).allSatisfy { $0.0 >= 0 && $0.0 + $0.1 <= $1 },
                         "source block at \(source.offset) of shape \(source.shape) does not fit in \(shape)")
        }
        let context = self.context.child(path)
        let space = try Dataspace.create(shape: shape, context)
        let creation = try Handle(.propertyList, "H5Pcreate", context, H5Pcreate(chdf5_dataset_create()))
        var fillValue = fill
        try context.check("H5Pset_fill_value", H5Pset_fill_value(creation.id, T.checkedNativeType, &fillValue))
        for source in sources {
            let block = try Dataspace.create(shape: shape, context)
            let start = source.offset.map { hsize_t($0) }, count = source.shape.map { hsize_t($0) }
            try context.check("H5Sselect_hyperslab", H5Sselect_hyperslab(block.id, H5S_SELECT_SET, start, nil, count, nil))
            let sourceSpace = try Dataspace.create(shape: source.shape, context)
            try context.check("H5Pset_virtual", H5Pset_virtual(creation.id, block.id, source.file, source.dataset, sourceSpace.id))
        }
        let links = try LinkCreation.withIntermediateGroups(context)
        let dataset = try Handle(.dataset, "H5Dcreate2", context, H5Dcreate2(
            handle.id, path, T.checkedNativeType, space.id, links.id, creation.id, chdf5_default()))
        return Dataset(filePath: filePath, name: context.object, handle: dataset)
    }
}

extension Dataset {
    /// Whether the dataset is virtual (its elements live in source datasets).
    ///
    /// The corresponding C function is `H5Pget_layout`.
    public func isVirtual() throws -> Bool {
        let creation = try Handle(.propertyList, "H5Dget_create_plist", context, H5Dget_create_plist(handle.id))
        let layout = H5D_layout_t(rawValue: try context.check("H5Pget_layout", H5Pget_layout(creation.id).rawValue))
        return layout == H5D_VIRTUAL
    }

    /// The source files of a virtual dataset, in mapping order (empty for other layouts).
    ///
    /// The corresponding C functions are `H5Pget_virtual_count` and `H5Pget_virtual_filename`.
    public func virtualSourceFiles() throws -> [String] {
        guard try isVirtual() else { return [] }
        let creation = try Handle(.propertyList, "H5Dget_create_plist", context, H5Dget_create_plist(handle.id))
        var count: Int = 0
        try context.check("H5Pget_virtual_count", H5Pget_virtual_count(creation.id, &count))
        return try (0..<count).map { index in
            let length = try context.check("H5Pget_virtual_filename", H5Pget_virtual_filename(creation.id, index, nil, 0))
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            try context.check("H5Pget_virtual_filename", H5Pget_virtual_filename(creation.id, index, &buffer, buffer.count))
            return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
