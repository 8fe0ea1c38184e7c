import CHDF5

/// Creating dataspaces from shapes and reading shapes back, with every size checked.
enum Dataspace {
    /// A new dataspace: scalar for `shape == []`, otherwise simple with the given maximum
    /// (`nil` entries are `H5S_UNLIMITED`; a nil `maxShape` means fixed size).
    static func create(shape: [Int], maxShape: [Int?]? = nil, _ context: ErrorContext) throws -> Handle {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        if shape.isEmpty {
            precondition(maxShape?.isEmpty ?? true, "a scalar dataspace has no maximum shape")
            return try Handle(.dataspace, "H5Screate", context, H5Screate(H5S_SCALAR))
        }
        let dims = shape.map { hsize_t($0) }
        guard let maxShape else {
            return try Handle(.dataspace, "H5Screate_simple", context,
                              H5Screate_simple(Int32(dims.count), dims, nil))
        }
        precondition(maxShape.count == shape.count,
                     "maxShape \(maxShape) has a different rank from shape \(shape)")
        let maxDims = maxShape.map { $0.map { hsize_t($0) } ?? chdf5_unlimited() }
        return try Handle(.dataspace, "H5Screate_simple", context,
                          H5Screate_simple(Int32(dims.count), dims, maxDims))
    }

    /// The current and maximum shape of `space`; `[]` for scalar and null dataspaces.
    static func extent(of space: hid_t, _ context: ErrorContext) throws -> (shape: [Int], maxShape: [Int?]) {
        let rank = Int(try context.check("H5Sget_simple_extent_ndims", H5Sget_simple_extent_ndims(space)))
        guard rank > 0 else { return ([], []) }
        var dims = [hsize_t](repeating: 0, count: rank)
        var maxDims = [hsize_t](repeating: 0, count: rank)
        try context.check("H5Sget_simple_extent_dims", H5Sget_simple_extent_dims(space, &dims, &maxDims))
        let shape = try dims.map { dim in
            guard let size = Int(exactly: dim) else {
                throw context.error("Dataspace.extent", "dimension \(dim) does not fit in Int")
            }
            return size
        }
        let maxShape: [Int?] = maxDims.map { $0 == chdf5_unlimited() ? nil : Int(exactly: $0) }
        return (shape, maxShape)
    }

    /// The number of elements `space` selects as a whole: 0 for a null dataspace, 1 for a scalar,
    /// the product of the shape otherwise (checked against overflow).
    static func elementCount(of space: hid_t, _ context: ErrorContext) throws -> Int {
        let type = H5S_class_t(rawValue: try context.check(
            "H5Sget_simple_extent_type", H5Sget_simple_extent_type(space).rawValue))
        switch type {
        case H5S_NULL: return 0
        case H5S_SCALAR: return 1
        default: return try product(try extent(of: space, context).shape, context)
        }
    }

    /// The product of `shape`, or an error naming the shape if it overflows `Int`.
    static func product(_ shape: [Int], _ context: ErrorContext) throws -> Int {
        var result = 1
        for dim in shape {
            let (next, overflow) = result.multipliedReportingOverflow(by: dim)
            if overflow { throw context.error("Dataspace.product", "shape \(shape) has more elements than Int can count") }
            result = next
        }
        return result
    }
}
