import Fitting
import HDF5
import Spectra

/// The time-resolved Dyson Brownian motion check of SPEC §4.6 on a file with several snapshots:
/// per trajectory (ensembles that differ only in their snapshot step), the drift and diffusion
/// of every level from consecutive snapshots of the same seeds, the regression of the drift on
/// the Coulomb term Σ_j 1/(x_i − x_j), and the effective β = a/D̄ (see
/// `DysonBrownianMotionCheck`). Time is t = α·steps when the runs have a learning rate α (SPEC
/// §1), else the integration time step times steps, else steps.
///
/// Across trajectories with a learning rate and batch size, the diffusion per SGD step,
/// D̄·α, is fitted by a line through the origin against α²/|B| — the papers' prediction that the
/// noise per step scales as α²/|B| (SPEC §4.6).
struct DynamicsFit {
    let checks: [DysonBrownianMotionCheck]
    /// The ensemble indices of each trajectory's snapshots, by step.
    let trajectories: [[Int]]
    let timeUnit: String
    /// D̄·(time per step) against α²/|B|; nil without learning rate and batch size or with
    /// fewer than 2 trajectories.
    let perStepScaling: (x: [Double], y: [Estimate], fit: ProportionalFit)?

    init(index: EnsembleIndex, levels: (values: [Double], columns: Int), minimumSpacing: Double, file: String) throws {
        let learningRate = index.parameter("learning_rate"), timeStep = index.parameter("time_step")
        timeUnit = learningRate != nil ? "learning_rate * steps" : timeStep != nil ? "time_step * steps" : "steps"
        var byParameters: [[Double]: [Int]] = [:]
        for ensemble in 0..<index.ensembleCount {
            byParameters[index.parameterValues.map { $0[ensemble] }, default: []].append(ensemble)
        }
        trajectories = byParameters.values.map { $0.sorted { index.step[$0] < index.step[$1] } }.sorted { $0[0] < $1[0] }
        let groups = index.samplesByEnsemble
        var checks: [DysonBrownianMotionCheck] = []
        for trajectory in trajectories {
            let first = trajectory[0]
            guard trajectory.count >= 2 else {
                throw DysonError.badInput(file: file, message: "dynamics needs consecutive snapshots, but ensemble \(first) has only one (snapshot with select = \"all\")")
            }
            // Seeds present (with finite levels or not) at every snapshot, matched by (run, seed).
            func key(_ sample: Int) -> [Int64] { [index.sampleRun[sample], index.sampleSeed[sample]] }
            let samplesByKey = trajectory.map { ensemble in Dictionary(groups[ensemble].map { (key($0), $0) }, uniquingKeysWith: { a, _ in a }) }
            let seeds = samplesByKey.dropFirst().reduce(Set(samplesByKey[0].keys)) { $0.intersection($1.keys) }
                .sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
            let n = levels.columns
            let values = samplesByKey.flatMap { map in seeds.flatMap { FitInputs.row(levels, map[$0]!) } }
            let usable = seeds.indices.filter { s in
                samplesByKey.allSatisfy { map in FitInputs.row(levels, map[seeds[s]]!).allSatisfy(\.isFinite) }
            }
            guard n >= 2, usable.count >= 3 else {
                throw DysonError.badInput(file: file, message: "dynamics of ensemble \(first)'s trajectory needs at least 3 seeds with finite levels at every snapshot and 2 levels, has \(usable.count) and \(n)")
            }
            let steps = trajectory.map { Int(index.step[$0]) }
            let timePerStep = learningRate?[first] ?? timeStep?[first] ?? 1
            do {
                checks.append(try DysonBrownianMotionCheck(levels: values, snapshots: trajectory.count, samples: seeds.count, levelCount: n,
                                                           steps: steps, timePerStep: timePerStep, minimumSpacing: minimumSpacing))
            } catch {
                throw DysonError.badInput(file: file, message: "dynamics of ensemble \(first)'s trajectory: \(error.message)")
            }
        }
        self.checks = checks
        if let alpha = learningRate, let batch = index.parameter("batch_size"), trajectories.count >= 2 {
            let x = trajectories.map { alpha[$0[0]] * alpha[$0[0]] / batch[$0[0]] }
            let y = zip(trajectories, checks).map { t, check in
                Estimate(value: check.meanResidualDiffusion.value * alpha[t[0]], error: check.meanResidualDiffusion.error * alpha[t[0]])
            }
            perStepScaling = y.allSatisfy({ $0.error > 0 && $0.value.isFinite })
                ? (x, y, ProportionalFit(x: x, y: y.map(\.value), yError: y.map(\.error))) : nil
        } else {
            perStepScaling = nil
        }
    }

