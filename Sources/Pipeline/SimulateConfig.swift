import LanguageModel
import Simulation
import TOMLKit

/// Configuration of `simulate`: the model and its hyper-parameters, the ensemble and the snapshot
/// schedule. Threads are not part of it: results do not depend on them.
public struct SimulateConfig: Sendable, Equatable {
    public var model = ModelSettings.teacherStudent(TeacherStudentConfig())
    public var seeds = 100
    /// Key of every random stream of the run.
    public var runSeed: Int = 1
    /// Index of this run's first seed: the run trains seeds first_seed ..< first_seed + seeds of
    /// the ensemble (a slice that `dyson sweep` gives one array task; see `SeedRange`).
    public var firstSeed = 0
    /// Snapshot schedule: exactly one of every k epochs, every k steps, the listed steps, or n
    /// steps spaced evenly in log(1 + step) (0 and the last step are always included).
    public var snapshotEveryEpochs = 2
    public var snapshotEverySteps = 0
    public var snapshotSteps: [Int] = []
    public var snapshotLogCount = 0

    public init() {}

    init(_ r: ConfigReader) throws {
        let name = try r.choice("model", default: ModelSettings.names[0], allowed: ModelSettings.names)
        model = try ModelSettings(name: name, r)
        seeds = try r.int("seeds", default: seeds)
        runSeed = try r.int("run_seed", default: runSeed)
        firstSeed = try r.int("first_seed", default: firstSeed)
        snapshotEverySteps = try r.int("snapshot_every_steps", default: 0)
        snapshotSteps = try r.ints("snapshot_steps", default: [])
        snapshotLogCount = try r.int("snapshot_log_count", default: 0)
        let explicit = snapshotEverySteps != 0 || !snapshotSteps.isEmpty || snapshotLogCount != 0
        let defaultEpochs = model.name == "teacher_student" || model.name == "linear_network" ? 2 : 0
        snapshotEveryEpochs = try r.int("snapshot_every_epochs", default: explicit ? 0 : defaultEpochs)
        if !explicit && snapshotEveryEpochs == 0 { snapshotEverySteps = max(1, model.totalSteps / 10) }
        try r.finish()
        try r.require(seeds >= 1, "seeds", "must be at least 1 (got \(seeds))")
        try r.require(runSeed >= 0, "run_seed", "must be a non-negative integer")
        try r.require(firstSeed >= 0, "first_seed", "must be a non-negative seed index")
        let schedules = [snapshotEveryEpochs != 0, snapshotEverySteps != 0, !snapshotSteps.isEmpty, snapshotLogCount != 0]
            .filter { $0 }.count
        try r.require(schedules == 1, "snapshot_every_epochs",
                      "set exactly one of snapshot_every_epochs, snapshot_every_steps, snapshot_steps, snapshot_log_count")
        try r.require(snapshotLogCount == 0 || snapshotLogCount >= 2, "snapshot_log_count", "must be at least 2")
        try r.require(snapshotEveryEpochs >= 0 && snapshotEverySteps >= 0, "snapshot_every_steps", "must be positive")
        try r.require(snapshotSteps.allSatisfy { (0...model.totalSteps).contains($0) }, "snapshot_steps", "must lie in 0...\(model.totalSteps)")
        if let bytes = model.tableBytes(seeds: firstSeed + seeds) {
            let gib = Double(bytes) / Double(1 << 30)
            try r.require(gib <= 4, "seeds", "needs \(Int(gib.rounded(.up))) GiB of precomputed per-seed tables (limit 4 GiB); split the seeds over several runs")
        }
    }

    public var schedule: SnapshotSchedule {
        let total = model.totalSteps
        if snapshotEveryEpochs > 0 { return .every(snapshotEveryEpochs * model.stepsPerEpoch, totalSteps: total) }
        if snapshotEverySteps > 0 { return .every(snapshotEverySteps, totalSteps: total) }
        if snapshotLogCount > 0 { return .logarithmic(snapshotLogCount, totalSteps: total) }
        return SnapshotSchedule(snapshotSteps, totalSteps: total)
    }

    /// The hyper-parameters that label this run's ensembles, snake_case.
    public var hyperParameters: [(name: String, value: Double)] { model.hyperParameters }

