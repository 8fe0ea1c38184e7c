import HDF5
import Simulation

/// The `dyson.run` file that `simulate` grows while training.
///
/// Layout (all at the root; axes are dimension scales):
/// - axes `snapshot` (extendible), `seed`, `state`, and `<matrix>_row`, `<matrix>_col` per matrix;
/// - `step`, `epoch` [snapshot]; `<matrix>` [snapshot, seed, row, col], e.g. `student`;
/// - fixed matrices such as `teacher` [seed, row, col] with attribute `target` naming the matrix
///   they are the target of;
/// - `loss`, `gradient_norm`, `status_code`, `status_step` [snapshot, seed];
/// - `status` [seed] ("ok", "diverged at step k", …), written when the run completes;
/// - hyper-parameters as scalar datasets (`learning_rate`, …), listed in `hyper_parameters`;
/// - `checkpoint_state` [snapshot, seed, state]: everything needed to continue exactly (random
///   streams are counter-based, so the step is the RNG position).
///
/// Crash safety: during training nothing is overwritten, everything is appended along `snapshot`
/// and flushed. After a SIGKILL, `resume` copies the snapshots that read back in full into a
/// fresh file and continues from the last of them.
struct RunFileWriter: ~Copyable {
    let file: File
    let model: any EnsembleModel
    let seeds: Int

    /// Datasets that grow along the snapshot axis.
    private static func growing(_ model: any EnsembleModel) -> [String] {
        ["snapshot", "step", "epoch", "loss", "gradient_norm", "status_code", "status_step", "checkpoint_state"]
            + model.recordedMatrices.map(\.name)
    }

    /// Creates the file with its header, axes and fixed matrices and no snapshots, complete and
    /// closed under a temporary name before it is renamed to `path`: a kill during creation
    /// leaves no `path` at all.
    static func create(_ path: String, header: FileHeader, config: SimulateConfig, model: any EnsembleModel) throws -> RunFileWriter {
        try AtomicOutput.write(path) { temporary in
            let file = try File.create(temporary)
            try header.write(to: file)
            try layOut(try file.root(), config: config, model: model)
            try file.close()
        }
        return RunFileWriter(file: try File.open(path, writable: true), model: model, seeds: config.seeds)
    }

    private static func layOut(_ root: borrowing Group, config: SimulateConfig, model: any EnsembleModel) throws {
        let seeds = config.seeds
        try root.setAttribute("model", config.model.name)
        try root.setAttribute("status", "running")
        try root.createAxis("snapshot", count: 0, extendible: true, description: "recorded point in training time")
        try root.createAxis("seed", count: seeds, description: "independent member of the ensemble")
        try root.createAxis("state", count: model.stateSize, description: "element of a seed's training state")
        func growing<T: HDF5Scalar>(_ name: String, _ type: T.Type, _ axes: [String], _ shape: [Int], _ description: String,
                                    units: String? = nil, compressed: Bool = false) throws {
            let dataset = try root.createDataset(name, of: type, shape: [0] + shape, maxShape: [nil] + shape.map { $0 },
                                                 chunk: [1] + shape, compressionLevel: compressed ? 4 : nil)
            try root.describe(dataset, axes: ["snapshot"] + axes, description: description, units: units)
        }
        try growing("step", Int64.self, [], [], "SGD updates done at the snapshot", units: "steps")
        try growing("epoch", Double.self, [], [], "passes over the fixed data set", units: "epochs")
        for matrix in model.recordedMatrices {
            try root.createAxis("\(matrix.name)_row", count: matrix.rows, description: "row of \(matrix.name)")
            try root.createAxis("\(matrix.name)_col", count: matrix.columns, description: "column of \(matrix.name)")
            try growing(matrix.name, Double.self, ["seed", "\(matrix.name)_row", "\(matrix.name)_col"],
                        [seeds, matrix.rows, matrix.columns], "trained weight matrix \(matrix.name) at each snapshot", compressed: true)
        }
        for fixed in model.fixedMatrices {
            try root.writeVariable(fixed.name, fixed.values, axes: ["seed", "\(fixed.target)_row", "\(fixed.target)_col"],
                                   shape: [seeds, fixed.rows, fixed.columns], description: fixed.description)
            try root.openDataset(fixed.name).setAttribute("target", fixed.target)
        }
        try growing("loss", Double.self, ["seed"], [seeds], "training loss over the whole data set")
        try growing("gradient_norm", Double.self, ["seed"], [seeds], "Frobenius norm of the full-batch loss gradient")
        try growing("status_code", Int32.self, ["seed"], [seeds], "0 ok, 1 diverged, 2 failed (non-finite state)")
        try growing("status_step", Int64.self, ["seed"], [seeds], "step at which the seed diverged or failed; -1 if ok", units: "steps")
        try growing("checkpoint_state", Double.self, ["seed", "state"], [seeds, model.stateSize],
                    "whole training state of every seed, for simulate --resume", compressed: true)
        for (name, value) in config.hyperParameters {
            try root.writeScalar(name, value, description: HyperParameter.description(name), units: HyperParameter.units(name))
        }
        try root.setAttribute("hyper_parameters", config.hyperParameters.map(\.name))
    }

