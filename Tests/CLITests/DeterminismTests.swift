import Foundation
import HDF5
import Testing

/// A small `simulate` config per model, each a few seconds of release-build training so that a
/// kill lands mid-run (several snapshots, so the partial file holds some and misses others).
private let modelConfigs: [String: String] = [
    "teacher_student": """
        model = "teacher_student"
        seeds = 2000
        epochs = 200
        snapshot_every_epochs = 10
        """,
    "linear_network": """
        model = "linear_network"
        seeds = 600
        size = 3
        hidden_units = 4
        teacher_spectrum = [2.0, 2.0, 1.0]
        epochs = 60
        snapshot_every_epochs = 4
        shared_data = false
        """,
    "gaussian_rbm": """
        model = "gaussian_rbm"
        seeds = 64
        steps = 6000
        snapshot_every_steps = 400
        """,
    "tanh_network": """
        model = "tanh_network"
        seeds = 16
        batches_per_epoch = 200
        epochs = 400
        learning_rate = 4.0
        snapshot_log_count = 12
        """,
    "matrix_ou": """
        model = "matrix_ou"
        seeds = 400
        centre = [1.0, 1.0, 2.0, 3.0]
        steps = 40000
        snapshot_every_steps = 2000
        """,
    "dyson_brownian_motion": """
        model = "dyson_brownian_motion"
        seeds = 400
        beta = 4.0
        centres = [0.0, 0.0, 1.0, 1.0]
        steps = 40000
        snapshot_every_steps = 2000
        """,
]

/// Every dataset of a run file, numeric ones read as Float64 and the rest as strings.
private func runContents(_ path: String) throws -> (numbers: [String: [Double]], strings: [String: [String]]) {
    let root = try File.open(path).root()
    var numbers: [String: [Double]] = [:], strings: [String: [String]] = [:]
    for name in try root.memberNames() {
        let dataset = try root.openDataset(name)
        if try dataset.scalarType() != nil { numbers[name] = try dataset.read(as: Double.self) }
        else { strings[name] = try dataset.readStrings() }
    }
    return (numbers, strings)
}

/// Bit-identical contents, compared through the bit patterns so that NaN equals NaN (a failed
/// seed's measurements) and −0 differs from +0.
private func expectSameContents(_ a: String, _ b: String, _ label: String) throws {
    let (x, y) = (try runContents(a), try runContents(b))
    #expect(x.numbers.keys.sorted() == y.numbers.keys.sorted(), "\(label): datasets differ")
    for (name, values) in x.numbers {
        #expect(values.map(\.bitPattern) == y.numbers[name]?.map(\.bitPattern), "\(label): dataset \(name) differs")
    }
    #expect(x.strings == y.strings, "\(label): string datasets differ")
}

@Suite("simulate determinism for every model", .serialized)
struct DeterminismTests {
    /// One thread and two threads write the same datasets, bit for bit (only the `created`
    /// attribute differs between any two runs).
    @Test(arguments: modelConfigs.keys.sorted())
    func oneAndTwoThreadsWriteTheSameRun(model: String) throws {
        let scratch = try Scratch()
        let config = scratch.file("\(model).toml")
        try modelConfigs[model]!.write(toFile: config, atomically: true, encoding: .utf8)
        for threads in ["1", "2"] {
            let result = try dyson(["simulate", "--config", config, "--output", scratch.file("t\(threads).h5"), "--threads", threads])
            try #require(result.status == 0, "\(model): \(result.stderr)")
        }
        try expectSameContents(scratch.file("t1.h5"), scratch.file("t2.h5"), model)
    }

    /// SIGKILL half-way through (timed from an uninterrupted run), then `--resume`: the finished
    /// file holds exactly what the uninterrupted run wrote.
    @Test(arguments: modelConfigs.keys.sorted())
    func aKilledRunResumesExactly(model: String) throws {
        let scratch = try Scratch()
        let config = scratch.file("\(model).toml")
        try modelConfigs[model]!.write(toFile: config, atomically: true, encoding: .utf8)
        let reference = scratch.file("reference.h5")
        let clock = ContinuousClock()
        let began = clock.now
        try #require(try dyson(["simulate", "--config", config, "--output", reference]).status == 0)
        let duration = clock.now - began

        let output = scratch.file("killed.h5")
        let process = try start(["simulate", "--config", config, "--output", output])
        Thread.sleep(forTimeInterval: Double(duration.components.seconds) * 0.5 + Double(duration.components.attoseconds) * 0.5e-18)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "\(model): the run finished before it could be killed")
        #expect(!FileManager.default.fileExists(atPath: output), "a killed run must not look finished")

        let resumed = try dyson(["simulate", "--config", config, "--output", output, "--resume"])
        #expect(resumed.status == 0, "\(model): \(resumed.stderr)")
        print("\(model): killed after \(duration / 2) of \(duration); \(resumed.stdout.split(separator: "\n").first ?? "")")
        try expectSameContents(output, reference, model)
    }

    /// A tanh run in which some seeds diverge (α = 64 with a threshold of 4: 11 of 24 seeds) records
    /// "diverged at step k" for them and trains the rest to the end; the other seeds' weights
    /// are bit-identical to a run without a threshold.
    @Test func divergingSeedsDoNotDisturbTheOthers() throws {
        let scratch = try Scratch()
        let base = """
            model = "tanh_network"
            seeds = 24
            batches_per_epoch = 50
            epochs = 20
            learning_rate = 64.0
            initial_width = 2.0
            snapshot_every_steps = 500
            """
        for (name, threshold) in [("low", "4.0"), ("high", "100.0")] {
            let config = scratch.file("\(name).toml")
            try (base + "\ndivergence_threshold = \(threshold)\n").write(toFile: config, atomically: true, encoding: .utf8)
            try #require(try dyson(["simulate", "--config", config, "--output", scratch.file("\(name).h5")]).status == 0)
        }
        let low = try File.open(scratch.file("low.h5")).root(), high = try File.open(scratch.file("high.h5")).root()
        let statuses = try low.readStrings("status")
        let diverged = statuses.indices.filter { statuses[$0].hasPrefix("diverged at step ") }
        #expect(!diverged.isEmpty && diverged.count < statuses.count, "statuses \(statuses)")
        #expect(try high.readStrings("status").allSatisfy { $0 == "ok" })
        let (wLow, wHigh) = (try low.read("W", as: Double.self), try high.read("W", as: Double.self))
        let perSeed = wLow.count / statuses.count   // [snapshot][seed][K][L] → compare the last snapshot
        let snapshots = try low.read("step", as: Double.self).count
        let seedSize = perSeed / snapshots
        let last = (snapshots - 1) * statuses.count * seedSize
        for seed in statuses.indices where !diverged.contains(seed) {
            let range = (last + seed * seedSize)..<(last + (seed + 1) * seedSize)
            #expect(Array(wLow[range]) == Array(wHigh[range]), "seed \(seed) was disturbed")
        }
    }
}