    public var toml: String {
        var entries: [String: TOMLValueConvertible] = [
            "model": model.name, "seeds": seeds, "run_seed": runSeed,
            "snapshot_every_epochs": snapshotEveryEpochs, "snapshot_every_steps": snapshotEverySteps,
            "snapshot_steps": TOMLArray(snapshotSteps), "snapshot_log_count": snapshotLogCount,
        ]
        entries.merge(model.tomlEntries) { _, new in new }
        // Written only when set, so the configuration text of an unsplit run (and its cache
        // decision in `dyson run`) is what it was before seed slices existed.
        if firstSeed != 0 { entries["first_seed"] = firstSeed }
        return canonicalTOML(entries)
    }

    /// The model, built for `threads` workers (its quenched tables are drawn in parallel).
    func makeModel(threads: Int) -> any EnsembleModel {
        guard firstSeed > 0 else { return model.makeModel(runSeed: UInt64(runSeed), seeds: seeds, threads: threads) }
        let base = model.makeModel(runSeed: UInt64(runSeed), seeds: firstSeed + seeds, threads: threads)
        return SeedRange(base: base, first: firstSeed, count: seeds)
    }
}

/// The model a simulation trains, with its hyper-parameters (SPEC §2).
public enum ModelSettings: Sendable, Equatable {
    case teacherStudent(TeacherStudentConfig)
    case matrixOrnsteinUhlenbeck(MatrixOrnsteinUhlenbeckConfig)
    case dysonBrownianMotion(DysonBrownianMotionConfig)
    case gaussianRBM(GaussianRBMConfig)
    case tanhNetwork(TanhNetworkConfig)
    case linearNetwork(LinearNetworkConfig)
    case transformer(TransformerConfig)

    public static let names = ["teacher_student", "matrix_ou", "dyson_brownian_motion", "gaussian_rbm", "tanh_network",
                               "linear_network", "transformer"]

    public var name: String {
        switch self {
        case .teacherStudent: "teacher_student"
        case .matrixOrnsteinUhlenbeck: "matrix_ou"
        case .dysonBrownianMotion: "dyson_brownian_motion"
        case .gaussianRBM: "gaussian_rbm"
        case .tanhNetwork: "tanh_network"
        case .linearNetwork: "linear_network"
        case .transformer: "transformer"
        }
    }