    /// Continues a partial run: its snapshots that read back in full (every growing dataset's
    /// row) are copied, in order, into a new file with the same header and layout, written under
    /// a temporary name and renamed over the partial one.
    ///
    /// Why a copy: a SIGKILL during `H5Fflush` can leave metadata on disk that refers to space
    /// past the end of file the superblock records (HDF5 writes the superblock last; reading the
    /// row then fails with "addr overflow"), and further writes into that file could overwrite
    /// such space. A copy of the complete rows is consistent whatever the kill interrupted.
    static func resume(_ path: String, config: SimulateConfig, model: any EnsembleModel) throws -> RunFileWriter {
        try AtomicOutput.write(path) { temporary in
            let partial = try File.open(path)
            let header = try FileHeader.read(from: partial, expecting: .run)
            let source = try partial.root()
            let file = try File.create(temporary)
            try header.write(to: file)
            let target = try file.root()
            try layOut(target, config: config, model: model)
            let names = growing(model)
            let extent = try names.map { try source.openDataset($0).shape()[0] }.min() ?? 0
            rows: for row in 0..<extent {
                // A row the kill interrupted does not read back (a probe, hence `try?`); it and any
                // later rows are dropped.
                var values: [GrowingRow] = []
                for name in names {
                    guard let value = try? GrowingRow(source, name, row: row) else { break rows }
                    values.append(value)
                }
                for (name, value) in zip(names, values) { try value.append(to: target, name, row: row) }
            }
            try file.close()
        }
        return RunFileWriter(file: try File.open(path, writable: true), model: model, seeds: config.seeds)
    }

    /// The state written with the last flushed snapshot, or nil if none was flushed.
    func checkpoint() throws -> EnsembleCheckpoint? {
        let root = try file.root()
        let count = try root.openDataset("snapshot").shape()[0]
        guard count > 0 else { return nil }
        let last = count - 1
        let size = model.stateSize
        let states = try root.openDataset("checkpoint_state").read(as: Double.self, offset: [last, 0, 0], count: [1, seeds, size])
        let codes = try root.openDataset("status_code").read(as: Int32.self, offset: [last, 0], count: [1, seeds])
        let steps = try root.openDataset("status_step").read(as: Int64.self, offset: [last, 0], count: [1, seeds])
        let statuses = try zip(codes, steps).map { code, step in
            switch code {
            case 0: return SeedStatus.ok
            case 1: return .diverged(step: Int(step))
            case 2: return .failed(step: Int(step))
            default: throw DysonError.badInput(file: file.path, message: "unknown status_code \(code)")
            }
        }
        let step = try root.openDataset("step").read(as: Int64.self, offset: [last], count: [1])[0]
        return EnsembleCheckpoint(snapshotIndex: last, step: Int(step), states: states, statuses: statuses)
    }

    /// Appends one snapshot and flushes: after this returns, the snapshot survives a SIGKILL.
    func append(_ snapshot: EnsembleSnapshot) throws {
        let root = try file.root()
        let k = snapshot.index
        let size = model.stateSize
        try Self.appendRow(root, "snapshot", [Int64(k)], row: k)
        try Self.appendRow(root, "step", [Int64(snapshot.step)], row: k)
        try Self.appendRow(root, "epoch", [Double(snapshot.step) / Double(model.stepsPerEpoch)], row: k)
        try Self.appendRow(root, "loss", snapshot.measurements.map(\.loss), row: k)
        try Self.appendRow(root, "gradient_norm", snapshot.measurements.map(\.gradientNorm), row: k)
        try Self.appendRow(root, "status_code", snapshot.statuses.map(Self.code), row: k)
        try Self.appendRow(root, "status_step", snapshot.statuses.map(Self.step), row: k)
        for matrix in model.recordedMatrices {
            let count = matrix.rows * matrix.columns
            var values = [Double](repeating: 0, count: seeds * count)
            for seed in 0..<seeds {
                let start = seed * size + matrix.offset
                values.replaceSubrange((seed * count)..<((seed + 1) * count), with: snapshot.states[start..<(start + count)])
            }
            try Self.appendRow(root, matrix.name, values, row: k)
        }
        try Self.appendRow(root, "checkpoint_state", snapshot.states, row: k)
        try file.flush()
    }

    private static func code(_ status: SeedStatus) -> Int32 {
        switch status {
        case .ok: 0
        case .diverged: 1
        case .failed: 2
        }
    }

    private static func step(_ status: SeedStatus) -> Int64 {
        switch status {
        case .ok: -1
        case .diverged(let step), .failed(let step): Int64(step)
        }
    }

    fileprivate static func appendRow<T: HDF5Scalar>(_ root: borrowing Group, _ name: String, _ values: [T], row: Int) throws {
        let dataset = try root.openDataset(name)
        var shape = try dataset.shape()
        shape[0] = row + 1
        try dataset.extend(to: shape)
        var offset = [Int](repeating: 0, count: shape.count)
        offset[0] = row
        var count = shape
        count[0] = 1
        try dataset.write(values, offset: offset, count: count)
    }

