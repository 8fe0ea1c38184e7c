import Foundation
import HDF5

/// `merge`: joins the task run files of each simulation of a sweep into the one run file the
/// unsplit pipeline would have written (`RunLayout.simulation`), through HDF5 virtual datasets:
/// every per-seed array (`student`…, `loss`, `gradient_norm`, `status_code`, `status_step`,
/// `checkpoint_state`, fixed matrices such as `teacher`) is a virtual dataset whose seed blocks
/// live in the task files, so nothing is copied and `snapshot` and every later stage read it as
/// one run. Small arrays (`step`, `epoch`, `status`, hyper-parameters) are written directly.
///
/// The merged file records the unsplit simulation's configuration (so `dyson run` finds it up to
/// date) and, as its inputs, every task file with its SHA-256 (so a re-run task is noticed). Its
/// sources are referenced by paths relative to it: move the output directory as a whole.
public enum MergeStage {
    /// Root attribute marking a merged run: the number of task files it joins.
    static let mergedAttribute = "merged_tasks"

    /// Datasets of a run file laid out [snapshot, seed, …] besides the recorded matrices.
    static let perSeedSeries: [(name: String, type: Element)] = [
        ("loss", .double), ("gradient_norm", .double), ("checkpoint_state", .double), ("status_code", .int32), ("status_step", .int64),
    ]

    /// The stored type of a joined dataset, and what an element no source covers reads as:
    /// NaN weights, status 2 (failed, so `snapshot` drops the seed), step −1.
    enum Element { case double, int32, int64 }

    /// Merges every simulation of `plan`; returns the merged files. Throws, naming the task,
    /// when a task file is missing, incomplete, or was run with another configuration.
    @discardableResult
    public static func run(plan: SweepPlan) throws -> [String] {
        try plan.pipeline.simulations.map { label, config in
            let output = plan.pipeline.layout.simulation(label)
            try merge(plan.tasks(of: label), into: output, config: config, pipeline: plan.pipeline.path)
            return output
        }
    }

    /// The task files a merged run records as inputs, or nil when `path` is not a merged run.
    static func recordedTasks(_ path: String) -> [String]? {
        guard let file = try? File.open(path), file.hasAttribute(mergedAttribute),
              let header = try? FileHeader.read(from: file, expecting: .run) else { return nil }
        return header.inputs.map(\.path)
    }

