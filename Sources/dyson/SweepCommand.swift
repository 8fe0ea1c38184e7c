import ArgumentParser
import Foundation
import Pipeline

/// What selects a sweep's tasks; `sweep`, `task` and `merge` must be given the same.
struct SweepSelection: ParsableArguments {
    @Argument(help: "Pipeline file, e.g. pipelines/teacher-student.toml.")
    var pipeline: String

    @Option(name: .long, help: "Seeds per task (default: each sweep point's whole ensemble is one task).")
    var seedsPerTask: Int?

    @Flag(name: .long, help: "The pipeline's [paper] settings, written to OUTPUT-paper.")
    var paper = false

    @Option(name: .long, help: "Write outputs here instead of the pipeline's [pipeline] output.")
    var output: String?

    func validate() throws {
        if let seedsPerTask, seedsPerTask < 1 { throw ValidationError("--seeds-per-task must be at least 1") }
    }

    func plan() throws -> SweepPlan {
        SweepPlan(pipeline: try PipelineFile(path: pipeline, outputOverride: output, paperScale: paper), seedsPerTask: seedsPerTask)
    }

    /// The arguments that reproduce the split, and those that choose the outputs.
    var split: [String] { seedsPerTask.map { ["--seeds-per-task", String($0)] } ?? [] }
    var scale: [String] { (paper ? ["--paper"] : []) + (output.map { ["--output", $0] } ?? []) }
}

func logLine(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Split a pipeline's simulations into independent tasks: write a Slurm job-array script, or run them here with --local N.",
        discussion: """
            One task per [sweep] point and chunk of --seeds-per-task seeds, each writing its own run file under OUTPUT/tasks/. \
            Per-seed random streams make the merged tasks equal to the unsplit run. The script's resources come from a \
            short calibration run of the largest task. After the array: dyson merge (same arguments), then dyson run.
            """)

    @OptionGroup var selection: SweepSelection

    @Option(name: .long, help: "Run the tasks here with this many concurrent workers, then merge.")
    var local: Int?

    @Option(name: .long, help: "Threads per task (Slurm --cpus-per-task); with --local, threads shared by the workers.")
    var threads = 2

    func validate() throws {
        if let local, local < 1 { throw ValidationError("--local must be at least 1 worker") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        try reportingFailures {
            let plan = try selection.plan()
            if let local {
                let start = Date()
                try plan.runLocally(workers: local, threadsPerWorker: max(1, threads / local), log: logLine)
                let merged = try MergeStage.run(plan: plan)
                logLine(String(format: "%d tasks on %d workers in %.2f s; merged into %@", plan.tasks.count, local,
                               Date().timeIntervalSince(start), merged.joined(separator: ", ")))
                return
            }
            let cost = TaskCost.measure(plan)
            let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let script = SlurmScript.text(plan: plan, cost: cost, threads: threads, executable: executable,
                                          split: selection.split, scale: selection.scale,
                                          workingDirectory: FileManager.default.currentDirectoryPath)
            let path = plan.pipeline.layout.sweepScript
            try SweepFiles.write(script: script, to: path, logs: plan.pipeline.layout.taskLogs)
            print(path)
            logLine("\(plan.tasks.count) tasks; submit with: sbatch \(path)")
        }
    }
}

struct TaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "Run one task of a sweep (the array index from --index or SLURM_ARRAY_TASK_ID) into its own run file.")

    @OptionGroup var selection: SweepSelection

    @Option(name: .long, help: "Task index (default: $SLURM_ARRAY_TASK_ID).")
    var index: Int?

    @Option(name: .long, help: "Worker threads (results do not depend on it).")
    var threads = 2

    func run() throws {
        try reportingFailures {
            let environment = ProcessInfo.processInfo.environment["SLURM_ARRAY_TASK_ID"]
            guard let index = index ?? environment.flatMap({ Int($0) }) else {
                throw DysonError.invalidConfiguration(source: "command line", message: environment == nil
                    ? "give --index or set SLURM_ARRAY_TASK_ID" : "SLURM_ARRAY_TASK_ID='\(environment!)' is not an integer")
            }
            let task = try selection.plan().task(index)
            let summary = try SweepPlan.run(task, threads: threads)
            print(task.output)
            logLine(String(format: "task %d: %@ seeds %d..<%d, %d seed-steps in %.2f s", index, task.label, task.config.firstSeed,
                           task.config.firstSeed + task.config.seeds, summary.seedSteps, summary.seconds))
        }
    }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join a sweep's task run files into one run file per simulation through HDF5 virtual datasets.",
        discussion: "Give the same pipeline and options as to `dyson sweep`; then `dyson run` analyses the merged runs.")

    @OptionGroup var selection: SweepSelection

    func run() throws {
        try reportingFailures {
            for path in try MergeStage.run(plan: try selection.plan()) { print(path) }
        }
    }
}
