import CHDF5

/// Dimension scales (HDF5 high-level library, H5DS): the convention xarray, h5netcdf, netCDF-4 and
/// HDFView use to name the axes of a dataset and attach coordinate arrays to them.
extension Dataset {
    /// Marks this dataset as a dimension scale called `name` (netCDF reads `name` as the
    /// dimension name).
    ///
    /// The corresponding C function is `H5DSset_scale`.
    public func makeDimensionScale(name: String) throws {
        try context.check("H5DSset_scale", H5DSset_scale(handle.id, name))
    }

    /// Attaches the dimension scale `scale` to axis `dimension` of this dataset.
    ///
    /// The corresponding C function is `H5DSattach_scale`.
    public func attachDimensionScale(_ scale: borrowing Dataset, dimension: Int) throws {
        let index = try axis(dimension, "H5DSattach_scale")
        try context.check("H5DSattach_scale", H5DSattach_scale(handle.id, scale.handle.id, index))
    }

    /// Labels axis `dimension` of this dataset (what h5py shows as `dset.dims[i].label`).
    ///
    /// The corresponding C function is `H5DSset_label`.
    public func setDimensionLabel(_ label: String, dimension: Int) throws {
        let index = try axis(dimension, "H5DSset_label")
        try context.check("H5DSset_label", H5DSset_label(handle.id, index, label))
    }

    /// The label of axis `dimension`, or `nil` when none is set (an empty label also reads as `nil`).
    ///
    /// The corresponding C function is `H5DSget_label`.
    public func dimensionLabel(dimension: Int) throws -> String? {
        let index = try axis(dimension, "H5DSget_label")
        let length = try context.check("H5DSget_label", H5DSget_label(handle.id, index, nil, 0))
        guard length > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: length + 1)
        try context.check("H5DSget_label", H5DSget_label(handle.id, index, &buffer, buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether this dataset is a dimension scale.
    ///
    /// The corresponding C function is `H5DSis_scale`.
    public func isDimensionScale() throws -> Bool {
        try context.check("H5DSis_scale", H5DSis_scale(handle.id)) > 0
    }

    /// Whether `scale` is attached to axis `dimension` of this dataset.
    ///
    /// The corresponding C function is `H5DSis_attached`.
    public func isDimensionScaleAttached(_ scale: borrowing Dataset, dimension: Int) throws -> Bool {
        let index = try axis(dimension, "H5DSis_attached")
        return try context.check("H5DSis_attached", H5DSis_attached(handle.id, scale.handle.id, index)) > 0
    }

    /// `dimension` as the C index, after checking it names an axis of this dataset. (The H5DS
    /// functions check too, but without leaving a message on the error stack.)
    private func axis(_ dimension: Int, _ function: String) throws -> UInt32 {
        let rank = try shape().count
        guard (0..<rank).contains(dimension) else {
            throw context.error(function, "dimension \(dimension) is out of range for rank \(rank)")
        }
        return UInt32(dimension)
    }
}