    func write(index: EnsembleIndex, to root: borrowing Group) throws {
        let group = try root.createGroup("dynamics")
        try group.setAttribute("description", "time-resolved Dyson Brownian motion check (SPEC 4.6): dx_i = (a sum_j 1/(x_i - x_j) + b x_i + c) dt + sqrt(2D) dB_i, t = \(timeUnit)")
        let count = checks.count, levels = checks.first?.drift.count ?? 0
        try group.createAxis("trajectory", count: count, description: "ensembles that differ only in their snapshot step")
        try group.createAxis("level", count: levels, description: "level index, ascending")
        for (name, values) in zip(index.parameterNames, index.parameterValues) {
            try group.writeVariable(name, trajectories.map { values[$0[0]] }, axes: ["trajectory"], description: HyperParameter.description(name),
                                    units: HyperParameter.units(name))
        }
        try group.writeVariable("snapshot_count", trajectories.map { Int64($0.count) }, axes: ["trajectory"], description: "snapshots of the trajectory")
        try group.writeVariable("sample_count", checks.map { Int64($0.sampleCount) }, axes: ["trajectory"], description: "seeds with finite levels at every snapshot")
        let perLevel: [(String, (DysonBrownianMotionCheck) -> [Estimate], String)] = [
            ("drift", \.drift, "<dx_i>/dt over seeds and intervals"),
            ("diffusion", \.diffusion, "Var_seeds(dx_i)/(2 dt), averaged over intervals (model-free)"),
            ("residual_diffusion", \.residualDiffusion, "diffusion about the fitted drift"),
        ]
        for (name, estimates, description) in perLevel {
            try group.writeVariable(name, checks.flatMap { estimates($0).map(\.value) }, axes: ["trajectory", "level"], shape: [count, levels],
                                    description: description, units: "1/time")
            try group.writeVariable(name + "_error", checks.flatMap { estimates($0).map(\.error) }, axes: ["trajectory", "level"],
                                    shape: [count, levels], description: "delete-one-seed jackknife error of \(name)", units: "1/time")
        }
        let scalars: [(String, (DysonBrownianMotionCheck) -> Estimate, String)] = [
            ("coulomb_coefficient", \.coulombCoefficient, "a, the coefficient of sum_j 1/(x_i - x_j) in the drift (beta D for a Dyson Brownian motion)"),
            ("confinement_coefficient", \.confinementCoefficient, "b, the coefficient of x_i in the drift"),
            ("constant_drift", \.constantDrift, "c, the constant drift"),
            ("mean_residual_diffusion", \.meanResidualDiffusion, "D, the residual diffusion averaged over levels"),
            ("effective_beta", \.effectiveBeta, "a / D, the Dyson index of the motion (1 for real symmetric matrices)"),
        ]
        for (name, estimate, description) in scalars {
            try group.writeVariable(name, checks.map { estimate($0).value }, axes: ["trajectory"], description: description)
            try group.writeVariable(name + "_error", checks.map { estimate($0).error }, axes: ["trajectory"],
                                    description: "delete-one-seed jackknife error of \(name)")
        }
        guard let scaling = perStepScaling else { return }
        try group.writeVariable("per_step_scaling_x", scaling.x, axes: ["trajectory"], description: "alpha^2 / |B|")
        try group.writeVariable("per_step_diffusion", scaling.y.map(\.value), axes: ["trajectory"],
                                description: "mean residual diffusion per SGD step, D * alpha")
        try group.writeVariable("per_step_diffusion_error", scaling.y.map(\.error), axes: ["trajectory"], description: "jackknife error of per_step_diffusion")
        try group.writeScalar("per_step_slope", scaling.fit.slope.value, description: "slope of per_step_diffusion = slope * alpha^2/|B|")
        try group.writeScalar("per_step_slope_error", scaling.fit.slope.error, description: "standard error of per_step_slope")
        try group.writeScalar("per_step_chi2", scaling.fit.chiSquared, description: "chi-squared of the per-step scaling fit")
        try group.writeScalar("per_step_dof", Int64(scaling.fit.degreesOfFreedom), description: "degrees of freedom of per_step_chi2")
    }
}