    static func merge(_ tasks: [SweepPlan.Task], into output: String, config: SimulateConfig, pipeline: String) throws {
        var records: [InputRecord] = []
        var readers: [RunFileReader] = []
        for task in tasks {
            guard FileManager.default.fileExists(atPath: task.output) else {
                throw DysonError.badInput(file: task.output, message: "is missing: run array task \(task.index) (dyson task \(pipeline) --index \(task.index)) first")
            }
            let reader = try RunFileReader(task.output)
            guard reader.header.config == task.config.toml else {
                throw DysonError.badInput(file: task.output, message: "was run with another configuration than task \(task.index) of \(pipeline) now has; re-run the task")
            }
            if let first = readers.first, first.steps != reader.steps || first.epochs != reader.epochs {
                throw DysonError.badInput(file: task.output, message: "has other snapshot steps than \(first.path)")
            }
            readers.append(reader)
            records.append(try InputRecord.of(task.output))
        }
        guard let first = readers.first else { return }
        let seeds = readers.map(\.seeds).reduce(0, +)
        let directory = (output as NSString).deletingLastPathComponent
        let sourcePaths = tasks.map { relativePath(from: directory, to: $0.output) }
        let template = try openInput(first.path)
        let templateRoot = try template.root()
        try AtomicOutput.write(output) { temporary in
            let file = try File.create(temporary)
            try FileHeader(schema: .run, config: config.toml, inputs: records).write(to: file)
            let root = try file.root()
            try root.setAttribute("model", first.model)
            try root.setAttribute("status", "complete")
            try root.setAttribute("hyper_parameters", first.parameterNames)
            try root.setAttribute(mergedAttribute, Int64(tasks.count))
            try root.createAxis("snapshot", count: first.steps.count, description: "recorded point in training time")
            try root.createAxis("seed", count: seeds, description: "independent member of the ensemble")
            try root.writeVariable("step", first.steps, axes: ["snapshot"], description: "SGD updates done at the snapshot", units: "steps")
            try root.writeVariable("epoch", first.epochs, axes: ["snapshot"], description: "passes over the fixed data set", units: "epochs")
            try root.writeStringVariable("status", readers.flatMap(\.statuses), axes: ["seed"],
                                         description: "ok, diverged at step k, or failed at step k (non-finite weights)")
            for (name, value) in zip(first.parameterNames, first.parameterValues) {
                try root.writeScalar(name, value, description: HyperParameter.description(name), units: HyperParameter.units(name))
            }
            let state = try templateRoot.openDataset("checkpoint_state").shape()[2]
            try root.createAxis("state", count: state, description: "element of a seed's training state")
            let recorded = try recordedMatrices(templateRoot, seeds: first.seeds)
            for (name, shape) in recorded {
                try root.createAxis("\(name)_row", count: shape[2], description: "row of \(name)")
                try root.createAxis("\(name)_col", count: shape[3], description: "column of \(name)")
            }
            func join(_ name: String, seedAxis: Int, axes: [String], type: Element) throws {
                let dataset = try templateRoot.openDataset(name)
                var shape = try dataset.shape()
                var offset = 0
                let sources = try zip(readers, sourcePaths).map { reader, path in
                    var blockShape = shape, blockOffset = [Int](repeating: 0, count: shape.count)
                    blockShape[seedAxis] = reader.seeds
                    blockOffset[seedAxis] = offset
                    offset += reader.seeds
                    let actual = try openInput(reader.path).root().openDataset(name).shape()
                    guard actual == blockShape else {
                        throw DysonError.badInput(file: reader.path, message: "'\(name)' has shape \(actual), expected \(blockShape)")
                    }
                    return VirtualSource(file: path, dataset: "/" + name, shape: blockShape, offset: blockOffset)
                }
                shape[seedAxis] = seeds
                let merged = switch type {
                case .double: try root.createVirtualDataset(name, of: Double.self, shape: shape, sources: sources, fill: .nan)
                case .int32: try root.createVirtualDataset(name, of: Int32.self, shape: shape, sources: sources, fill: 2)
                case .int64: try root.createVirtualDataset(name, of: Int64.self, shape: shape, sources: sources, fill: -1)
                }
                let description = dataset.hasAttribute("description") ? try dataset.attribute("description", as: String.self) : name
                let units = dataset.hasAttribute("units") ? try dataset.attribute("units", as: String.self) : nil
                try root.describe(merged, axes: axes, description: description, units: units)
                if dataset.hasAttribute("target") { try merged.setAttribute("target", try dataset.attribute("target", as: String.self)) }
            }
            for (name, _) in recorded {
                try join(name, seedAxis: 1, axes: ["snapshot", "seed", "\(name)_row", "\(name)_col"], type: .double)
            }
            for series in perSeedSeries {
                let axes = series.name == "checkpoint_state" ? ["snapshot", "seed", "state"] : ["snapshot", "seed"]
                try join(series.name, seedAxis: 1, axes: axes, type: series.type)
            }
            for name in try templateRoot.memberNames() {
                let dataset = try templateRoot.openDataset(name)
                guard dataset.hasAttribute("target") else { continue }
                let target = try dataset.attribute("target", as: String.self)
                try join(name, seedAxis: 0, axes: ["seed", "\(target)_row", "\(target)_col"], type: .double)
            }
            try file.close()
        }
    }

    /// The recorded matrices of a run file: rank-4 datasets [snapshot, seed, row, col] that
    /// have row and column axes named after them.
    private static func recordedMatrices(_ root: borrowing Group, seeds: Int) throws -> [(String, [Int])] {
        var found: [(String, [Int])] = []
        for name in try root.memberNames() where name != "checkpoint_state" && root.contains("\(name)_row") {
            let shape = try root.openDataset(name).shape()
            if shape.count == 4, shape[1] == seeds { found.append((name, shape)) }
        }
        return found
    }
}
