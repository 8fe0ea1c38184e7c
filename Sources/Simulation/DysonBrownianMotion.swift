import RealModule

/// Hyper-parameters of direct Dyson Brownian motion (SPEC §2.6).
public struct DysonBrownianMotionConfig: Sendable, Equatable, Codable {
    /// c_i: the centres of the harmonic confinement, ascending; their number is N. Equal centres
    /// (the default, zeros) make a single Coulomb gas whose density is a semicircle.
    public var centres: [Double] = Array(repeating: 0, count: 10)
    /// β: Dyson index, 1 (GOE), 2 (GUE) or 4 (GSE); any β > 0 is accepted.
    public var beta: Double = 1
    /// κ: strength of the harmonic potential V(x) = κ(x − c)²/2.
    public var confinement: Double = 1
    /// T: temperature.
    public var temperature: Double = 1
    /// dt: time per step. The scheme is stable and keeps levels ordered for any dt; its bias
    /// is O(dt), set by the stiffest (nearest-neighbour) relaxation rate ≈ βT/S² (S the spacing).
    public var timeStep: Double = 1e-3
    public var steps: Int = 10_000
    /// Initial levels x_i(0) = c_i + initialSpread · R · q_i, with q_i the quantiles of the unit
    /// semicircle and R = √(2βNT/κ) the stationary radius; 1 starts near equilibrium.
    public var initialSpread: Double = 1

    public init() {}

    /// N: number of levels.
    public var size: Int { centres.count }

    /// R = √(2βNT/κ): radius of the stationary semicircle for equal centres (large N).
    public var semicircleRadius: Double {
        (2 * beta * Double(size) * temperature / confinement).squareRoot()
    }

    /// ⟨(1/N) Σ (x_i − c)²⟩ = (T/κ)(1 + β(N − 1)/2): exact stationary second moment for equal
    /// centres c and any N (from the scaling of the Coulomb-gas partition function in x − c).
    public var stationarySecondMoment: Double {
        temperature / confinement * (1 + beta * Double(size - 1) / 2)
    }
}

/// Direct Dyson Brownian motion of N levels in a harmonic potential (SPEC §2.6), as an
/// `EnsembleModel`: the eigenvalue SDE with exactly known stationary law.
///
/// **Normalisation.** dx_i = −κ(x_i − c_i) dt + βT Σ_{j≠i} dt/(x_i − x_j) + √(2T) dB_i, i.e.
/// dx = −∇Φ dt + √(2T) dB with Φ = Σ_i κ(x_i − c_i)²/2 − βT Σ_{i<j} ln|x_i − x_j|, whose stationary
/// law is exp(−Φ/T) = Π_{i<j}|x_i − x_j|^β exp(−Σ_i V(x_i)/T), V(x) = κ(x − c)²/2. For c = 0 it is
/// the eigenvalue law of the Gaussian β-ensemble with density ∝ exp(−β tr H²/(4σ²)), off-diagonal
/// variance σ² = βT/(2κ); semicircle radius 2σ√N = √(2βNT/κ). With κ = 1 and β = 1, 2 it is the eigenvalue
/// process of `MatrixOrnsteinUhlenbeck` at matrix temperature βT/2 (Dyson, J. Math. Phys. 3 (1962)
/// 1191, doi:10.1063/1.1703862).
///
/// **Scheme: drift-implicit (backward) Euler.** Each step solves
/// x' = x + √(2T dt) ξ − dt ∇Φ(x'), i.e. x' = argmin_z ½|z − y|² + dt Φ(z), y = x + √(2T dt) ξ.
/// Φ is strictly convex on the ordered chamber x_1 < … < x_N and infinite on its walls (−ln is
/// convex), so the minimiser exists, is unique and strictly ordered for every dt and every noise
/// draw: no rejection or reflection rule is needed and the noise is never conditioned, unlike
/// Euler–Maruyama, whose explicit 1/(x_i − x_j) kicks overshoot and cross levels when two come
/// close. It is solved by damped Newton from x (inside the chamber), with the Hessian
/// (1 + κdt) I + βT dt L, L the Laplacian with weights 1/(x_i − x_j)², factorised by Cholesky,
/// and steps halved until the iterate is ordered and the objective decreases (Armijo).
/// Weak order 1: stationary averages carry an O(dt) bias (e.g. Var Σx_i is exactly
/// NT/(κ(1 + κdt/2)), the Coulomb forces cancelling in the sum).
///
/// **State and recorded matrix.** The N × N matrix diag(x) (row-major, zeros off the diagonal),
/// recorded as "levels", so `snapshot → symmetricEigenvalues` returns x exactly; levels are kept
/// ascending. The centres are recorded once per seed as the fixed matrix "centres" = diag(c).
///
/// **Randomness.** Step s draws its N normals from the seed's `.training` stream at block
/// s · ⌈N/2⌉. The initial state is deterministic (no draws).
///
/// Cost per step: O(N³/6) per Newton iteration (Cholesky), typically 2–4 iterations.
public struct DysonBrownianMotion: EnsembleModel {
    public let config: DysonBrownianMotionConfig
    public let runSeed: UInt64
    public let seeds: Int

