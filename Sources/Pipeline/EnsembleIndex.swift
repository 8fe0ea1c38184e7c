import HDF5

/// Which ensemble, run, seed and snapshot every sample comes from, and the coordinates of each
/// ensemble (hyper-parameters and time). Written by `snapshot` and carried unchanged through
/// `diagonalise`, `unfold` and `fit`, so every analysis file can be sliced by α, |B|, ε or step.
public struct EnsembleIndex: Sendable, Equatable {
    /// Per sample: its ensemble, the run file (index into `runFiles`), seed index and step.
    public var sampleEnsemble: [Int64]
    public var sampleRun: [Int64]
    public var sampleSeed: [Int64]
    public var sampleStep: [Int64]
    /// The run files samples came from.
    public var runFiles: [String]
    /// Per ensemble: the step and epoch of its snapshot.
    public var step: [Int64]
    public var epoch: [Double]
    /// Hyper-parameter names (snake_case) and their values per ensemble, [name][ensemble].
    public var parameterNames: [String]
    public var parameterValues: [[Double]]
    /// The model that produced the samples (e.g. "teacher_student").
    public var model: String

    public var sampleCount: Int { sampleEnsemble.count }
    public var ensembleCount: Int { step.count }

    /// Sample indices of each ensemble, in sample order.
    public var samplesByEnsemble: [[Int]] {
        var groups = [[Int]](repeating: [], count: ensembleCount)
        for (sample, ensemble) in sampleEnsemble.enumerated() { groups[Int(ensemble)].append(sample) }
        return groups
    }

    /// The value of hyper-parameter `name` for each ensemble, or nil when the runs lack it.
    public func parameter(_ name: String) -> [Double]? {
        parameterNames.firstIndex(of: name).map { parameterValues[$0] }
    }

    /// Several indices as one: ensembles and runs of later indices are renumbered after those of
    /// earlier ones. Precondition: equal model and hyper-parameter names (checked by callers).
    static func concatenated(_ indices: [EnsembleIndex]) -> EnsembleIndex {
        var merged = indices[0]
        for next in indices.dropFirst() {
            precondition(next.parameterNames == merged.parameterNames && next.model == merged.model, "mismatched indices")
            let ensembleOffset = Int64(merged.ensembleCount), runOffset = Int64(merged.runFiles.count)
            merged.sampleEnsemble += next.sampleEnsemble.map { $0 + ensembleOffset }
            merged.sampleRun += next.sampleRun.map { $0 + runOffset }
            merged.sampleSeed += next.sampleSeed
            merged.sampleStep += next.sampleStep
            merged.runFiles += next.runFiles
            merged.step += next.step
            merged.epoch += next.epoch
            merged.parameterValues = zip(merged.parameterValues, next.parameterValues).map { $0 + $1 }
        }
        return merged
    }

    func write(to root: borrowing Group) throws {
        try root.createAxis("sample", count: sampleCount, description: "one matrix of one seed at one snapshot")
        try root.createAxis("ensemble", count: ensembleCount, description: "samples sharing hyper-parameters and snapshot step")
        try root.createAxis("run", count: runFiles.count, description: "input run file")
        try root.writeVariable("sample_ensemble", sampleEnsemble, axes: ["sample"], description: "ensemble of each sample")
        try root.writeVariable("sample_run", sampleRun, axes: ["sample"], description: "run file of each sample (index into run_file)")
        try root.writeVariable("sample_seed", sampleSeed, axes: ["sample"], description: "seed index of each sample within its run")
        try root.writeVariable("sample_step", sampleStep, axes: ["sample"], description: "training step of each sample", units: "steps")
        try root.writeStringVariable("run_file", runFiles, axes: ["run"], description: "path of each input run file")
        try root.writeVariable("step", step, axes: ["ensemble"], description: "training step of the ensemble's snapshot", units: "steps")
        try root.writeVariable("epoch", epoch, axes: ["ensemble"], description: "epoch of the ensemble's snapshot", units: "epochs")
        let sizes = samplesByEnsemble.map { Int64($0.count) }
        try root.writeVariable("ensemble_size", sizes, axes: ["ensemble"], description: "number of samples in the ensemble")
        for (name, values) in zip(parameterNames, parameterValues) {
            try root.writeVariable(name, values, axes: ["ensemble"], description: HyperParameter.description(name),
                                   units: HyperParameter.units(name))
        }
        try root.setAttribute("hyper_parameters", parameterNames)
        try root.setAttribute("model", model)
    }

    static func read(from file: borrowing File) throws -> EnsembleIndex {
        let root = try file.root()
        let names = try root.stringArrayAttribute("hyper_parameters")
        let index = EnsembleIndex(
            sampleEnsemble: try root.read("sample_ensemble", as: Int64.self),
            sampleRun: try root.read("sample_run", as: Int64.self),
            sampleSeed: try root.read("sample_seed", as: Int64.self),
            sampleStep: try root.read("sample_step", as: Int64.self),
            runFiles: try root.readStrings("run_file"),
            step: try root.read("step", as: Int64.self),
            epoch: try root.read("epoch", as: Double.self),
            parameterNames: names,
            parameterValues: try names.map { try root.read($0, as: Double.self) },
            model: try root.attribute("model", as: String.self))
        try index.validate(file: file.path)
        return index
    }

    /// Input files are untrusted: every index must point inside its table.
    func validate(file: String) throws {
        let counts = [sampleRun.count, sampleSeed.count, sampleStep.count]
        guard counts.allSatisfy({ $0 == sampleCount }), epoch.count == ensembleCount,
              parameterValues.allSatisfy({ $0.count == ensembleCount }) else {
            throw DysonError.badInput(file: file, message: "sample or ensemble coordinates have inconsistent lengths")
        }
        guard sampleEnsemble.allSatisfy({ (0..<Int64(ensembleCount)).contains($0) }),
              sampleRun.allSatisfy({ (0..<Int64(runFiles.count)).contains($0) }) else {
            throw DysonError.badInput(file: file, message: "sample_ensemble or sample_run points outside its table")
        }
    }
}
