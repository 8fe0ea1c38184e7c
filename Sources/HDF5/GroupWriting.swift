import CHDF5

extension Group {
    /// Creates a numeric dataset of element type `T` at `path` (missing intermediate groups are
    /// created), filled with zeros until written.
    ///
    /// - Parameters:
    ///   - shape: the current shape; `[]` is a scalar dataspace.
    ///   - maxShape: the maximum shape, `nil` entries meaning unlimited (`H5S_UNLIMITED`); `nil`
    ///     for a fixed-size dataset.
    ///   - chunk: the chunk shape; required when `maxShape` has `nil` entries or compression is on.
    ///   - compressionLevel: deflate level in 1...9, applied after the shuffle filter.
    /// - Precondition: the arguments are consistent (ranks agree, chunk given where needed).
    ///
    /// The corresponding C function is `H5Dcreate2`.
    public func createDataset<T: HDF5Scalar>(
        _ path: String, of type: T.Type, shape: [Int],
        maxShape: [Int?]? = nil,
        chunk: [Int]? = nil,
        compressionLevel: Int? = nil
    ) throws -> Dataset {
        DatasetCreation.validate(shape: shape, maxShape: maxShape, chunk: chunk, compressionLevel: compressionLevel)
        return try createDataset(path, fileType: T.checkedNativeType, shape: shape, maxShape: maxShape,
                                 chunk: chunk, compressionLevel: compressionLevel)
    }

    /// Creates a dataset at `path` and writes `values` into it, row-major.
    ///
    /// - Parameters:
    ///   - shape: `nil` for a 1-d dataset of `values.count` elements; `[]` for a scalar.
    ///   - compressionLevel: deflate level in 1...9 with shuffle; the chunk shape is chosen
    ///     automatically (`DatasetCreation.automaticChunk`). Ignored for scalar and empty
    ///     datasets, which HDF5 cannot usefully chunk.
    /// - Precondition: `values.count` is the product of `shape`.
    @discardableResult
    public func write<T: HDF5Scalar>(
        _ path: String, _ values: [T], shape: [Int]? = nil, compressionLevel: Int? = nil
    ) throws -> Dataset {
        let shape = shape ?? [values.count]
        Self.requireCount(values.count, matches: shape)
        var chunk: [Int]?
        var level = compressionLevel
        if let compressionLevel {
            precondition(DatasetCreation.compressionLevels.contains(compressionLevel),
                         "compression level \(compressionLevel) is not in 1...9")
            if shape.isEmpty || values.isEmpty {
                level = nil
            } else {
                chunk = DatasetCreation.automaticChunk(shape: shape, elementSize: T.hdf5ScalarType.byteCount)
            }
        }
        let dataset = try createDataset(path, of: T.self, shape: shape, chunk: chunk, compressionLevel: level)
        try dataset.write(values)
        return dataset
    }

    /// Creates a dataset of variable-length UTF-8 strings at `path` and writes `values` into it.
    ///
    /// - Parameter shape: `nil` for 1-d of `values.count` strings; `[]` for a scalar string.
    /// - Precondition: `values.count` is the product of `shape`.
    @discardableResult
    public func writeStrings(_ path: String, _ values: [String], shape: [Int]? = nil) throws -> Dataset {
        let shape = shape ?? [values.count]
        Self.requireCount(values.count, matches: shape)
        let type = try StringTypes.variableLength(H5T_CSET_UTF8, context.child(path))
        let dataset = try createDataset(path, fileType: type.id, shape: shape, maxShape: nil, chunk: nil,
                                        compressionLevel: nil)
        try dataset.store.writeStrings(values, function: "Group.writeStrings")
        return dataset
    }

    /// The one place datasets are created.
    private func createDataset(
        _ path: String, fileType: hid_t, shape: [Int], maxShape: [Int?]?, chunk: [Int]?, compressionLevel: Int?
    ) throws -> Dataset {
        let context = self.context.child(path)
        let space = try Dataspace.create(shape: shape, maxShape: maxShape, context)
        let creation = try DatasetCreation.propertyList(chunk: chunk, compressionLevel: compressionLevel, context)
        let links = try LinkCreation.withIntermediateGroups(context)
        let dataset = try Handle(.dataset, "H5Dcreate2", context, H5Dcreate2(
            handle.id, path, fileType, space.id, links.id, creation.id, chdf5_default()))
        return Dataset(filePath: filePath, name: context.object, handle: dataset)
    }

    private static func requireCount(_ count: Int, matches shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        var product = 1
        for dim in shape {
            let (next, overflow) = product.multipliedReportingOverflow(by: dim)
            precondition(!overflow, "shape \(shape) has more elements than Int can count")
            product = next
        }
        precondition(count == product, "\(count) values do not fill shape \(shape) (\(product) elements)")
    }
}
