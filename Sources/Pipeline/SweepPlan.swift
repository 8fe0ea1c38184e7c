import Foundation

/// A pipeline's simulations cut into independent tasks for a job array (`dyson sweep`): one task
/// per point of the `[sweep]` table's Cartesian product and per chunk of `seedsPerTask` seeds.
///
/// A task trains seeds first_seed ..< first_seed + seeds of its simulation into its own run file
/// (`RunLayout.task`); seeds draw from per-seed random streams, so the merged tasks equal the
/// unsplit run bit for bit (`SeedRange`). Task indices run 0 ..< tasks.count, simulation by
/// simulation in pipeline order and seed chunks in order within each, which is the order of
/// Slurm's `--array=0-(N-1)`.
public struct SweepPlan: Sendable {
    public struct Task: Sendable {
        public let index: Int
        /// The simulation (sweep point) the task belongs to, as in `PipelineFile.simulations`.
        public let label: String
        /// The slice: `firstSeed` and `seeds` set, everything else the simulation's.
        public let config: SimulateConfig
        public let output: String
    }

    public let pipeline: PipelineFile
    /// Seeds per task; nil keeps each simulation whole (one task per sweep point).
    public let seedsPerTask: Int?
    public let tasks: [Task]

    public init(pipeline: PipelineFile, seedsPerTask: Int?) {
        precondition(seedsPerTask.map { $0 >= 1 } ?? true, "seedsPerTask must be positive")
        self.pipeline = pipeline
        self.seedsPerTask = seedsPerTask
        var tasks: [Task] = []
        for (label, config) in pipeline.simulations {
            let chunk = seedsPerTask ?? config.seeds
            for first in stride(from: 0, to: config.seeds, by: chunk) {
                var slice = config
                slice.firstSeed = first
                slice.seeds = min(chunk, config.seeds - first)
                tasks.append(Task(index: tasks.count, label: label, config: slice,
                                  output: pipeline.layout.task(label, firstSeed: first, seeds: slice.seeds)))
            }
        }
        self.tasks = tasks
    }

    /// The task with array index `index`, or an error naming the valid range.
    public func task(_ index: Int) throws -> Task {
        guard tasks.indices.contains(index) else {
            throw DysonError.invalidConfiguration(source: pipeline.path,
                                                  message: "has tasks 0...\(tasks.count - 1) with this split; there is no task \(index)")
        }
        return tasks[index]
    }

    /// The tasks of simulation `label`, in seed order.
    public func tasks(of label: String) -> [Task] { tasks.filter { $0.label == label } }

    /// Runs one task: trains its slice, continuing a `.partial` file left by a killed attempt
    /// (Slurm requeues) and doing nothing when the finished file is already there.
    @discardableResult
    public static func run(_ task: Task, threads: Int) throws -> SimulateStage.Summary {
        try SimulateStage.run(config: task.config, output: task.output, resume: true, threads: threads)
    }

    /// Runs every task with `workers` concurrent workers, each on `threadsPerWorker` threads;
    /// returns the first error after all have finished.
    public func runLocally(workers: Int, threadsPerWorker: Int, log: @escaping @Sendable (String) -> Void) throws {
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = workers
        let failures = FailureList()
        for task in tasks {
            queue.addOperation {
                do {
                    let summary = try Self.run(task, threads: threadsPerWorker)
                    log(String(format: "task %d (%@, seeds %d..<%d): %.2f s", task.index, task.label, task.config.firstSeed,
                               task.config.firstSeed + task.config.seeds, summary.seconds))
                } catch {
                    failures.append(error)
                }
            }
        }
        queue.waitUntilAllOperationsAreFinished()
        if let first = failures.first { throw first }
    }
}

/// Errors collected from concurrent tasks.
private final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [Error] = []

    func append(_ error: Error) {
        lock.lock()
        errors.append(error)
        lock.unlock()
    }

    var first: Error? {
        lock.lock()
        defer { lock.unlock() }
        return errors.first
    }
}