    /// Reads the keys of model `name`, with every default filled in, and validates them.
    init(name: String, _ r: ConfigReader) throws {
        switch name {
        case "transformer": self = .transformer(try TransformerConfig(r))
        case "matrix_ou":
            var c = MatrixOrnsteinUhlenbeckConfig()
            c.centre = try r.doubles("centre", default: c.centre)
            c.ensemble = MatrixOrnsteinUhlenbeckConfig.Ensemble(rawValue: try r.choice("ensemble", default: "goe", allowed: ["goe", "gue"]))!
            c.temperature = try r.double("temperature", default: c.temperature)
            c.timeStep = try r.double("time_step", default: c.timeStep)
            c.steps = try r.int("steps", default: c.steps)
            c.initialStd = try r.double("initial_std", default: c.initialStd)
            try r.require(!c.centre.isEmpty, "centre", "must list the N diagonal entries of W*")
            try r.require(c.temperature >= 0, "temperature", "must be non-negative")
            try r.require(c.timeStep > 0, "time_step", "must be positive")
            try r.require(c.steps >= 1, "steps", "must be at least 1")
            try r.require(c.initialStd >= 0, "initial_std", "must be non-negative")
            self = .matrixOrnsteinUhlenbeck(c)
        case "dyson_brownian_motion":
            var c = DysonBrownianMotionConfig()
            c.centres = try r.doubles("centres", default: c.centres)
            c.beta = try r.double("beta", default: c.beta)
            c.confinement = try r.double("confinement", default: c.confinement)
            c.temperature = try r.double("temperature", default: c.temperature)
            c.timeStep = try r.double("time_step", default: c.timeStep)
            c.steps = try r.int("steps", default: c.steps)
            c.initialSpread = try r.double("initial_spread", default: c.initialSpread)
            try r.require(c.centres.count >= 2 && c.centres == c.centres.sorted(), "centres", "must list at least 2 ascending centres")
            try r.require([1, 2, 4].contains(c.beta), "beta", "must be 1, 2 or 4 (got \(c.beta))")
            try r.require(c.confinement > 0, "confinement", "must be positive")
            try r.require(c.temperature > 0, "temperature", "must be positive")
            try r.require(c.timeStep > 0, "time_step", "must be positive")
            try r.require(c.steps >= 1, "steps", "must be at least 1")
            try r.require(c.initialSpread > 0, "initial_spread", "must be positive")
            self = .dysonBrownianMotion(c)
        case "gaussian_rbm":
            var c = GaussianRBMConfig()
            c.sites = try r.int("sites", default: c.sites)
            c.hiddenUnits = try r.int("hidden_units", default: c.hiddenUnits)
            c.mass = try r.double("mass", default: c.mass)
            c.visibleMass = try r.double("visible_mass", default: c.visibleMass)
            c.learningRate = try r.double("learning_rate", default: c.learningRate)
            c.batchSize = try r.int("batch_size", default: c.batchSize)
            c.gibbsSweeps = try r.int("gibbs_sweeps", default: c.gibbsSweeps)
            c.steps = try r.int("steps", default: c.steps)
            c.initialStd = try r.double("initial_std", default: c.initialStd)
            try r.require(c.sites >= 3, "sites", "must be at least 3 (a periodic lattice)")
            try r.require(c.hiddenUnits >= 1, "hidden_units", "must be at least 1")
            try r.require(c.mass > 0, "mass", "must be positive (the lattice operator must be invertible)")
            try r.require(c.visibleMass > 0, "visible_mass", "must be positive")
            try r.require(c.learningRate > 0, "learning_rate", "must be positive (got \(c.learningRate))")
            try r.require(c.batchSize >= 1, "batch_size", "must be at least 1 (got \(c.batchSize))")
            try r.require(c.gibbsSweeps >= 1, "gibbs_sweeps", "must be at least 1")
            try r.require((1...GaussianRBMConfig.maximumSteps).contains(c.steps), "steps",
                          "must lie in 1...\(GaussianRBMConfig.maximumSteps) (each step owns 2³² blocks of the random stream)")
            try r.require(c.initialStd >= 0, "initial_std", "must be non-negative")
            self = .gaussianRBM(c)
        case "tanh_network":
            self = .tanhNetwork(try Self.readTanhNetwork(r))
        case "linear_network":
            self = .linearNetwork(try Self.readLinearNetwork(r))
        default:
            self = .teacherStudent(try Self.readTeacherStudent(r))
        }
    }

    var tomlEntries: [String: TOMLValueConvertible] {
        switch self {
        case .teacherStudent(let c):
            Self.teacherStudentEntries(c)
        case .matrixOrnsteinUhlenbeck(let c):
            ["centre": TOMLArray(c.centre), "ensemble": c.ensemble.rawValue, "temperature": c.temperature,
             "time_step": c.timeStep, "steps": c.steps, "initial_std": c.initialStd]
        case .dysonBrownianMotion(let c):
            ["centres": TOMLArray(c.centres), "beta": c.beta, "confinement": c.confinement, "temperature": c.temperature,
             "time_step": c.timeStep, "steps": c.steps, "initial_spread": c.initialSpread]
        case .gaussianRBM(let c):
            ["sites": c.sites, "hidden_units": c.hiddenUnits, "mass": c.mass, "visible_mass": c.visibleMass,
             "learning_rate": c.learningRate, "batch_size": c.batchSize, "gibbs_sweeps": c.gibbsSweeps,
             "steps": c.steps, "initial_std": c.initialStd]
        case .tanhNetwork(let c):
            ["inputs": c.inputs, "input_features": c.inputFeatures, "hidden_units": c.hiddenUnits,
             "learning_rate": c.learningRate, "initial_width": c.initialWidth, "batch_size": c.batchSize,
             "batches_per_epoch": c.batchesPerEpoch, "epochs": c.epochs, "divergence_threshold": c.divergenceThreshold,
             "test_samples": c.testSamples]
        case .linearNetwork(let c):
            Self.teacherStudentEntries(c.base).merging(["hidden_units": c.hiddenUnits,
                                                        "divergence_threshold": c.divergenceThreshold]) { _, new in new }
        case .transformer(let c): c.tomlEntries
        }
    }

