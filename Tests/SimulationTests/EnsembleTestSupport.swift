import Testing
@testable import Simulation

/// Every snapshot of an ensemble run of `model`.
func ensembleSnapshots<Model: EnsembleModel>(_ model: Model, seeds: Int, threads: Int,
                                             schedule: SnapshotSchedule) throws -> [EnsembleSnapshot] {
    let trainer = EnsembleTrainer(model: model, seeds: seeds, schedule: schedule, threads: threads)
    var snapshots: [EnsembleSnapshot] = []
    try trainer.run { snapshots.append($0) }
    return snapshots
}

/// Sample mean and its standard error s/√n.
func sampleMeanAndError(_ samples: [Double]) -> (mean: Double, error: Double) {
    let n = Double(samples.count)
    let mean = samples.reduce(0, +) / n
    let variance = samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)
    return (mean, (variance / n).squareRoot())
}

/// Continuing from the checkpoint of snapshot `cut` must reproduce the rest of an uninterrupted
/// run bit for bit: what `simulate --resume` relies on.
func expectResumeReproducesRun<Model: EnsembleModel>(_ model: Model, seeds: Int, schedule: SnapshotSchedule, cut: Int) throws {
    let trainer = EnsembleTrainer(model: model, seeds: seeds, schedule: schedule, threads: 2)
    let full = try ensembleSnapshots(model, seeds: seeds, threads: 2, schedule: schedule)
    let checkpoint = EnsembleCheckpoint(snapshotIndex: full[cut].index, step: full[cut].step,
                                        states: full[cut].states, statuses: full[cut].statuses)
    var resumed: [EnsembleSnapshot] = []
    try trainer.run(from: checkpoint) { resumed.append($0) }
    #expect(resumed.map(\.step) == full.dropFirst(cut + 1).map(\.step))
    #expect(resumed.map(\.states) == full.dropFirst(cut + 1).map(\.states))
}

/// `ensembleSnapshots` with a snapshot every `every` steps.
func ensembleSnapshotsEvery<Model: EnsembleModel>(_ model: Model, seeds: Int, threads: Int, every: Int) throws -> [EnsembleSnapshot] {
    try ensembleSnapshots(model, seeds: seeds, threads: threads, schedule: .every(every, totalSteps: model.totalSteps))
}

extension Array where Element == [Double] {
    /// Mutable views of every inner array for the duration of `body`.
    mutating func withUnsafeMutableBufferPointers<R>(_ body: ([UnsafeMutableBufferPointer<Double>]) -> R) -> R {
        var storage: [Double] = self.reduce([], +)
        let sizes = self.map(\.count)
        let result = storage.withUnsafeMutableBufferPointer { all -> R in
            var views: [UnsafeMutableBufferPointer<Double>] = [], start = 0
            for size in sizes {
                views.append(UnsafeMutableBufferPointer(rebasing: all[start..<(start + size)]))
                start += size
            }
            return body(views)
        }
        var start = 0
        for i in indices {
            self[i] = [Double](storage[start..<(start + sizes[i])])
            start += sizes[i]
        }
        return result
    }
}
