import Fitting
import Foundation
import HDF5
import LinearAlgebra
import Simulation

/// `phase`: the phase diagram of the multilayer tanh network (SPEC §2.4; arXiv:2509.01349) from
/// `tanh_network` run files, one run file per grid point (α, σ_W), into a `dyson.phase` file.
///
/// A run file holds W at every snapshot and the teacher; the frozen M, Z and the data are
/// redrawn from the run's recorded configuration (`run_seed`, seed index: `TanhNetwork` draws
/// them from counter-based streams, so they are exactly those the run trained on). Per seed it
/// computes `PhaseObservables` from the first and last snapshot; per grid point the median and
/// the 16th/84th percentiles over the seeds that neither diverged nor failed, and the fraction
/// f of *ordered* models (Langevin classifier, `LangevinDrift`) over all seeds — a diverged seed
/// counts as not ordered — with its binomial error √(f(1 − f)/n).
///
/// Layout (axes are dimension scales): `point`, `seed`, `quantile` (0.16, 0.5, 0.84), `level`
/// (K); coordinates `learning_rate`, `initial_width`, `batch_size`, `temperature`, `epochs`
/// [point]; each observable [point, seed] and `<name>_quantiles` [point, quantile]; `ordered`,
/// `status_code` [point, seed]; `eigenvalues`, `drift_diagonal` [point, seed, level] (descending);
/// `ordered_fraction`, `ordered_fraction_error`, `models`, `diverged` [point]; `run_file` [point].
/// With `write_tables`: `readout` [point, seed, level], `training_features` [point, seed,
/// sample, feature], `test_features` [point, seed, test_sample, feature].
public enum PhaseStage {
    static let quantiles = [0.16, 0.5, 0.84]

    /// One grid point: its hyper-parameters and per-seed results.
    struct Point {
        var config: TanhNetworkConfig
        var epochs: Double
        var observables: [PhaseObservables]
        var statusCodes: [Int32]
        var eigenvalues: [Double]
        var driftDiagonal: [Double]
        var readout: [Double] = []
        var trainingFeatures: [Double] = []
        var testFeatures: [Double] = []
    }

    public static func run(inputs: [String], config: PhaseConfig, output: String, threads: Int = 2) throws {
        guard !inputs.isEmpty else { throw DysonError.invalidConfiguration(source: "phase", message: "needs at least one tanh_network run file") }
        let records = try inputs.map(InputRecord.of)
        var points: [Point] = []
        for path in inputs {
            let point = try measure(path, config: config, threads: threads)
            if let first = points.first {
                let a = first.config, b = point.config
                guard a.hiddenUnits == b.hiddenUnits, a.inputFeatures == b.inputFeatures, a.trainingSamples == b.trainingSamples,
                      a.testSamples == b.testSamples, first.statusCodes.count == point.statusCodes.count else {
                    throw DysonError.badInput(file: path, message: "seeds, K, L or data-set sizes differ from those of \(inputs[0]); a phase diagram needs equal ones")
                }
            }
            points.append(point)
        }
        try AtomicOutput.write(output) { temporary in
            let file = try File.create(temporary)
            try FileHeader(schema: .phase, config: config.toml, inputs: records).write(to: file)
            try write(points, runFiles: inputs, config: config, to: try file.root())
            try file.close()
        }
    }

