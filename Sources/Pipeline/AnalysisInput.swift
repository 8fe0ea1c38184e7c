import HDF5

/// The input of an analysis stage (diagonalise, unfold, fit): hashed for provenance, opened, its
/// schema checked before anything else, and its sample index read and validated.
struct AnalysisInput: ~Copyable {
    let record: InputRecord
    let file: File
    let index: EnsembleIndex

    init(_ path: String, expecting schema: Schema) throws {
        let record = try InputRecord.of(path)
        let file = try openInput(path)
        _ = try FileHeader.read(from: file, expecting: schema)
        let index = try EnsembleIndex.read(from: file)
        self.record = record
        self.index = index
        self.file = file
    }

    /// The per-sample array `name` of shape [sample, k] with k ≥ `minimumColumns`, row-major.
    func samples(_ name: String, minimumColumns: Int = 1) throws -> (values: [Double], columns: Int) {
        let dataset = try file.root().openDataset(name)
        let shape = try dataset.shape()
        guard shape.count == 2, shape[0] == index.sampleCount, shape[1] >= minimumColumns else {
            throw DysonError.badInput(file: file.path, message: "'\(name)' has shape \(shape), expected [\(index.sampleCount), k >= \(minimumColumns)]")
        }
        return (try dataset.read(as: Double.self), shape[1])
    }
}
