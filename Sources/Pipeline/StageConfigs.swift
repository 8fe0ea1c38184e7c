import Simulation
import Spectra
import TOMLKit

/// Configuration of `simulate`: the model, its hyper-parameters, the ensemble and the snapshot
/// schedule. Threads are not part of it: results do not depend on them.
public struct SimulateConfig: Sendable, Equatable {
    public static let models = ["teacher_student"]

    public var model = "teacher_student"
    public var seeds = 100
    /// Key of every random stream of the run.
    public var runSeed: Int = 1
    public var teacherStudent = TeacherStudentConfig()
    /// Snapshot schedule: every k epochs, or every k steps, or the listed steps (0 and the last
    /// step are always included).
    public var snapshotEveryEpochs = 2
    public var snapshotEverySteps = 0
    public var snapshotSteps: [Int] = []

    public init() {}

    init(_ r: ConfigReader) throws {
        model = try r.choice("model", default: model, allowed: Self.models)
        seeds = try r.int("seeds", default: seeds)
        runSeed = try r.int("run_seed", default: runSeed)
        var ts = TeacherStudentConfig()
        ts.size = try r.int("size", default: ts.size)
        ts.teacherSpectrum = try r.doubles("teacher_spectrum", default: Array(repeating: 2, count: max(ts.size, 0)))
        ts.noiseStd = try r.double("noise_std", default: ts.noiseStd)
        ts.learningRate = try r.double("learning_rate", default: ts.learningRate)
        ts.batchSize = try r.int("batch_size", default: ts.batchSize)
        ts.batchesPerEpoch = try r.int("batches_per_epoch", default: ts.batchesPerEpoch)
        ts.epochs = try r.int("epochs", default: ts.epochs)
        ts.initialStd = try r.double("initial_std", default: ts.initialStd)
        ts.sharedData = try r.bool("shared_data", default: ts.sharedData)
        teacherStudent = ts
        snapshotEverySteps = try r.int("snapshot_every_steps", default: 0)
        snapshotSteps = try r.ints("snapshot_steps", default: [])
        let explicitSchedule = snapshotEverySteps != 0 || !snapshotSteps.isEmpty
        snapshotEveryEpochs = try r.int("snapshot_every_epochs", default: explicitSchedule ? 0 : 2)
        try r.finish()
        try validate(r)
    }

    private func validate(_ r: ConfigReader) throws {
        let ts = teacherStudent
        try r.require(seeds >= 1, "seeds", "must be at least 1 (got \(seeds))")
        try r.require(runSeed >= 0, "run_seed", "must be a non-negative integer")
        try r.require(ts.size >= 2, "size", "must be at least 2: level spacings need two levels (got \(ts.size))")
        try r.require(ts.teacherSpectrum.count == ts.size, "teacher_spectrum", "must have size = \(ts.size) entries (got \(ts.teacherSpectrum.count))")
        try r.require(ts.learningRate > 0 && ts.learningRate < 2, "learning_rate",
                      "must be in (0, 2): the linear model's SGD update is unstable at alpha >= 2 (got \(ts.learningRate))")
        try r.require(ts.batchSize >= 1, "batch_size", "must be at least 1 (got \(ts.batchSize))")
        try r.require(ts.noiseStd >= 0, "noise_std", "must be non-negative (got \(ts.noiseStd))")
        try r.require(ts.batchesPerEpoch >= 1, "batches_per_epoch", "must be at least 1")
        try r.require(ts.epochs >= 1, "epochs", "must be at least 1")
        try r.require(ts.initialStd >= 0, "initial_std", "must be non-negative")
        let schedules = [snapshotEveryEpochs != 0, snapshotEverySteps != 0, !snapshotSteps.isEmpty].filter { $0 }.count
        try r.require(schedules == 1, "snapshot_every_epochs", "set exactly one of snapshot_every_epochs, snapshot_every_steps, snapshot_steps")
        try r.require(snapshotEveryEpochs >= 0 && snapshotEverySteps >= 0, "snapshot_every_steps", "must be positive")
        let total = ts.epochs * ts.batchesPerEpoch
        try r.require(snapshotSteps.allSatisfy { (0...total).contains($0) }, "snapshot_steps", "must lie in 0...\(total)")
        let gib = Double(TeacherStudent.tableBytes(ts, seeds: seeds)) / Double(1 << 30)
        try r.require(gib <= 4, "seeds", String(format: "needs %.1f GiB of per-batch noise tables (limit 4 GiB); split the seeds over several runs (dyson sweep)", gib))
    }

    public var schedule: SnapshotSchedule {
        let ts = teacherStudent
        let total = ts.epochs * ts.batchesPerEpoch
        if snapshotEveryEpochs > 0 { return .every(snapshotEveryEpochs * ts.batchesPerEpoch, totalSteps: total) }
        if snapshotEverySteps > 0 { return .every(snapshotEverySteps, totalSteps: total) }
        return SnapshotSchedule(snapshotSteps, totalSteps: total)
    }

    /// The hyper-parameters that label this run's ensembles, snake_case.
    public var hyperParameters: [(name: String, value: Double)] {
        let ts = teacherStudent
        return [("learning_rate", ts.learningRate), ("batch_size", Double(ts.batchSize)),
                ("noise_std", ts.noiseStd), ("temperature", ts.temperature), ("size", Double(ts.size))]
    }