    /// Reads one run file and computes every seed's observables.
    static func measure(_ path: String, config: PhaseConfig, threads: Int) throws -> Point {
        let run = try RunFileReader(path)
        guard run.model == "tanh_network" else {
            throw DysonError.badInput(file: path, message: "is a '\(run.model)' run; the phase diagram needs tanh_network runs")
        }
        let simulate = try SimulateConfig(ConfigReader(ConfigReader.parse(run.header.config, source: path), source: path, section: ""))
        guard case .tanhNetwork(let c) = simulate.model, simulate.seeds == run.seeds else {
            throw DysonError.badInput(file: path, message: "recorded configuration does not describe its \(run.seeds) tanh_network seeds")
        }
        guard run.steps.count >= 2, run.epochs.last! > 0 else {
            throw DysonError.badInput(file: path, message: "needs at least two snapshots (the initial and a trained W)")
        }
        let network = TanhNetwork(config: c, runSeed: UInt64(simulate.runSeed), seeds: simulate.firstSeed + simulate.seeds, threads: threads)
        let last = run.steps.count - 1
        let initial = try run.matrices("W", snapshot: 0)
        let final = try run.matrices("W", snapshot: last)
        let codes = try run.statusCodes(snapshot: last)
        let k = c.hiddenUnits, l = c.inputFeatures, seeds = run.seeds
        guard initial.rows == k, initial.columns == l else {
            throw DysonError.badInput(file: path, message: "W is \(initial.rows) × \(initial.columns), the configuration says \(k) × \(l)")
        }
        func gram(_ w: [Double]) -> MatrixBatch {
            var x = [Double](repeating: 0, count: seeds * k * k)
            for seed in 0..<seeds {
                for a in 0..<k {
                    for b in 0..<k {
                        var sum = 0.0
                        for j in 0..<l { sum += w[(seed * k + a) * l + j] * w[(seed * k + b) * l + j] }
                        x[(seed * k + a) * k + b] = sum
                    }
                }
            }
            return MatrixBatch(count: seeds, rows: k, columns: k, elements: x)
        }
        let initialSpectra = Diagonalisation.symmetricEigenvalues(gram(initial.values), threads: threads)
        let (finalSpectra, finalVectors) = Diagonalisation.symmetricEigensystem(gram(final.values), threads: threads)
        let teacherSpectra = Diagonalisation.symmetricEigenvalues(gram(try run.target(of: "W")), threads: threads)
        var observables: [PhaseObservables] = []
        let size = k * l
        parallelFill(copies: seeds, threads: threads) { seed -> PhaseObservables in
            guard codes[seed] == 0, initialSpectra.status[seed] == 0, finalSpectra.status[seed] == 0,
                  teacherSpectra.status[seed] == 0 else { return .missing }
            return PhaseObservables.measure(
                network: network, seed: simulate.firstSeed + seed,
                initial: Array(initial.values[(seed * size)..<((seed + 1) * size)]),
                final: Array(final.values[(seed * size)..<((seed + 1) * size)]),
                initialSpectrum: initialSpectra[seed], finalSpectrum: finalSpectra[seed],
                finalVectors: Array(finalVectors.elements[(seed * k * k)..<((seed + 1) * k * k)]),
                teacherSpectrum: teacherSpectra[seed],
                epochs: run.epochs[last])
        } store: { _, value in observables.append(value) }
        var point = Point(config: c, epochs: run.epochs[last], observables: observables, statusCodes: codes,
                          eigenvalues: (0..<seeds).flatMap { codes[$0] == 0 ? Array(finalSpectra[$0].reversed()) : [Double](repeating: .nan, count: k) },
                          driftDiagonal: [])
        point.driftDiagonal = (0..<seeds).flatMap { seed -> [Double] in
            let diagonal = observables[seed].driftDiagonal
            return diagonal.isEmpty ? [Double](repeating: .nan, count: k) : diagonal
        }
        if config.writeTables {
            for seed in 0..<seeds {
                let index = simulate.firstSeed + seed
                point.readout += network.readout(seed: index)
                point.trainingFeatures += network.trainingFeatures(seed: index)
                point.testFeatures += network.testInputFeatures(seed: index)
            }
        }
        return point
    }

    /// Sorted finite values' quantiles (NaN when none is finite).
    static func quantiles(_ values: [Double]) -> [Double] {
        let sorted = values.filter(\.isFinite).sorted()
        return quantiles.map { sorted.isEmpty ? .nan : Quantile.linear(sorted, $0) }
    }