    private static func teacherStudentEntries(_ c: TeacherStudentConfig) -> [String: TOMLValueConvertible] {
        ["size": c.size, "teacher_spectrum": TOMLArray(c.teacherSpectrum), "noise_std": c.noiseStd,
         "learning_rate": c.learningRate, "batch_size": c.batchSize, "batches_per_epoch": c.batchesPerEpoch,
         "epochs": c.epochs, "initial_std": c.initialStd, "shared_data": c.sharedData]
    }

    /// The hyper-parameters that label ensembles (snake_case; units in `HyperParameter`).
    var hyperParameters: [(name: String, value: Double)] {
        switch self {
        case .teacherStudent(let c):
            [("learning_rate", c.learningRate), ("batch_size", Double(c.batchSize)), ("noise_std", c.noiseStd),
             ("temperature", c.temperature), ("size", Double(c.size))]
        case .matrixOrnsteinUhlenbeck(let c):
            [("temperature", c.temperature), ("time_step", c.timeStep), ("size", Double(c.size))]
        case .dysonBrownianMotion(let c):
            [("beta", c.beta), ("temperature", c.temperature), ("confinement", c.confinement), ("time_step", c.timeStep),
             ("size", Double(c.size))]
        case .gaussianRBM(let c):
            [("learning_rate", c.learningRate), ("batch_size", Double(c.batchSize)), ("temperature", c.temperature),
             ("mass", c.mass), ("visible_mass", c.visibleMass), ("sites", Double(c.sites))]
        case .tanhNetwork(let c):
            [("learning_rate", c.learningRate), ("batch_size", Double(c.batchSize)), ("temperature", c.temperature),
             ("initial_width", c.initialWidth)]
        case .linearNetwork(let c):
            ModelSettings.teacherStudent(c.base).hyperParameters + [("hidden_units", Double(c.hiddenUnits))]
        case .transformer(let c): c.hyperParameters
        }
    }

    var totalSteps: Int {
        switch self {
        case .teacherStudent(let c): c.epochs * c.batchesPerEpoch
        case .matrixOrnsteinUhlenbeck(let c): c.steps
        case .dysonBrownianMotion(let c): c.steps
        case .gaussianRBM(let c): c.steps
        case .tanhNetwork(let c): c.epochs * c.batchesPerEpoch
        case .linearNetwork(let c): c.base.epochs * c.base.batchesPerEpoch
        case .transformer(let c): c.steps
        }
    }

    /// Steps per epoch (teacher–student), per unit of time (OU, DBM: ⌈1/dt⌉), or 1 (RBM updates).
    var stepsPerEpoch: Int {
        switch self {
        case .teacherStudent(let c): c.batchesPerEpoch
        case .matrixOrnsteinUhlenbeck(let c): max(1, Int((1 / c.timeStep).rounded(.up)))
        case .dysonBrownianMotion(let c): max(1, Int((1 / c.timeStep).rounded(.up)))
        case .gaussianRBM: 1
        case .tanhNetwork(let c): c.batchesPerEpoch
        case .linearNetwork(let c): c.base.batchesPerEpoch
        case .transformer(let c): c.nominalStepsPerEpoch
        }
    }

    /// Bytes of the quenched tables a model precomputes for `seeds` seeds, for those that have them.
    func tableBytes(seeds: Int) -> Int? {
        switch self {
        case .teacherStudent(let c): TeacherStudent.tableBytes(c, seeds: seeds)
        case .tanhNetwork(let c): TanhNetwork.tableBytes(c, seeds: seeds)
        case .linearNetwork(let c): LinearNetwork.tableBytes(c, seeds: seeds)
        case .matrixOrnsteinUhlenbeck, .dysonBrownianMotion, .gaussianRBM, .transformer: nil
        }
    }

    func makeModel(runSeed: UInt64, seeds: Int, threads: Int) -> any EnsembleModel {
        switch self {
        case .teacherStudent(let c): TeacherStudent(config: c, runSeed: runSeed, seeds: seeds, threads: threads)
        case .matrixOrnsteinUhlenbeck(let c): MatrixOrnsteinUhlenbeck(config: c, runSeed: runSeed, seeds: seeds)
        case .dysonBrownianMotion(let c): DysonBrownianMotion(config: c, runSeed: runSeed, seeds: seeds)
        case .gaussianRBM(let c): GaussianRBM(config: c, runSeed: runSeed)
        case .tanhNetwork(let c): TanhNetwork(config: c, runSeed: runSeed, seeds: seeds, threads: threads)
        case .linearNetwork(let c): LinearNetwork(config: c, runSeed: runSeed, seeds: seeds, threads: threads)
        case .transformer(let c): TransformerModel(config: c, runSeed: runSeed, seeds: seeds, threads: threads)
        }
    }