    /// Marks the run complete and writes the readable per-seed `status`.
    consuming func finish(statuses: [SeedStatus]) throws {
        let root = try file.root()
        try root.writeStringVariable("status", statuses.map(\.description), axes: ["seed"],
                                     description: "ok, diverged at step k, or failed at step k (non-finite weights)")
        try root.setAttribute("status", "complete")
        try file.close()
    }
}

/// One row (snapshot) of a growing dataset of a run file, in the element type it is stored as.
private enum GrowingRow {
    case int64([Int64]), int32([Int32]), double([Double])

    /// Reads row `row` (within the extent) of `name`, in the type `layOut` created it with;
    /// throws if it does not read back (e.g. its chunk lies past the recorded end of file).
    init(_ root: borrowing Group, _ name: String, row: Int) throws {
        let dataset = try root.openDataset(name)
        var count = try dataset.shape()
        count[0] = 1
        var offset = [Int](repeating: 0, count: count.count)
        offset[0] = row
        switch name {
        case "snapshot", "step", "status_step": self = .int64(try dataset.read(as: Int64.self, offset: offset, count: count))
        case "status_code": self = .int32(try dataset.read(as: Int32.self, offset: offset, count: count))
        default: self = .double(try dataset.read(as: Double.self, offset: offset, count: count))
        }
    }

    func append(to root: borrowing Group, _ name: String, row: Int) throws {
        switch self {
        case .int64(let values): try RunFileWriter.appendRow(root, name, values, row: row)
        case .int32(let values): try RunFileWriter.appendRow(root, name, values, row: row)
        case .double(let values): try RunFileWriter.appendRow(root, name, values, row: row)
        }
    }
}

/// Read access to a finished run file for `snapshot`: metadata read once, matrices on demand.
struct RunFileReader {
    let path: String
    let header: FileHeader
    let seeds: Int
    let steps: [Int64]
    let epochs: [Double]
    let model: String
    let parameterNames: [String]
    let parameterValues: [Double]
    let statuses: [String]

    init(_ path: String) throws {
        let file = try openInput(path)
        header = try FileHeader.read(from: file, expecting: .run)
        let root = try file.root()
        guard try root.attribute("status", as: String.self) == "complete" else {
            throw DysonError.badInput(file: path, message: "run is incomplete; continue it with dyson simulate --resume")
        }
        self.path = path
        model = try root.attribute("model", as: String.self)
        steps = try root.read("step", as: Int64.self)
        epochs = try root.read("epoch", as: Double.self)
        statuses = try root.readStrings("status")
        seeds = statuses.count
        parameterNames = try root.stringArrayAttribute("hyper_parameters")
        parameterValues = try parameterNames.map { name in
            guard let value = try root.read(name, as: Double.self).first else {
                throw DysonError.badInput(file: path, message: "hyper-parameter \(name) is empty")
            }
            return value
        }
        guard steps.count == epochs.count else {
            throw DysonError.badInput(file: path, message: "step and epoch have different lengths")
        }
    }

    /// The matrices `name` of every seed at snapshot `index`: shape (rows, columns) and
    /// [seed][rows·columns] values.
    func matrices(_ name: String, snapshot index: Int) throws -> (rows: Int, columns: Int, values: [Double]) {
        let file = try openInput(path)
        let root = try file.root()
        guard root.contains(name) else {
            throw DysonError.badInput(file: path, message: "has no matrix '\(name)'")
        }
        let dataset = try root.openDataset(name)
        let shape = try dataset.shape()
        guard shape.count == 4, shape[1] == seeds, index < shape[0] else {
            throw DysonError.badInput(file: path, message: "'\(name)' has shape \(shape), expected [snapshot, \(seeds), row, col] with snapshot \(index)")
        }
        let values = try dataset.read(as: Double.self, offset: [index, 0, 0, 0], count: [1, shape[1], shape[2], shape[3]])
        return (shape[2], shape[3], values)
    }

    /// Each seed's status code at snapshot `index` (0 ok, 1 diverged, 2 failed by then).
    func statusCodes(snapshot index: Int) throws -> [Int32] {
        let dataset = try openInput(path).root().openDataset("status_code")
        return try dataset.read(as: Int32.self, offset: [index, 0], count: [1, seeds])
    }

    /// The fixed matrix whose `target` attribute names `matrix` (e.g. the teacher of `student`).
    func target(of matrix: String) throws -> [Double] {
        let file = try openInput(path)
        let root = try file.root()
        for name in try root.memberNames() where name != matrix {
            let dataset = try root.openDataset(name)
            if dataset.hasAttribute("target"), try dataset.attribute("target", as: String.self) == matrix {
                return try dataset.read(as: Double.self)
            }
        }
        throw DysonError.badInput(file: path, message: "has no teacher (fixed matrix with target '\(matrix)') for transform minus_teacher")
    }
}

/// Opens an input HDF5 file read-only, turning "missing" and "not HDF5" into one-line input errors.
func openInput(_ path: String) throws -> File {
    do {
        return try File.open(path)
    } catch let error as HDF5Error {
        throw DysonError.badInput(file: path, message: "cannot open as HDF5: \(error.message)")
    }
}