    private static func write(_ points: [Point], runFiles: [String], config: PhaseConfig, to root: borrowing Group) throws {
        let p = points.count, seeds = points[0].statusCodes.count, c0 = points[0].config
        let k = c0.hiddenUnits
        try root.setAttribute("model", "tanh_network")
        try root.createAxis("point", count: p, description: "grid point (learning rate, initial width) of the phase diagram")
        try root.createAxis("seed", count: seeds, description: "independent model at the grid point")
        try root.createAxis("level", count: k, description: "eigenvalue of X = W W^T, descending")
        try root.createCoordinate("quantile", quantiles, description: "probability of the percentile over seeds (16th, median, 84th)")
        func coordinate(_ name: String, _ values: [Double], _ description: String, units: String = "1") throws {
            try root.writeVariable(name, values, axes: ["point"], description: description, units: units)
        }
        try coordinate("learning_rate", points.map(\.config.learningRate), HyperParameter.description("learning_rate"))
        try coordinate("initial_width", points.map(\.config.initialWidth), HyperParameter.description("initial_width"))
        try coordinate("batch_size", points.map { Double($0.config.batchSize) }, HyperParameter.description("batch_size"), units: "samples")
        try coordinate("temperature", points.map(\.config.temperature), "effective temperature T = alpha/|B|")
        try coordinate("epochs", points.map(\.epochs), "epochs trained at the last snapshot", units: "epochs")
        try root.writeStringVariable("run_file", runFiles, axes: ["point"], description: "run file of the grid point")
        for (i, name) in PhaseObservables.names.enumerated() {
            let values = points.flatMap { $0.observables.map { $0.values[i] } }
            try root.writeVariable(name, values, axes: ["point", "seed"], shape: [p, seeds],
                                   description: PhaseObservables.descriptions[i] + " (NaN: diverged or failed)")
            try root.writeVariable(name + "_quantiles", points.flatMap { quantiles($0.observables.map { $0.values[i] }) },
                                   axes: ["point", "quantile"], shape: [p, quantiles.count],
                                   description: "16th percentile, median and 84th percentile over the seeds that neither diverged nor failed of: " + PhaseObservables.descriptions[i])
        }
        try root.writeVariable("ordered", points.flatMap { $0.observables.map { Int32($0.isOrdered ? 1 : 0) } },
                               axes: ["point", "seed"], shape: [p, seeds],
                               description: "1 when the Langevin classifier calls the model ordered: drift_spread >= coulomb_scale")
        try root.writeVariable("status_code", points.flatMap(\.statusCodes), axes: ["point", "seed"], shape: [p, seeds],
                               description: "0 ok, 1 diverged, 2 failed by the last snapshot")
        try root.writeVariable("eigenvalues", points.flatMap(\.eigenvalues), axes: ["point", "seed", "level"], shape: [p, seeds, k],
                               description: "eigenvalues of X = W W^T at the final W, descending")
        try root.writeVariable("drift_diagonal", points.flatMap(\.driftDiagonal), axes: ["point", "seed", "level"], shape: [p, seeds, k],
                               description: "diagonal of the Langevin drift K = mean_n O^T (W G_n^T + G_n W^T) O in the eigenbasis of X, descending")
        let fractions = points.map { point in Double(point.observables.filter(\.isOrdered).count) / Double(seeds) }
        try coordinate("ordered_fraction", fractions, "fraction of models the Langevin classifier calls ordered (diverged count as not ordered)")
        try coordinate("ordered_fraction_error", fractions.map { ($0 * (1 - $0) / Double(seeds)).squareRoot() },
                       "binomial standard error sqrt(f(1 - f)/n) of ordered_fraction")
        try root.writeVariable("models", points.map { _ in Int64(seeds) }, axes: ["point"], description: "models (seeds) at the grid point")
        try root.writeVariable("diverged", points.map { Int64($0.statusCodes.filter { $0 != 0 }.count) }, axes: ["point"],
                               description: "models that diverged or failed before the last snapshot")
        if config.writeTables {
            let l = c0.inputFeatures
            try root.createAxis("feature", count: l, description: "frozen input feature s0 = tanh(M x)")
            try root.createAxis("sample", count: c0.trainingSamples, description: "training sample")
            try root.createAxis("test_sample", count: c0.testSamples, description: "fixed test input")
            try root.writeVariable("readout", points.flatMap(\.readout), axes: ["point", "seed", "level"], shape: [p, seeds, k],
                                   description: "frozen read-out Z (K values; the level axis here indexes hidden units)")
            try root.writeVariable("training_features", points.flatMap(\.trainingFeatures), axes: ["point", "seed", "sample", "feature"],
                                   shape: [p, seeds, c0.trainingSamples, l], description: "frozen features s0 = tanh(M x) of the training set", compressed: true)
            try root.writeVariable("test_features", points.flatMap(\.testFeatures), axes: ["point", "seed", "test_sample", "feature"],
                                   shape: [p, seeds, c0.testSamples, l], description: "frozen features s0 = tanh(M x) of the test set", compressed: true)
        }
    }
}
