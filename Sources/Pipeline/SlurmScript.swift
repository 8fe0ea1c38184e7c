import Foundation

/// What one sweep task costs, measured here before the job array is written: the set-up of the
/// largest task's model (its quenched tables; a seed slice builds those of every seed before it),
/// the training time per seed-step from one seed trained for about `budget` seconds (a full lane
/// group of copies of it, as the trainer runs seeds), and the memory the set-up took.
public struct TaskCost: Sendable {
    public var setupSeconds: Double
    public var secondsPerSeedStep: Double
    public var measuredSteps: Int
    public var setupBytes: Int
    /// Seed-steps and state bytes of the largest task.
    public var seedSteps: Int
    public var stateBytes: Int

    /// Measures the largest task of `plan` (most seeds, then latest first seed).
    public static func measure(_ plan: SweepPlan, budget: Double = 1.0) -> TaskCost {
        let task = plan.tasks.max { ($0.config.seeds * $0.config.model.totalSteps, $0.config.firstSeed)
            < ($1.config.seeds * $1.config.model.totalSteps, $1.config.firstSeed) }!
        let before = peakResidentBytes()
        let start = Date()
        let model = task.config.makeModel(threads: 1)
        let setup = Date().timeIntervalSince(start)
        let setupBytes = max(0, peakResidentBytes() - before)
        // A full lane group (seed 0 in every lane), as the trainer advances seeds: one seed alone
        // would pay for the group's spare lanes.
        let width = max(1, model.seedGroupWidth), size = model.stateSize
        var state = [Double](repeating: 0, count: width * size)
        var steps = 0
        let trainStart = Date()
        state.withUnsafeMutableBufferPointer { buffer in
            let views = (0..<width).map { UnsafeMutableBufferPointer(rebasing: buffer[($0 * size)..<(($0 + 1) * size)]) }
            for view in views { model.initialise(seed: 0, state: view) }
            var chunk = 1
            while steps < model.totalSteps && Date().timeIntervalSince(trainStart) < budget {
                let count = min(chunk, model.totalSteps - steps)
                let statuses = model.advance(seeds: Array(repeating: 0, count: width), states: views, from: steps, count: count)
                steps += count
                chunk *= 2
                if !statuses.allSatisfy(\.isOK) { break }
            }
        }
        let seconds = Date().timeIntervalSince(trainStart) / Double(width)
        return TaskCost(setupSeconds: setup, secondsPerSeedStep: seconds / Double(max(steps, 1)), measuredSteps: steps,
                        setupBytes: setupBytes, seedSteps: task.config.seeds * model.totalSteps,
                        stateBytes: 8 * task.config.seeds * model.stateSize)
    }

    /// Wall time of the largest task on `threads` threads.
    public func seconds(threads: Int) -> Double {
        setupSeconds + secondsPerSeedStep * Double(seedSteps) / Double(threads)
    }

    /// Peak resident set of this process so far (getrusage reports kilobytes on Linux).
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }
}

/// The Slurm job-array script of a sweep: one array index per task, each running
/// `dyson task … --index $SLURM_ARRAY_TASK_ID` into its own run file.
///
/// Resources come from the measured `TaskCost`: `--time` is twice the largest task's estimated
/// wall time plus five minutes (rounded up to a minute), `--mem` the set-up memory and three
/// copies of the ensemble state (training, snapshot, write buffer) plus 512 MiB for the process,
/// times 1.5; `--cpus-per-task` the threads each task uses.
public enum SlurmScript {
    public struct Request: Sendable {
        public var timeSeconds: Int
        public var memoryMiB: Int
        public var cpus: Int
    }

    public static func request(_ cost: TaskCost, threads: Int) -> Request {
        let seconds = 2 * cost.seconds(threads: threads) + 300
        let minutes = Int((seconds / 60).rounded(.up))
        let bytes = Double(cost.setupBytes + 3 * cost.stateBytes + 512 << 20) * 1.5
        return Request(timeSeconds: minutes * 60, memoryMiB: Int((bytes / Double(1 << 20)).rounded(.up)), cpus: threads)
    }

    /// The script text. `split` are the arguments that reproduce the plan's seed chunks
    /// (`--seeds-per-task K`), `scale` those that choose the outputs (`--paper`, `--output DIR`);
    /// `workingDirectory` is where relative paths in them resolve.
    public static func text(plan: SweepPlan, cost: TaskCost, threads: Int, executable: String, split: [String], scale: [String],
                            workingDirectory: String) -> String {
        let request = request(cost, threads: threads)
        let layout = plan.pipeline.layout
        let time = String(format: "%d-%02d:%02d:00", request.timeSeconds / 86400, request.timeSeconds % 86400 / 3600,
                          request.timeSeconds % 3600 / 60)
        let task = ([plan.pipeline.path] + split + scale).map(shellQuoted).joined(separator: " ")
        let run = ([plan.pipeline.path] + scale).map(shellQuoted).joined(separator: " ")
        return """
            #!/bin/bash
            # Job array of `dyson sweep`: \(plan.tasks.count) tasks of \(plan.pipeline.path) (\(plan.pipeline.simulations.count) simulations\
            \(plan.seedsPerTask.map { ", at most \($0) seeds per task" } ?? ", one task each")).
            # Each array index trains one slice of seeds into its own run file under \(layout.directory)/tasks/.
            # Measured per task (largest task, \(cost.seedSteps) seed-steps): set-up \(String(format: "%.2f", cost.setupSeconds)) s, \
            \(String(format: "%.3g", cost.secondsPerSeedStep * 1e9)) ns per seed-step (one seed, \(cost.measuredSteps) steps), \
            so about \(String(format: "%.1f", cost.seconds(threads: threads))) s on \(threads) threads.
            # Submit:      sbatch \(layout.sweepScript)
            # Afterwards:  dyson merge \(task) && dyson run \(run)
            #SBATCH --job-name=dyson-\(plan.pipeline.name)
            #SBATCH --array=0-\(plan.tasks.count - 1)
            #SBATCH --cpus-per-task=\(request.cpus)
            #SBATCH --time=\(time)
            #SBATCH --mem=\(request.memoryMiB)M
            #SBATCH --output=\(layout.taskLogs)/%A_%a.out
            set -euo pipefail
            cd \(shellQuoted(workingDirectory))
            export OPENBLAS_NUM_THREADS=1
            DYSON="${DYSON:-\(executable)}"
            exec "$DYSON" task \(task) --index "$SLURM_ARRAY_TASK_ID" --threads "${SLURM_CPUS_PER_TASK:-\(threads)}"

            """
    }

    static func shellQuoted(_ word: String) -> String {
        word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:".contains($0) } ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Writing the script of `dyson sweep`.
public enum SweepFiles {
    /// Writes the script (executable) atomically and creates the log directory, which Slurm
    /// needs before the first task starts.
    public static func write(script: String, to path: String, logs: String) throws {
        try AtomicOutput.createDirectory(logs)
        try AtomicOutput.write(path) { temporary in
            guard FileManager.default.createFile(atPath: temporary, contents: Data(script.utf8), attributes: [.posixPermissions: 0o755]) else {
                throw DysonError.failure(message: "\(path): cannot write the job script")
            }
        }
    }
}
