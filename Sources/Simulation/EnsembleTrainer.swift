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
/// each seed advances a whole snapshot interval at a time (its state stays in cache); models with
/// lane groups (`seedGroupWidth` > 1) advance groups of live seeds in two half-intervals spread
/// evenly over the threads (`advanceInGroups`). Each seed's result depends only on (model, seed,
/// step), never on the thread count, block boundaries or groups.
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
            statuses.withUnsafeMutableBufferPointer { statusBuffer in
                let statusBase = statusBuffer.baseAddress!
                if model.seedGroupWidth > 1 {
                    advanceInGroups(states: &states, statuses: statusBase, from: start, count: count)
                    return
                }
                forEachSeed(states: &states) { seed, state in
                    guard statusBase[seed].isOK else { return }
                    statusBase[seed] = model.advance(seed: seed, state: state, from: start, count: count)
                }
            }
            try record(snapshot(index: index, states: states, statuses: statuses))
        }
    }

    /// Advances the live seeds through `start ..< start + count` in lane groups of
    /// `seedGroupWidth` (seed order), every group in two halves split at start + ⌊count/2⌋, for
    /// any thread count, so each seed's trajectory is always the same two `advance` calls (a
    /// model with lane groups must give the same result for [a, b) then [b, c) as for [a, c);
    /// with its lanes independent, a seed's result then depends neither on its group nor on the
    /// threads).
    ///
    /// The 2G halves of G groups are laid out in order on T = min(threads, G) threads,
    /// ⌈2G/T⌉ per thread, and run in two phases (the first half of each thread's slots, then the
    /// rest): McNaughton's wrap-around rule, so every thread gets the same work even when T does
    /// not divide G (20 seeds on 2 threads: 2.5 groups each instead of 3 and 2.5 wasted lanes).
    /// A group wrapping from thread k's last slot to thread k + 1's first runs its first half
    /// there in phase 1 and its second half on thread k in phase 2; no group has two halves in
    /// one phase on two threads, so phases need no locks, only the barrier between them.
    private func advanceInGroups(states: inout [Double], statuses: UnsafeMutablePointer<SeedStatus>, from start: Int, count: Int) {
        let size = model.stateSize, width = model.seedGroupWidth
        let live = (0..<seeds).filter { statuses[$0].isOK }
        guard !live.isEmpty else { return }
        let groups = stride(from: 0, to: live.count, by: width).map { Array(live[$0..<min($0 + width, live.count)]) }
        let threadCount = min(threads, groups.count)
        let perThread = (2 * groups.count + threadCount - 1) / threadCount
        let boundary = (perThread + 1) / 2
        // plan[thread][phase]: (group, half) in execution order.
        var plan = [[[(group: Int, half: Int)]]](repeating: [[], []], count: threadCount)
        for item in 0..<(2 * groups.count) {
            let thread = item / perThread, slot = item % perThread
            var half = item % 2
            // A wrapped group: its half on the later thread (phase 1) must come first.
            if half == 0 && slot == perThread - 1 && item + 1 < 2 * groups.count { half = 1 }
            else if half == 1 && slot == 0 && thread > 0 { half = 0 }
            plan[thread][slot < boundary ? 0 : 1].append((item / 2, half))
        }
        let middle = start + count / 2, end = start + count
        states.withUnsafeMutableBufferPointer { all in
            let base = all.baseAddress!
            for phase in 0..<2 {
                concurrentBlocks(threadCount) { thread in
                    for (g, half) in plan[thread][phase] {
                        let (from, to) = half == 0 ? (start, middle) : (middle, end)
                        let group = groups[g].filter { statuses[$0].isOK }
                        guard to > from, !group.isEmpty else { continue }
                        let views = group.map { UnsafeMutableBufferPointer(start: base + $0 * size, count: size) }
                        let results = model.advance(seeds: group, states: views, from: from, count: to - from)
                        for (seed, status) in zip(group, results) { statuses[seed] = status }
                    }
                }
            }
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
        let blocks = min(threads, seeds)
        states.withUnsafeMutableBufferPointer { all in
            let base = all.baseAddress!
            concurrentBlocks(blocks) { block in
                for seed in (seeds * block / blocks)..<(seeds * (block + 1) / blocks) {
                    body(seed, UnsafeMutableBufferPointer(start: base + seed * size, count: size))
                }
            }
        }
    }
}
