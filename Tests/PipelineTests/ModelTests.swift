import Foundation
import HDF5
import Testing
@testable import Pipeline
import Spectra

/// Every model `simulate` knows runs through snapshot → diagonalise → unfold with its natural
/// transform, and writes its hyper-parameters; numbers are checked where they are exact.
@Test(arguments: [
    ("model = \"matrix_ou\"\ncentre = [0.0, 1.0, 2.0]\ntemperature = 0.01\nsteps = 200", "W", "eigenvalues", ["temperature", "time_step", "size"]),
    ("model = \"dyson_brownian_motion\"\ncentres = [0.0, 0.0, 0.0, 0.0]\nsteps = 200\ntime_step = 0.01", "W", "eigenvalues", ["beta", "temperature", "confinement", "time_step", "size"]),
    ("model = \"gaussian_rbm\"\nsites = 4\nhidden_units = 4\nsteps = 100\nbatch_size = 8", "WtW", "eigenvalues", ["learning_rate", "batch_size", "temperature", "mass", "visible_mass", "sites"]),
    ("model = \"tanh_network\"\nhidden_units = 4\ninput_features = 8\nbatches_per_epoch = 10\nepochs = 10", "WWt", "eigenvalues",
     ["learning_rate", "batch_size", "temperature", "initial_width"]),
    ("model = \"linear_network\"\nsize = 3\nteacher_spectrum = [2.0, 2.0, 1.0]\nbatches_per_epoch = 10\nepochs = 20", "W", "singular_values",
     ["learning_rate", "batch_size", "noise_std", "temperature", "size", "hidden_units"]),
    ("model = \"transformer\"\nlayers = 1\nheads = 2\nembedding = 8\ncontext = 8\nbatch_size = 2\nsteps = 20\ncorpus_characters = 25000\nevaluation_sequences = 2",
     "WtW", "eigenvalues", ["learning_rate", "batch_size", "temperature", "layers", "heads", "embedding", "context", "weight_decay"]),
])
func everyModelRunsThroughTheAnalysisStages(config: String, transform: String, quantity: String, parameters: [String]) throws {
    let scratch = try Scratch()
    let settings = try StageConfigFile.simulate(config + "\nseeds = 6", source: "test")
    try SimulateStage.run(config: settings, output: scratch.file("run.h5"))
    let run = try File.open(scratch.file("run.h5"))
    #expect(try run.root().stringArrayAttribute("hyper_parameters") == parameters)
    let steps = try run.root().read("step", as: Int64.self)
    #expect(steps.first == 0 && steps.count == 11, "default schedule: 10 intervals, got \(steps)")
    let model = try run.root().attribute("model", as: String.self)
    let matrix = model == "transformer" ? "layer0_key" : (config.contains("dyson") ? "levels" : (config.contains("linear_network") ? "product" : "W"))
    var snapshot = SnapshotConfig()
    snapshot.matrix = matrix
    snapshot.transform = MatrixTransform(rawValue: transform)!
    try SnapshotStage.run(inputs: [scratch.file("run.h5")], config: snapshot, output: scratch.file("e.h5"))
    var diagonalise = DiagonaliseConfig()
    diagonalise.quantity = quantity
    try DiagonaliseStage.run(input: scratch.file("e.h5"), config: diagonalise, output: scratch.file("s.h5"))
    try UnfoldStage.run(input: scratch.file("s.h5"), config: UnfoldConfig(), output: scratch.file("u.h5"))
    let spacings = try File.open(scratch.file("u.h5")).root().read("spacing", as: Double.self)
    #expect(spacings.allSatisfy { $0 >= 0 && $0.isFinite })
    if config.contains("dyson") {
        // The DBM state is diag(x): its eigenvalues are the levels themselves.
        let levels = try run.root().openDataset("levels").read(as: Double.self, offset: [10, 0, 0, 0], count: [1, 6, 4, 4])
        let values = try File.open(scratch.file("s.h5")).root().read("values", as: Double.self)
        for seed in 0..<6 {
            let diagonal = (0..<4).map { levels[seed * 16 + $0 * 5] }.sorted()
            for k in 0..<4 { #expect(abs(values[seed * 4 + k] - diagonal[k]) < 1e-12) }
        }
    }
}

@Test func modelConfigurationsRoundTripThroughTheirCanonicalText() throws {
    for text in ["model = \"matrix_ou\"\nensemble = \"gue\"", "model = \"dyson_brownian_motion\"\nbeta = 4",
                 "model = \"gaussian_rbm\"\nmass = 1.5", "size = 3", "model = \"tanh_network\"\ninitial_width = 4.0",
                 "model = \"linear_network\"\nsize = 3\nhidden_units = 5",
                 "model = \"transformer\"\noptimiser = \"sgd\"\ntied_head = true"] {
        let config = try StageConfigFile.simulate(text, source: "t")
        #expect(try StageConfigFile.simulate(config.toml, source: "t") == config)
    }
    #expect(throws: DysonError.self) { try StageConfigFile.simulate("model = \"dyson_brownian_motion\"\nbeta = 3", source: "t") }
    #expect(throws: DysonError.self) { try StageConfigFile.simulate("model = \"gaussian_rbm\"\nsize = 3", source: "t") }
    #expect(throws: DysonError.self) { try StageConfigFile.simulate("model = \"tanh_network\"\nnoise_std = 0.1", source: "t") }
    #expect(throws: DysonError.self) { try StageConfigFile.simulate("model = \"linear_network\"\nsize = 3\nteacher_spectrum = [1.0]", source: "t") }
    // Every key and its default is written into the canonical text.
    let tanh = try StageConfigFile.simulate("model = \"tanh_network\"", source: "t").toml
    for key in ["inputs", "input_features", "hidden_units", "learning_rate", "initial_width", "batch_size",
                "batches_per_epoch", "epochs", "divergence_threshold", "test_samples"] {
        #expect(tanh.contains("\n\(key) = ") || tanh.hasPrefix("\(key) = "), "tanh_network: \(key) missing from \(tanh)")
    }
    #expect(throws: DysonError.self) { try StageConfigFile.simulate("model = \"transformer\"\nheads = 3", source: "t") }
    #expect(throws: DysonError.self) { try StageConfigFile.simulate("model = \"transformer\"\ncorpus_characters = 3000", source: "t") }
    #expect(throws: DysonError.self) { try StageConfigFile.simulate("model = \"transformer\"\noptimiser = \"lion\"", source: "t") }
}

@Test func aLogarithmicScheduleSpansTheRunInLogTime() throws {
    let config = try StageConfigFile.simulate("epochs = 100\nsnapshot_log_count = 6", source: "t")
    let steps = config.schedule.steps
    #expect(steps.first == 0 && steps.last == 50_000 && steps.count == 6)
    // Evenly spaced in log(1 + step): step k is e^{k ln(50 001)/5} − 1 rounded to an integer.
    for (k, step) in steps.enumerated() {
        #expect(abs(Double(step) - (exp(Double(k) * log(50_001.0) / 5) - 1)) <= 0.5 + 1e-9)
    }
    #expect(throws: DysonError.self) { try StageConfigFile.simulate("snapshot_log_count = 6\nsnapshot_every_steps = 5", source: "t") }
}
