/// Everything recorded at one snapshot of an ensemble: the full state of every seed (from which
/// the recorded matrices are views), per-seed status and measurements.
public struct EnsembleSnapshot: Sendable {
    public let index: Int
    public let step: Int
    /// [seed][stateSize], row-major.
    public let states: [Double]
    public let statuses: [SeedStatus]
    public let measurements: [Measurement]
}

/// Where an ensemble run continues from: the snapshot index and step it had reached, and the
/// per-seed states and statuses written with that snapshot.
public struct EnsembleCheckpoint: Sendable {
    public let snapshotIndex: Int
    public let step: Int
    public let states: [Double]
    public let statuses: [SeedStatus]

    public init(snapshotIndex: Int, step: Int, states: [Double], statuses: [SeedStatus]) {
        self.snapshotIndex = snapshotIndex
        self.step = step
        self.states = states
        self.statuses = statuses
    }
}

/// Trains every seed of an ensemble through a snapshot schedule.
///
/// Seeds are independent, so the ensemble is split into contiguous blocks, one per thread, and
/// each seed advances a whole snapshot interval at a time (its state stays in cache). Each seed's
/// result depends only on (model, seed, step), never on the thread count or block boundaries.
public struct EnsembleTrainer<Model: EnsembleModel>: Sendable {
    public let model: Model
    public let seeds: Int
    public let schedule: SnapshotSchedule
    public let threads: Int

    public init(model: Model, seeds: Int, schedule: SnapshotSchedule, threads: Int) {
        precondition(seeds > 0, "an ensemble needs at least one seed")
        precondition(threads > 0, "threads must be positive")
        precondition(schedule.steps.last == model.totalSteps, "schedule must end at the model's final step")
        self.model = model
        self.seeds = seeds
        self.schedule = schedule
        self.threads = threads
    }

    /// Runs the ensemble, handing each snapshot to `record` (on the calling thread) as soon as it
    /// exists. With a checkpoint, continues after its snapshot and records only later ones.
    public func run(from checkpoint: EnsembleCheckpoint? = nil,
                    record: (EnsembleSnapshot) throws -> Void) throws {
        let size = model.stateSize
        var states: [Double]
        var statuses: [SeedStatus]
        let firstIndex: Int
        if let checkpoint {
            precondition(checkpoint.states.count == seeds * size, "checkpoint has \(checkpoint.states.count) state values, expected \(seeds * size)")
            precondition(schedule.steps[checkpoint.snapshotIndex] == checkpoint.step, "checkpoint step is not on the schedule")
            states = checkpoint.states
            statuses = checkpoint.statuses
            firstIndex = checkpoint.snapshotIndex + 1
        } else {
            states = [Double](repeating: 0, count: seeds * size)
            statuses = Array(repeating: .ok, count: seeds)
            forEachSeed(states: &states) { seed, state in model.initialise(seed: seed, state: state) }
            try record(snapshot(index: 0, states: states, statuses: statuses))
            firstIndex = 1
        }
        for index in firstIndex..<schedule.steps.count {
            let start = schedule.steps[index - 1]
            let count = schedule.steps[index] - start
            let width = max(1, model.seedGroupWidth)
            statuses.withUnsafeMutableBufferPointer { statusBuffer in
                let statusBase = statusBuffer.baseAddress!
                forEachBlock(states: &states) { range, base in
                    // The block's live seeds in groups of `width` (seeds in SIMD lanes); a seed's
                    // result does not depend on its group, so neither does it on the threads.
                    let live = range.filter { statusBase[$0].isOK }
                    for first in stride(from: 0, to: live.count, by: width) {
                        let group = Array(live[first..<min(first + width, live.count)])
                        let views = group.map { UnsafeMutableBufferPointer(start: base + $0 * size, count: size) }
                        let results = width == 1
                            ? [model.advance(seed: group[0], state: views[0], from: start, count: count)]
                            : model.advance(seeds: group, states: views, from: start, count: count)
                        for (seed, status) in zip(group, results) { statusBase[seed] = status }
                    }
                }
            }
            try record(snapshot(index: index, states: states, statuses: statuses))
        }
    }

    /// Measures every seed, seeds split over the threads like training (each measurement
    /// depends only on its seed's state).
    private func snapshot(index: Int, states: [Double], statuses: [SeedStatus]) -> EnsembleSnapshot {
        let size = model.stateSize
        var measurements = [Measurement](repeating: Measurement(loss: 0, gradientNorm: 0), count: seeds)
        let blocks = min(threads, seeds)
        states.withUnsafeBufferPointer { all in
            measurements.withUnsafeMutableBufferPointer { out in
                let base = all.baseAddress!, results = out.baseAddress!
                concurrentBlocks(blocks) { block in
                    for seed in (seeds * block / blocks)..<(seeds * (block + 1) / blocks) {
                        results[seed] = model.measure(seed: seed, state: UnsafeBufferPointer(start: base + seed * size, count: size))
                    }
                }
            }
        }
        return EnsembleSnapshot(index: index, step: schedule.steps[index], states: states,
                                statuses: statuses, measurements: measurements)
    }

    /// Calls `body` for every seed with a view of its state, seeds split into `threads` contiguous
    /// blocks that run concurrently. Blocks touch disjoint memory.
    private func forEachSeed(states: inout [Double],
                             _ body: (Int, UnsafeMutableBufferPointer<Double>) -> Void) {
        let size = model.stateSize
        forEachBlock(states: &states) { range, base in
            for seed in range {
                body(seed, UnsafeMutableBufferPointer(start: base + seed * size, count: size))
            }
        }
    }

    /// Calls `body(range, base)` for `threads` contiguous blocks of seeds concurrently, `base`
    /// pointing at seed 0's state. Blocks touch disjoint memory.
    private func forEachBlock(states: inout [Double],
                              _ body: (Range<Int>, UnsafeMutablePointer<Double>) -> Void) {
        let blocks = min(threads, seeds)
        states.withUnsafeMutableBufferPointer { all in
            let base = all.baseAddress!
            concurrentBlocks(blocks) { block in
                body((seeds * block / blocks)..<(seeds * (block + 1) / blocks), base)
            }
        }
    }
}
