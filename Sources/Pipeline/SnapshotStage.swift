import HDF5
import Spectra

/// `snapshot`: turns run files into a `dyson.ensemble` file — the chosen matrix at the chosen
/// times, transformed, with samples grouped into ensembles of equal hyper-parameters and step.
///
/// A seed that had diverged or failed by a snapshot is left out of that snapshot (the count is
/// recorded), so a diverged seed never enters the statistics. Runs with equal hyper-parameters (e.g. slices of one sweep) merge into
/// one ensemble.
public enum SnapshotStage {
    public static func run(inputs: [String], config: SnapshotConfig, output: String) throws {
        guard !inputs.isEmpty else { throw DysonError.invalidConfiguration(source: "snapshot", message: "needs at least one run file") }
        let records = try inputs.map(InputRecord.of)
        var index = EnsembleIndex(sampleEnsemble: [], sampleRun: [], sampleSeed: [], sampleStep: [], runFiles: inputs,
                                  step: [], epoch: [], parameterNames: [], parameterValues: [], model: "")
        var ensembleKeys: [[Double]] = []
        var matrices: [Double] = []
        var shape: (rows: Int, columns: Int)?
        var excluded = 0
        for (runIndex, path) in inputs.enumerated() {
            let run = try RunFileReader(path)
            if runIndex == 0 {
                index.parameterNames = run.parameterNames
                index.parameterValues = run.parameterNames.map { _ in [] }
                index.model = run.model
            } else if run.parameterNames != index.parameterNames || run.model != index.model {
                throw DysonError.badInput(file: path, message: "model or hyper-parameters (\(run.parameterNames.joined(separator: ", "))) differ from those of \(inputs[0])")
            }
            let transform = config.transform
            let teacher = transform == .minusTeacher ? try run.target(of: config.matrix) : []
            for snapshot in try selectedSnapshots(run, config: config, file: path) {
                let (rows, columns, values) = try run.matrices(config.matrix, snapshot: snapshot)
                let statusCodes = try run.statusCodes(snapshot: snapshot)
                let divisor = config.normalise == "rows" ? Double(rows) : config.normalise == "columns" ? Double(columns) : 1
                let key = run.parameterValues + [Double(run.steps[snapshot])]
                let ensemble: Int
                if let existing = ensembleKeys.firstIndex(of: key) {
                    ensemble = existing
                } else {
                    ensemble = ensembleKeys.count
                    ensembleKeys.append(key)
                    index.step.append(run.steps[snapshot])
                    index.epoch.append(run.epochs[snapshot])
                    for p in run.parameterValues.indices { index.parameterValues[p].append(run.parameterValues[p]) }
                }
                let count = rows * columns
                for seed in 0..<run.seeds {
                    guard statusCodes[seed] == 0 else { excluded += 1; continue }
                    let w = Array(values[(seed * count)..<((seed + 1) * count)])
                    let x = transform.apply(to: w, rows: rows, columns: columns,
                                            teacher: teacher.isEmpty ? nil : Array(teacher[(seed * count)..<((seed + 1) * count)]))
                    let outShape = transform.shape(rows: rows, columns: columns)
                    if let shape, shape != outShape {
                        throw DysonError.badInput(file: path, message: "matrix '\(config.matrix)' is \(rows)x\(columns), unlike the other inputs")
                    }
                    shape = outShape
                    guard x.allSatisfy(\.isFinite) else {
                        throw DysonError.badInput(file: path, message: "'\(config.matrix)' of seed \(seed) at step \(run.steps[snapshot]) is not finite although its status is ok")
                    }
                    matrices.append(contentsOf: x.map { $0 / divisor })
                    index.sampleEnsemble.append(Int64(ensemble))
                    index.sampleRun.append(Int64(runIndex))
                    index.sampleSeed.append(Int64(seed))
                    index.sampleStep.append(run.steps[snapshot])
                }
            }
        }
        guard let shape, index.sampleCount > 0 else {
            throw DysonError.badInput(file: inputs[0], message: "no seed with status ok at the selected snapshots")
        }
        try AtomicOutput.write(output) { temporary in
            let file = try File.create(temporary)
            try FileHeader(schema: .ensemble, config: config.toml, inputs: records).write(to: file)
            let root = try file.root()
            try index.write(to: root)
            try root.createAxis("row", count: shape.rows, description: "matrix row")
            try root.createAxis("col", count: shape.columns, description: "matrix column")
            try root.writeVariable("matrix", matrices, axes: ["sample", "row", "col"],
                                   shape: [index.sampleCount, shape.rows, shape.columns],
                                   description: "\(config.transform.formula(of: config.matrix))\(config.normalise == "none" ? "" : " / number of \(config.normalise)") per sample",
                                   compressed: true)
            try root.setAttribute("matrix_name", config.matrix)
            try root.setAttribute("transform", config.transform.rawValue)
            try root.setAttribute("normalise", config.normalise)
            try root.setAttribute("excluded_seeds", Int64(excluded))
            try file.close()
        }
    }

    private static func selectedSnapshots(_ run: RunFileReader, config: SnapshotConfig, file: String) throws -> [Int] {
        let count = run.steps.count
        guard count > 0 else { throw DysonError.badInput(file: file, message: "has no snapshots") }
        switch config.select {
        case "last":
            return [count - 1]
        case "all":
            return Array(stride(from: 0, to: count, by: config.every))
        default:
            return try config.steps.map { step in
                guard let i = run.steps.firstIndex(of: Int64(step)) else {
                    throw DysonError.badInput(file: file, message: "has no snapshot at step \(step); recorded steps: \(run.steps.map(String.init).joined(separator: ", "))")
                }
                return i
            }
        }
    }
}
