import Foundation
import Testing
@testable import Pipeline

/// How `dyson sweep` cuts a pipeline into tasks, and the Slurm resources it asks for.
@Suite struct SweepPlanTests {
    private func pipeline(_ scratch: Scratch) throws -> PipelineFile {
        let path = scratch.file("p.toml")
        try """
        [pipeline]
        name = "plan"
        output = "\(scratch.file("out"))"
        [simulate]
        seeds = 90
        epochs = 1
        batches_per_epoch = 10
        [sweep]
        batch_size = [4, 16]
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return try PipelineFile(path: path)
    }

    @Test func seedChunksCoverEverySeedOnceInArrayOrder() throws {
        let scratch = try Scratch()
        let plan = SweepPlan(pipeline: try pipeline(scratch), seedsPerTask: 40)
        #expect(plan.tasks.map(\.index) == Array(0..<6))
        #expect(plan.tasks.map(\.label) == ["batch_size-4", "batch_size-4", "batch_size-4", "batch_size-16", "batch_size-16", "batch_size-16"])
        #expect(plan.tasks.map { [$0.config.firstSeed, $0.config.seeds] } == [[0, 40], [40, 40], [80, 10], [0, 40], [40, 40], [80, 10]])
        #expect(plan.tasks[2].output == scratch.file("out") + "/tasks/batch_size-4/seeds-80-90.h5")
        #expect(plan.tasks[2].config.toml.contains("first_seed = 80"))
        #expect(throws: DysonError.self) { try plan.task(6) }
    }

    /// Without a chunk size each sweep point is one task whose configuration is the simulation's
    /// own: no first_seed is written, so its text (and `dyson run`'s cache decision) is unchanged.
    @Test func wholeSimulationsAreTasksWithTheirOwnConfiguration() throws {
        let scratch = try Scratch()
        let file = try pipeline(scratch)
        let plan = SweepPlan(pipeline: file, seedsPerTask: nil)
        #expect(plan.tasks.count == 2)
        #expect(plan.tasks.map(\.config.toml) == file.simulations.map(\.config.toml))
        #expect(!plan.tasks[0].config.toml.contains("first_seed"))
    }

    /// 10 s set-up + 1e8 seed-steps × 1 µs / 2 threads = 60 s; --time = 2 × 60 s + 300 s = 7 min.
    /// Memory: (100 MiB set-up + 3 × 10 MiB state + 512 MiB) × 1.5 = 963 MiB.
    @Test func resourcesFollowTheMeasuredCost() throws {
        let cost = TaskCost(setupSeconds: 10, secondsPerSeedStep: 1e-6, measuredSteps: 1000, setupBytes: 100 << 20,
                            seedSteps: 100_000_000, stateBytes: 10 << 20)
        let request = SlurmScript.request(cost, threads: 2)
        #expect(request.timeSeconds == 420 && request.memoryMiB == 963 && request.cpus == 2)
        let scratch = try Scratch()
        let plan = SweepPlan(pipeline: try pipeline(scratch), seedsPerTask: 40)
        let text = SlurmScript.text(plan: plan, cost: cost, threads: 2, executable: "/opt/dyson", split: ["--seeds-per-task", "40"],
                                    scale: [], workingDirectory: "/home/a b")
        for line in ["#SBATCH --array=0-5", "#SBATCH --time=0-00:07:00", "#SBATCH --mem=963M", "#SBATCH --cpus-per-task=2", "cd '/home/a b'",
                     "exec \"$DYSON\" task \(plan.pipeline.path) --seeds-per-task 40 --index \"$SLURM_ARRAY_TASK_ID\""] {
            #expect(text.contains(line), "\(line)")
        }
        // Slurm reads #SBATCH lines only before the first command.
        let lines = text.split(separator: "\n")
        #expect(lines.lastIndex { $0.hasPrefix("#SBATCH") }! < lines.firstIndex { !$0.hasPrefix("#") }!)
    }
}
