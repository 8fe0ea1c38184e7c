import CHDF5

/// Dataset creation property lists: chunking and the shuffle + deflate filter pipeline.
enum DatasetCreation {
    /// Deflate levels accepted by `compressionLevel` arguments.
    static let compressionLevels = 1...9

    /// Checks the layout arguments of `Group.createDataset`; a violation is a programmer error.
    static func validate(shape: [Int], maxShape: [Int?]?, chunk: [Int]?, compressionLevel: Int?) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        if let maxShape {
            precondition(maxShape.count == shape.count, "maxShape \(maxShape) does not have the rank of shape \(shape)")
            precondition(chunk != nil || !maxShape.contains(nil), "a dataset with unlimited dimensions needs a chunk shape")
        }
        if let chunk {
            precondition(!shape.isEmpty, "a scalar dataset cannot be chunked")
            precondition(chunk.count == shape.count, "chunk \(chunk) does not have the rank of shape \(shape)")
            precondition(chunk.allSatisfy { $0 > 0 }, "chunk dimensions must be positive, got \(chunk)")
        }
        if let compressionLevel {
            precondition(compressionLevels.contains(compressionLevel), "compression level \(compressionLevel) is not in 1...9")
            precondition(chunk != nil, "compression needs a chunk shape")
        }
    }

    /// A dataset creation property list with the given chunk shape and, if `compressionLevel` is
    /// set, the shuffle filter followed by deflate (the h5py `shuffle=True, compression="gzip"`
    /// pipeline: shuffling bytes first makes floating-point data compress much better).
    ///
    /// The corresponding C functions are `H5Pset_chunk`, `H5Pset_shuffle` and `H5Pset_deflate`.
    static func propertyList(chunk: [Int]?, compressionLevel: Int?, _ context: ErrorContext) throws -> Handle {
        let list = try Handle(.propertyList, "H5Pcreate", context, H5Pcreate(chdf5_dataset_create()))
        if let chunk {
            let dims = chunk.map { hsize_t($0) }
            try context.check("H5Pset_chunk", H5Pset_chunk(list.id, Int32(dims.count), dims))
        }
        if let compressionLevel {
            try context.check("H5Pset_shuffle", H5Pset_shuffle(list.id))
            try context.check("H5Pset_deflate", H5Pset_deflate(list.id, UInt32(compressionLevel)))
        }
        return list
    }

    /// Bytes per chunk that `automaticChunk` aims below: 1 MiB, HDF5's default chunk cache size,
    /// so that reading one chunk never thrashes the cache.
    static let automaticChunkBytes = 1 << 20

    /// The chunk shape used when `Group.write` compresses: the whole shape, halved along
    /// successive axes in turn (as h5py's `guess_chunk` does) until a chunk holds at most
    /// `automaticChunkBytes`. Zero-length axes get chunk length 1.
    static func automaticChunk(shape: [Int], elementSize: Int) -> [Int] {
        var chunk = shape.map { max($0, 1) }
        var axis = 0
        // Double avoids overflow for huge shapes; the comparison needs no exactness.
        func bytes() -> Double { chunk.reduce(Double(elementSize)) { $0 * Double($1) } }
        while bytes() > Double(automaticChunkBytes), chunk.contains(where: { $0 > 1 }) {
            if chunk[axis] > 1 { chunk[axis] = (chunk[axis] + 1) / 2 }
            axis = (axis + 1) % chunk.count
        }
        return chunk
    }
}