    /// The keys of `teacher_student` (SPEC §2.1), every default filled in; also the teacher,
    /// data, noise and SGD keys of `linear_network`.
    private static func readTeacherStudent(_ r: ConfigReader) throws -> TeacherStudentConfig {
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
        try r.require(ts.size >= 2, "size", "must be at least 2: level spacings need two levels (got \(ts.size))")
        try r.require(ts.teacherSpectrum.count == ts.size, "teacher_spectrum", "must have size = \(ts.size) entries (got \(ts.teacherSpectrum.count))")
        try r.require(ts.learningRate > 0 && ts.learningRate < 2, "learning_rate",
                      "must be in (0, 2): the linear model's SGD update is unstable at alpha >= 2 (got \(ts.learningRate))")
        try r.require(ts.batchSize >= 1, "batch_size", "must be at least 1 (got \(ts.batchSize))")
        try r.require(ts.noiseStd >= 0, "noise_std", "must be non-negative (got \(ts.noiseStd))")
        try r.require(ts.batchesPerEpoch >= 1, "batches_per_epoch", "must be at least 1")
        try r.require(ts.epochs >= 1, "epochs", "must be at least 1")
        try r.require(ts.initialStd >= 0, "initial_std", "must be non-negative")
        return ts
    }

    /// The keys of `tanh_network` (SPEC §2.4), every default filled in.
    private static func readTanhNetwork(_ r: ConfigReader) throws -> TanhNetworkConfig {
        var c = TanhNetworkConfig()
        c.inputs = try r.int("inputs", default: c.inputs)
        c.inputFeatures = try r.int("input_features", default: c.inputFeatures)
        c.hiddenUnits = try r.int("hidden_units", default: c.hiddenUnits)
        c.learningRate = try r.double("learning_rate", default: c.learningRate)
        c.initialWidth = try r.double("initial_width", default: c.initialWidth)
        c.batchSize = try r.int("batch_size", default: c.batchSize)
        c.batchesPerEpoch = try r.int("batches_per_epoch", default: c.batchesPerEpoch)
        c.epochs = try r.int("epochs", default: c.epochs)
        c.divergenceThreshold = try r.double("divergence_threshold", default: c.divergenceThreshold)
        c.testSamples = try r.int("test_samples", default: c.testSamples)
        try r.require(c.inputs >= 1, "inputs", "must be at least 1")
        try r.require(c.inputFeatures >= 1, "input_features", "must be at least 1")
        try r.require(c.hiddenUnits >= 2, "hidden_units", "must be at least 2: level spacings need two levels")
        try r.require(c.learningRate > 0 && c.learningRate.isFinite, "learning_rate", "must be positive (got \(c.learningRate))")
        try r.require(c.initialWidth >= 0, "initial_width", "must be non-negative")
        try r.require(c.batchSize >= 1, "batch_size", "must be at least 1 (got \(c.batchSize))")
        try r.require(c.batchesPerEpoch >= 1, "batches_per_epoch", "must be at least 1")
        try r.require(c.epochs >= 1, "epochs", "must be at least 1")
        try r.require(c.divergenceThreshold > 0, "divergence_threshold", "must be positive")
        try r.require(c.testSamples >= 0, "test_samples", "must be non-negative")
        return c
    }

    /// The keys of `linear_network` (SPEC §2.3), every default filled in: those of
    /// `teacher_student` plus the hidden width and the divergence threshold.
    private static func readLinearNetwork(_ r: ConfigReader) throws -> LinearNetworkConfig {
        var c = LinearNetworkConfig()
        c.base = try readTeacherStudent(r)
        c.hiddenUnits = try r.int("hidden_units", default: c.base.size)
        c.divergenceThreshold = try r.double("divergence_threshold", default: c.divergenceThreshold)
        try r.require(c.hiddenUnits >= 1, "hidden_units", "must be at least 1")
        try r.require(c.divergenceThreshold > 0, "divergence_threshold", "must be positive")
        return c
    }
}