    public var toml: String {
        let ts = teacherStudent
        return canonicalTOML([
            "model": model, "seeds": seeds, "run_seed": runSeed,
            "size": ts.size, "teacher_spectrum": TOMLArray(ts.teacherSpectrum), "noise_std": ts.noiseStd,
            "learning_rate": ts.learningRate, "batch_size": ts.batchSize, "batches_per_epoch": ts.batchesPerEpoch,
            "epochs": ts.epochs, "initial_std": ts.initialStd, "shared_data": ts.sharedData,
            "snapshot_every_epochs": snapshotEveryEpochs, "snapshot_every_steps": snapshotEverySteps,
            "snapshot_steps": TOMLArray(snapshotSteps),
        ])
    }
}

/// Configuration of `snapshot`: which matrix and times to take from run files, and the
/// transform applied before diagonalisation.
public struct SnapshotConfig: Sendable, Equatable {
    public static let transforms = MatrixTransform.allCases.map(\.rawValue)
    public static let selections = ["last", "all", "listed"]
    public static let normalisations = ["none", "rows", "columns"]

    public var matrix = "student"
    /// W itself, WᵀW, WWᵀ, (W + Wᵀ)/2 or W − W_teacher.
    public var transform = "W"
    /// "last" snapshot, "all" snapshots (every `every`-th), or the `steps` listed.
    public var select = "last"
    public var every = 1
    public var steps: [Int] = []
    /// Divide the transformed matrix by its number of rows or columns (e.g. X/n), or not.
    public var normalise = "none"

    public init() {}

    init(_ r: ConfigReader) throws {
        matrix = try r.string("matrix", default: matrix)
        transform = try r.choice("transform", default: transform, allowed: Self.transforms)
        select = try r.choice("select", default: select, allowed: Self.selections)
        every = try r.int("every", default: every)
        steps = try r.ints("steps", default: steps)
        normalise = try r.choice("normalise", default: normalise, allowed: Self.normalisations)
        try r.finish()
        try r.require(every >= 1, "every", "must be at least 1")
        try r.require(select != "listed" || !steps.isEmpty, "steps", "must list at least one step when select = \"listed\"")
    }

    public var toml: String {
        canonicalTOML(["matrix": matrix, "transform": transform, "select": select, "every": every,
                       "steps": TOMLArray(steps), "normalise": normalise])
    }
}

/// Configuration of `diagonalise`.
public struct DiagonaliseConfig: Sendable, Equatable {
    public static let quantities = ["singular_values", "eigenvalues"]
    /// Singular values (any matrix, dgesdd) or eigenvalues (symmetric matrices, dsyevd).
    public var quantity = "singular_values"

    public init() {}

    init(_ r: ConfigReader) throws {
        quantity = try r.choice("quantity", default: quantity, allowed: Self.quantities)
        try r.finish()
    }

    public var toml: String { canonicalTOML(["quantity": quantity]) }
}

/// Configuration of `unfold`.
public struct UnfoldConfig: Sendable, Equatable {
    /// Level pairs (i, j), i < j, of would-be degenerate levels whose spacing is measured; empty
    /// means every adjacent pair (i, i + 1).
    public var pairs: [[Int]] = []

    public init() {}

    init(_ r: ConfigReader) throws {
        pairs = try r.intPairs("pairs", default: pairs)
        try r.finish()
        try r.require(pairs.allSatisfy { $0[0] >= 0 && $0[0] < $0[1] }, "pairs", "must be pairs [i, j] of level indices with 0 <= i < j")
    }

    public var toml: String { canonicalTOML(["pairs": TOMLArray(pairs.map { TOMLArray($0) })]) }
}

/// Configuration of `fit`.
public struct FitConfig: Sendable, Equatable {
    public static let amplitudes = ["noise_variance", "none"]

    /// Dyson index of the Wigner surmise tested against (1 for real weight matrices).
    public var beta = 1
    /// Histogram bins of s: 0 for the Freedman–Diaconis rule (the papers' choice), else a count.
    public var binCount = 0
    /// A in the linear scaling fit ⟨S⟩ = a·√(T·A): "noise_variance" (A = ε², SPEC §2.1) or "none".
    public var scalingAmplitude = "noise_variance"
    /// Which level pair the scaling fit uses.
    public var scalingPair = 0
    /// Monte Carlo replicas calibrating the KS p-value (its resolution is 1/(replicas + 1)).
    public var ksReplicas = 1000

    public init() {}

    init(_ r: ConfigReader) throws {
        beta = try r.int("beta", default: beta)
        binCount = try r.int("bin_count", default: binCount)
        scalingAmplitude = try r.choice("scaling_amplitude", default: scalingAmplitude, allowed: Self.amplitudes)
        scalingPair = try r.int("scaling_pair", default: scalingPair)
        ksReplicas = try r.int("ks_replicas", default: ksReplicas)
        try r.finish()
        try r.require(ksReplicas >= 1, "ks_replicas", "must be at least 1")
        try r.require([1, 2, 4].contains(beta), "beta", "must be 1, 2 or 4 (got \(beta))")
        try r.require(binCount >= 0, "bin_count", "must be 0 (Freedman-Diaconis) or a positive bin count")
        try r.require(scalingPair >= 0, "scaling_pair", "must be a non-negative pair index")
    }

    public var toml: String {
        canonicalTOML(["beta": beta, "bin_count": binCount, "scaling_amplitude": scalingAmplitude,
                       "scaling_pair": scalingPair, "ks_replicas": ksReplicas])
    }
}

/// Reads a stage configuration from TOML text (a standalone file, or one table of a pipeline)
/// with command-line overrides on top (see `Overrides.swift`).
public enum StageConfigFile {}
