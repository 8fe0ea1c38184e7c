import HDF5
import WeightImport

/// The `snapshot` sources for weights written by other tools: NumPy `.npy`/`.npz`,
/// Hugging Face `.safetensors`, and foreign HDF5 files, read natively (no Python).
///
/// For npy, npz and HDF5 the user names the array and the meaning of its axes
/// (`axes = "seed,snapshot,row,col"`, any order, `row` and `col` required, a missing `seed` or
/// `snapshot` axis means one); hyper-parameters are scalar arrays of the same file
/// (`parameters = ["lr", "batch_size"]`) and become ensemble coordinates, so one file per point
/// of a scan turns into one ensemble per point and snapshot. Snapshot steps come from
/// `step_array` or are the snapshot indices; `select`/`every`/`steps` pick among them as for run
/// files. Imports carry no per-seed status: a matrix with a NaN or ∞ entry (a diverged seed) is
/// left out and counted in `excluded_seeds`. Epochs are not known and are written as NaN.
///
/// For safetensors every tensor whose name matches the glob `tensors` is one sample (seed =
/// its rank among the matches, step 0, `sample_name` = tensor name); all must be 2-D of one
/// shape; hyper-parameters are numeric `__metadata__` entries.
enum WeightImportSource {
    /// Largest foreign HDF5 dataset read (2³¹ doubles = 16 GiB).
    static let maximumHDF5Elements = 1 << 31

    /// One input's array, with its data and the sizes/strides of the four named axes.
    private struct Imported {
        let name: String
        let values: [Double]
        let shape: [Int]
        let parameters: [Double]
        let steps: [Int64]?
    }

    static func collect(inputs: [String], config: SnapshotConfig) throws -> EnsembleBuilder {
        let name = switch config.source {
        case "npz": config.array
        case "hdf5": config.dataset
        case "safetensors": config.tensors
        default: config.array.isEmpty ? "W" : config.array
        }
        var builder = EnsembleBuilder(config: config, matrixName: name, inputs: inputs,
                                      parameterNames: config.parameters, model: "imported_\(config.source)")
        for (run, path) in inputs.enumerated() {
            do {
                if config.source == "safetensors" {
                    try addSafetensors(path, run: run, config: config, into: &builder)
                } else {
                    try addArray(try load(path, config: config), file: path, run: run, config: config, into: &builder)
                }
            } catch let error as WeightImportError {
                throw DysonError.badInput(file: error.file, message: error.message)
            } catch let error as HDF5Error {
                throw DysonError.badInput(file: path, message: "\(error.object.isEmpty ? "" : "'\(error.object)': ")\(error.message)")
            }
        }
        return builder
    }

    private static func load(_ path: String, config: SnapshotConfig) throws -> Imported {
        func scalar(_ array: NumericArray, _ what: String) throws -> Double {
            guard let v = array.scalar else {
                throw DysonError.badInput(file: path, message: "hyper-parameter '\(what)' has shape \(array.shape), expected a scalar")
            }
            return v
        }
        func steps(_ values: [Double]) throws -> [Int64] {
            try values.map { v in
                guard v.isFinite, v == v.rounded(), abs(v) < 0x1p62 else {
                    throw DysonError.badInput(file: path, message: "step_array '\(config.stepArray)' holds a non-integer step \(v)")
                }
                return Int64(v)
            }
        }
        switch config.source {
        case "npy":
            let array = try NPYReader.read(path: path, name: config.array)
            guard config.parameters.isEmpty, config.stepArray.isEmpty else {
                throw DysonError.invalidConfiguration(source: "snapshot", message: "a .npy file holds one array: parameters and step_array need source = \"npz\"")
            }
            return Imported(name: path, values: array.doubles(), shape: array.shape, parameters: [], steps: nil)
        case "npz":
            let npz = try NPZArchive(path: path)
            let array = try npz.array(config.array)
            return Imported(name: config.array, values: array.doubles(), shape: array.shape,
                            parameters: try config.parameters.map { try scalar(try npz.array($0), $0) },
                            steps: config.stepArray.isEmpty ? nil : try steps(try npz.array(config.stepArray).doubles()))
        default:  // hdf5
            let file = try openInput(path)
            let root = try file.root()
            guard root.contains(config.dataset) else {
                throw DysonError.badInput(file: path, message: "has no dataset '\(config.dataset)'")
            }
            let dataset = try root.openDataset(config.dataset)
            let shape = try dataset.shape()
            guard try dataset.scalarType() != nil else {
                throw DysonError.badInput(file: path, message: "dataset '\(config.dataset)' is not numeric")
            }
            // A chunked dataset may declare a shape far beyond its stored chunks (reads fill the
            // rest): bound the allocation before reading.
            let elements = shape.reduce(into: Optional(1)) { total, d in
                total = total.flatMap { t in d >= 0 ? t.multipliedReportingOverflow(by: d).overflow ? nil : t * d : nil }
            }
            guard let elements, elements <= Self.maximumHDF5Elements else {
                throw DysonError.badInput(file: path, message: "dataset '\(config.dataset)' of shape \(shape) is too large to import (limit \(Self.maximumHDF5Elements) elements)")
            }
            let parameters = try config.parameters.map { p -> Double in
                if root.contains(p) {
                    let v = try root.read(p, as: Double.self)
                    guard v.count == 1 else { throw DysonError.badInput(file: path, message: "hyper-parameter '\(p)' has \(v.count) values, expected one") }
                    return v[0]
                }
                guard root.hasAttribute(p) else { throw DysonError.badInput(file: path, message: "has no dataset or root attribute '\(p)'") }
                return try root.attribute(p, as: Double.self)
            }
            return Imported(name: config.dataset, values: try dataset.read(as: Double.self), shape: shape, parameters: parameters,
                            steps: config.stepArray.isEmpty ? nil : try steps(try root.read(config.stepArray, as: Double.self)))
        }
    }

