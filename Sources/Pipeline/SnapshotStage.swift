import HDF5
import Spectra

/// `snapshot`: turns run files — or weights written by other tools (`source` ≠ "run", see
/// `WeightImportSource`) — into a `dyson.ensemble` file: the chosen matrix at the chosen times,
/// transformed, with samples grouped into ensembles of equal hyper-parameters and step.
///
/// A seed that had diverged or failed by a snapshot is left out of that snapshot (the count is
/// recorded), so a diverged seed never enters the statistics. Runs with equal hyper-parameters (e.g. slices of one sweep) merge into
/// one ensemble.
public enum SnapshotStage {
    public static func run(inputs: [String], config: SnapshotConfig, output: String) throws {
        guard !inputs.isEmpty else { throw DysonError.invalidConfiguration(source: "snapshot", message: "needs at least one input file") }
        let records = try inputs.map(InputRecord.of)
        if config.source != "run" {
            try WeightImportSource.collect(inputs: inputs, config: config).write(to: output, records: records)
            return
        }
        var builder: EnsembleBuilder?
        for (runIndex, path) in inputs.enumerated() {
            let run = try RunFileReader(path)
            if builder == nil {
                builder = EnsembleBuilder(config: config, matrixName: config.matrix, inputs: inputs,
                                          parameterNames: run.parameterNames, model: run.model)
            } else if run.parameterNames != builder!.index.parameterNames || run.model != builder!.index.model {
                throw DysonError.badInput(file: path, message: "model or hyper-parameters (\(run.parameterNames.joined(separator: ", "))) differ from those of \(inputs[0])")
            }
            let teacher = config.transform == .minusTeacher ? try run.target(of: config.matrix) : []
            for snapshot in try selectedSnapshots(steps: run.steps, config: config, file: path) {
                let (rows, columns, values) = try run.matrices(config.matrix, snapshot: snapshot)
                let statusCodes = try run.statusCodes(snapshot: snapshot)
                let count = rows * columns
                for seed in 0..<run.seeds {
                    guard config.seeds.isEmpty || config.seeds.contains(seed) else { continue }
                    guard statusCodes[seed] == 0 else { builder!.exclude(); continue }
                    let slice = (seed * count)..<((seed + 1) * count)
                    try builder!.add(Array(values[slice]), rows: rows, columns: columns,
                                     teacher: teacher.isEmpty ? nil : Array(teacher[slice]),
                                     parameters: run.parameterValues, step: run.steps[snapshot], epoch: run.epochs[snapshot],
                                     run: runIndex, seed: seed, file: path)
                }
            }
        }
        try builder!.write(to: output, records: records)
    }
}
