import HDF5
import Spectra

/// Collects samples into ensembles and writes the `dyson.ensemble` file; shared by every
/// `snapshot` source (dyson run files and imported weights).
///
/// Each sample is transformed (`SnapshotConfig.transform`) and normalised, then put in the
/// ensemble whose key (hyper-parameter values, step) it shares, so a scan becomes a set of
/// ensembles with coordinates. All samples must have one shape after the transform.
struct EnsembleBuilder {
    let config: SnapshotConfig
    /// The name written as `matrix_name` (the run-file matrix, or the imported array).
    let matrixName: String
    var index: EnsembleIndex
    private var keys: [[Double]] = []
    private var matrices: [Double] = []
    private var shape: (rows: Int, columns: Int)?
    /// Samples left out: diverged/failed seeds of run files, non-finite imported matrices.
    private(set) var excluded = 0
    /// Per-sample names (e.g. safetensors tensor names), written as `sample_name` if non-empty.
    private var sampleNames: [String] = []

    init(config: SnapshotConfig, matrixName: String, inputs: [String], parameterNames: [String], model: String) {
        self.config = config
        self.matrixName = matrixName
        index = EnsembleIndex(sampleEnsemble: [], sampleRun: [], sampleSeed: [], sampleStep: [], runFiles: inputs,
                              step: [], epoch: [], parameterNames: parameterNames,
                              parameterValues: parameterNames.map { _ in [] }, model: model)
    }

    mutating func exclude() { excluded += 1 }

    /// Adds the `rows × columns` matrix `w` (row-major) of seed `seed` of input `run`, unless
    /// `config.seeds` lists seeds and not this one.
    ///
    /// - Parameters:
    ///   - dropNonFinite: leave a matrix with NaN/∞ entries out (counted in `excluded`) instead
    ///     of rejecting the input: imports carry no status, so divergence shows only as non-finite.
    mutating func add(_ w: [Double], rows: Int, columns: Int, teacher: [Double]? = nil, parameters: [Double],
                      step: Int64, epoch: Double, run: Int, seed: Int, file: String, name: String? = nil,
                      dropNonFinite: Bool = false) throws {
        guard config.seeds.isEmpty || config.seeds.contains(seed) else { return }  // not selected
        let x = config.transform.apply(to: w, rows: rows, columns: columns, teacher: teacher)
        let outShape = config.transform.shape(rows: rows, columns: columns)
        if let shape, shape != outShape {
            throw DysonError.badInput(file: file, message: "matrix '\(name ?? matrixName)' is \(rows)x\(columns), unlike the other samples")
        }
        guard x.allSatisfy(\.isFinite) else {
            if dropNonFinite { excluded += 1; return }
            throw DysonError.badInput(file: file, message: "'\(matrixName)' of seed \(seed) at step \(step) is not finite although its status is ok")
        }
        shape = outShape
        let key = parameters + [Double(step)]
        let ensemble: Int
        if let existing = keys.firstIndex(of: key) {
            ensemble = existing
        } else {
            ensemble = keys.count
            keys.append(key)
            index.step.append(step)
            index.epoch.append(epoch)
            for p in parameters.indices { index.parameterValues[p].append(parameters[p]) }
        }
        let divisor = config.normalise == "rows" ? Double(rows) : config.normalise == "columns" ? Double(columns) : 1
        matrices.append(contentsOf: x.map { $0 / divisor })
        index.sampleEnsemble.append(Int64(ensemble))
        index.sampleRun.append(Int64(run))
        index.sampleSeed.append(Int64(seed))
        index.sampleStep.append(step)
        if let name { sampleNames.append(name) }
    }

    /// Writes the ensemble file atomically.
    func write(to output: String, records: [InputRecord]) throws {
        guard let shape, index.sampleCount > 0 else {
            throw DysonError.badInput(file: index.runFiles[0], message: config.source == "run"
                ? "no seed with status ok at the selected snapshots" : "no finite matrix at the selected snapshots")
        }
        precondition(sampleNames.isEmpty || sampleNames.count == index.sampleCount, "EnsembleBuilder: some samples lack names")
        try AtomicOutput.write(output) { temporary in
            let file = try File.create(temporary)
            try FileHeader(schema: .ensemble, config: config.toml, inputs: records).write(to: file)
            let root = try file.root()
            try index.write(to: root)
            try root.createAxis("row", count: shape.rows, description: "matrix row")
            try root.createAxis("col", count: shape.columns, description: "matrix column")
            try root.writeVariable("matrix", matrices, axes: ["sample", "row", "col"],
                                   shape: [index.sampleCount, shape.rows, shape.columns],
                                   description: "\(config.transform.formula(of: matrixName))\(config.normalise == "none" ? "" : " / number of \(config.normalise)") per sample",
                                   compressed: true)
            if !sampleNames.isEmpty {
                try root.writeStringVariable("sample_name", sampleNames, axes: ["sample"], description: "name of each sample's tensor in its input file")
            }
            try root.setAttribute("matrix_name", matrixName)
            try root.setAttribute("transform", config.transform.rawValue)
            try root.setAttribute("normalise", config.normalise)
            try root.setAttribute("source", config.source)
            try root.setAttribute("excluded_seeds", Int64(excluded))
            try file.close()
        }
    }
}

/// The snapshot indices `config.select` picks from snapshots recorded at `steps`.
func selectedSnapshots(steps: [Int64], config: SnapshotConfig, file: String) throws -> [Int] {
    let count = steps.count
    guard count > 0 else { throw DysonError.badInput(file: file, message: "has no snapshots") }
    switch config.select {
    case "last":
        return [count - 1]
    case "all":
        return Array(stride(from: 0, to: count, by: config.every))
    default:
        return try config.steps.map { step in
            guard let i = steps.firstIndex(of: Int64(step)) else {
                throw DysonError.badInput(file: file, message: "has no snapshot at step \(step); recorded steps: \(steps.map(String.init).joined(separator: ", "))")
            }
            return i
        }
    }
}