    public init(config: DysonBrownianMotionConfig, runSeed: UInt64, seeds: Int) {
        let c = config.centres
        precondition(!c.isEmpty, "at least one level is needed")
        precondition(zip(c, c.dropFirst()).allSatisfy { $0 <= $1 }, "centres must be ascending")
        precondition(config.beta > 0 && config.confinement > 0 && config.temperature > 0,
                     "β, κ and T must be positive")
        precondition(config.timeStep > 0 && config.initialSpread > 0, "dt and the initial spread must be positive")
        precondition(config.steps >= 0, "steps must be ≥ 0")
        precondition(seeds > 0, "an ensemble needs at least one seed")
        self.config = config
        self.runSeed = runSeed
        self.seeds = seeds
    }

    public var stateSize: Int { config.size * config.size }
    public var totalSteps: Int { config.steps }
    /// Steps per unit time, ⌊1/dt⌉ (at least 1).
    public var stepsPerEpoch: Int { max(1, Int((1 / config.timeStep).rounded())) }

    public var recordedMatrices: [RecordedMatrix] {
        [RecordedMatrix(name: "levels", rows: config.size, columns: config.size, offset: 0)]
    }

    public var fixedMatrices: [FixedMatrix] {
        let n = config.size
        var centre = [Double](repeating: 0, count: n * n)
        for i in 0..<n { centre[i * n + i] = config.centres[i] }
        return [FixedMatrix(name: "centres", target: "levels", rows: n, columns: n,
                            values: Array((0..<seeds).map { _ in centre }.joined()),
                            description: "centres c_i of the harmonic confinement, as diag(c)")]
    }

    /// The levels of a state (its diagonal), ascending.
    public func levels(_ state: UnsafeBufferPointer<Double>) -> [Double] {
        let n = config.size
        return (0..<n).map { state[$0 * (n + 1)] }
    }

    public func initialise(seed: Int, state: UnsafeMutableBufferPointer<Double>) {
        let n = config.size
        let radius = config.initialSpread * config.semicircleRadius
        for k in state.indices { state[k] = 0 }
        for i in 0..<n {
            state[i * (n + 1)] = config.centres[i] + radius * Self.semicircleQuantile((Double(i) + 0.5) / Double(n))
        }
    }

    /// q with F(q) = p for the unit semicircle on [−1, 1], F(q) = ½ + (q√(1 − q²) + asin q)/π;
    /// bisection to full precision (deterministic, set-up only).
    static func semicircleQuantile(_ p: Double) -> Double {
        var lo = -1.0, hi = 1.0
        for _ in 0..<80 {
            let q = 0.5 * (lo + hi)
            let f = 0.5 + (q * (1 - q * q).squareRoot() + Double.asin(q)) / Double.pi
            if f < p { lo = q } else { hi = q }
        }
        return 0.5 * (lo + hi)
    }