    /// Cuts the array into matrices along its named axes and adds the selected snapshots.
    private static func addArray(_ imported: Imported, file: String, run: Int, config: SnapshotConfig,
                                 into builder: inout EnsembleBuilder) throws {
        let axes = config.axisList
        guard imported.shape.count == axes.count else {
            throw DysonError.badInput(file: file, message: "'\(imported.name)' has shape \(imported.shape) (\(imported.shape.count) axes) but axes = \"\(config.axes)\" names \(axes.count)")
        }
        // Row-major strides of the stored array, then size and stride of each named axis.
        var strides = [Int](repeating: 1, count: axes.count)
        for a in stride(from: axes.count - 2, through: 0, by: -1) { strides[a] = strides[a + 1] * imported.shape[a + 1] }
        func axis(_ name: String) -> (size: Int, stride: Int) {
            axes.firstIndex(of: name).map { (imported.shape[$0], strides[$0]) } ?? (1, 0)
        }
        let (snapshot, seed, row, col) = (axis("snapshot"), axis("seed"), axis("row"), axis("col"))
        let steps = imported.steps ?? (0..<snapshot.size).map(Int64.init)
        guard steps.count == snapshot.size else {
            throw DysonError.badInput(file: file, message: "step_array '\(config.stepArray)' has \(steps.count) steps for \(snapshot.size) snapshots")
        }
        guard row.size > 0, col.size > 0 else { throw DysonError.badInput(file: file, message: "'\(imported.name)' has empty matrices (shape \(imported.shape))") }
        for s in try selectedSnapshots(steps: steps, config: config, file: file) {
            for k in 0..<seed.size {
                let base = s * snapshot.stride + k * seed.stride
                var w = [Double](repeating: 0, count: row.size * col.size)
                for i in 0..<row.size {
                    for j in 0..<col.size { w[i * col.size + j] = imported.values[base + i * row.stride + j * col.stride] }
                }
                try builder.add(w, rows: row.size, columns: col.size, parameters: imported.parameters, step: steps[s],
                                epoch: .nan, run: run, seed: k, file: file, dropNonFinite: true)
            }
        }
    }

    private static func addSafetensors(_ path: String, run: Int, config: SnapshotConfig, into builder: inout EnsembleBuilder) throws {
        let reader = try SafetensorsReader(path: path)
        let names = reader.names(matching: config.tensors)
        guard !names.isEmpty else {
            let available = reader.tensors.prefix(8).map(\.name).joined(separator: ", ")
            throw DysonError.badInput(file: path, message: "no tensor matches '\(config.tensors)' (tensors include: \(available))")
        }
        let parameters = try config.parameters.map { p -> Double in
            guard let text = reader.metadata[p], let v = Double(text) else {
                throw DysonError.badInput(file: path, message: "__metadata__ has no numeric entry '\(p)'")
            }
            return v
        }
        for (k, name) in names.enumerated() {
            let tensor = try reader.tensor(name)
            guard tensor.shape.count == 2, tensor.shape[0] > 0, tensor.shape[1] > 0 else {
                throw DysonError.badInput(file: path, message: "tensor '\(name)' has shape \(tensor.shape); only non-empty 2-D tensors are matrices")
            }
            try builder.add(tensor.doubles(), rows: tensor.shape[0], columns: tensor.shape[1], parameters: parameters,
                            step: 0, epoch: .nan, run: run, seed: k, file: path, name: name, dropNonFinite: true)
        }
    }
}