    public func advance(seed: Int, state: UnsafeMutableBufferPointer<Double>, from step: Int, count: Int) -> SeedStatus {
        let n = config.size
        // One allocation per call: x, y, trial, gradient, delta (n each) and the Hessian (n²).
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 5 * n + n * n)
        defer { scratch.deallocate() }
        let x = scratch, y = scratch + n
        for i in 0..<n { x[i] = state[i * (n + 1)] }
        let noiseScale = (2 * config.temperature * config.timeStep).squareRoot()
        let blocksPerStep = UInt64((n + 1) / 2)
        var status = SeedStatus.ok
        for s in step..<(step + count) {
            var stream = RandomStream(runSeed: runSeed, seedIndex: UInt32(seed), purpose: .training,
                                      block: UInt64(s) * blocksPerStep)
            for i in 0..<n { y[i] = x[i] + noiseScale * stream.nextNormal() }
            guard implicitStep(scratch, n: n) else {
                status = .failed(step: s + 1)
                break
            }
        }
        for i in 0..<n { state[i * (n + 1)] = x[i] }
        return status
    }

    /// Objective ½|z − y|² + dt Φ(z) of the implicit step.
    private func objective(_ z: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, n: Int) -> Double {
        let dt = config.timeStep, kappa = config.confinement, coulomb = config.beta * config.temperature
        var g = 0.0
        for i in 0..<n {
            let d = z[i] - y[i], e = z[i] - config.centres[i]
            g += 0.5 * d * d + 0.5 * dt * kappa * e * e
            for j in (i + 1)..<max(i + 1, n) { g -= dt * coulomb * Double.log(z[j] - z[i]) }
        }
        return g
    }

    /// Residual F(z) = z − y + dt ∇Φ(z) into `gradient`, and, when `hessian` is given, the
    /// Hessian (1 + κdt) I + βT dt L; returns max |F_i|.
    private func residual(_ z: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, n: Int,
                          gradient: UnsafeMutablePointer<Double>, hessian: UnsafeMutablePointer<Double>?) -> Double {
        let dt = config.timeStep, kappa = config.confinement
        let coulomb = config.beta * config.temperature
        var largest = 0.0
        for i in 0..<n {
            var force = 0.0
            var curvature = 0.0
            for j in 0..<n where j != i {
                let inverse = 1 / (z[i] - z[j])
                force += inverse
                if let hessian {
                    let h = dt * coulomb * inverse * inverse
                    curvature += h
                    hessian[i * n + j] = -h
                }
            }
            gradient[i] = z[i] - y[i] + dt * (kappa * (z[i] - config.centres[i]) - coulomb * force)
            hessian?[i * n + i] = 1 + dt * kappa + curvature
            largest = max(largest, abs(gradient[i]))
        }
        return largest
    }

    /// Replaces x (scratch[0..<n]) by argmin_z ½|z − y|² + dt Φ(z), y = scratch[n..<2n], by damped
    /// Newton from z = x; false if it does not converge or leaves the finite numbers.
    ///
    /// A full Newton step is taken when it keeps the levels ordered and lowers max|F|, which is
    /// what happens near the solution (quadratic convergence; no logarithms evaluated). Otherwise
    /// the step is halved until the iterate is ordered and the objective satisfies Armijo's
    /// condition, which guarantees convergence for this strictly convex objective.
    func implicitStep(_ scratch: UnsafeMutablePointer<Double>, n: Int) -> Bool {
        let x = scratch, y = scratch + n, z = scratch + 2 * n, gradient = scratch + 3 * n, delta = scratch + 4 * n
        let hessian = scratch + 5 * n
        var scale = 1.0
        for i in 0..<n { scale = max(scale, abs(y[i])) }
        let tolerance = 1e-12 * scale
        // z holds the current iterate; x is kept as the previous step's solution until the end.
        for i in 0..<n { z[i] = x[i] }
        var size = residual(z, y, n: n, gradient: gradient, hessian: hessian)
        var iterations = 0
        while size > tolerance {
            iterations += 1
            guard size.isFinite, iterations <= 100 else { return false }
            for i in 0..<n { delta[i] = -gradient[i] }
            guard SmallSPDMatrix.factor(UnsafeMutableBufferPointer(start: hessian, count: n * n), n: n) else { return false }
            SmallSPDMatrix.solve(factor: UnsafeMutableBufferPointer(start: hessian, count: n * n), n: n,
                                 UnsafeMutableBufferPointer(start: delta, count: n))
            // Try the full step (x is free scratch for the trial point until the end).
            let trial = x
            var ordered = true
            for i in 0..<n { trial[i] = z[i] + delta[i] }
            for i in 0..<(n - 1) where !(trial[i] < trial[i + 1]) { ordered = false; break }
            if ordered {
                // gradient/hessian are overwritten only if the step is taken; evaluate into them.
                let saved = UnsafeMutablePointer<Double>.allocate(capacity: n)
                defer { saved.deallocate() }
                saved.update(from: gradient, count: n)
                let trialSize = residual(trial, y, n: n, gradient: gradient, hessian: hessian)
                if trialSize < size {
                    z.update(from: trial, count: n)
                    size = trialSize
                    continue
                }
                gradient.update(from: saved, count: n)
            }
            // Damped step on the objective.
            var slope = 0.0
            for i in 0..<n { slope += gradient[i] * delta[i] }
            let current = objective(z, y, n: n)
            var t = 1.0
            var accepted = false
            while t > 1e-12 {
                for i in 0..<n { trial[i] = z[i] + t * delta[i] }
                var ok = true
                for i in 0..<(n - 1) where !(trial[i] < trial[i + 1]) { ok = false; break }
                if ok && objective(trial, y, n: n) <= current + 1e-4 * t * slope {
                    accepted = true
                    break
                }
                t *= 0.5
            }
            // No decrease representable in floating point: as converged as it gets.
            guard accepted else { break }
            z.update(from: trial, count: n)
            size = residual(z, y, n: n, gradient: gradient, hessian: hessian)
        }
        guard size <= 1e-8 * scale else { return false }
        x.update(from: z, count: n)
        return true
    }

    /// Loss Φ(x) = Σ κ(x_i − c_i)²/2 − βT Σ_{i<j} ln|x_i − x_j| (the Coulomb-gas energy, whose
    /// gradient is minus the drift) and the norm |∇Φ| of that gradient.
    public func measure(seed: Int, state: UnsafeBufferPointer<Double>) -> Measurement {
        let x = levels(state)
        let n = x.count
        let kappa = config.confinement
        let coulomb = config.beta * config.temperature
        var energy = 0.0
        var squared = 0.0
        for i in 0..<n {
            let e = x[i] - config.centres[i]
            energy += 0.5 * kappa * e * e
            var force = 0.0
            for j in 0..<n where j != i {
                force += 1 / (x[i] - x[j])
                if j > i { energy -= coulomb * Double.log(abs(x[j] - x[i])) }
            }
            let g = kappa * e - coulomb * force
            squared += g * g
        }
        return Measurement(loss: energy, gradientNorm: squared.squareRoot())
    }
}
