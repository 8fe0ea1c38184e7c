import Fitting

/// The time-resolved Dyson Brownian motion check of SPEC §4.6: per-level drift and diffusion of
/// ordered eigenvalues from consecutive snapshots of an ensemble, and a regression of the drift
/// on the Coulomb term, with delete-one-sample jackknife errors.
///
/// Model. Dyson Brownian motion with a confining drift,
///
///   dx_i = (b x_i + c) dt + a Σ_{j≠i} 1/(x_i − x_j) dt + √(2D) dB_i,
///
/// has a = βD for the β-ensembles (β = 1 for real symmetric matrices), so the fitted
/// a/D̄ is an estimate of β that does not need the temperature: in the papers' notation
/// (SPEC §1) a = T c and D = T c′, and a/D = c/c′. For harmonic confinement dx_i =
/// −x_i dt + (β/2)Σ 1/(x_i − x_j) dt + dB_i one has a = β/2, b = −1, c = 0, D = ½.
///
/// Estimators, over snapshot pairs k → k + 1 with Δt_k = (step_{k+1} − step_k)·timePerStep and
/// Δx_{s,k,i} = x_i(t_{k+1}) − x_i(t_k) for sample s:
/// - drift_i = ⟨Δx_i/Δt⟩ over samples and intervals;
/// - diffusion_i = (1/K) Σ_k Var_s(Δx_{s,k,i})/(2Δt_k), the variance over samples (unbiased,
///   M − 1) at fixed interval, which removes the ensemble-mean drift (model-free); the spread
///   of the drift between samples adds a bias Var_s(drift)·Δt/2, so Δt must be short compared
///   with the relaxation time and the time for levels to move by a spacing;
/// - (a, b, c): weighted least squares of y = Δx_i/Δt_k on (C_i, x_i, 1) over all (s, k, i),
///   C_i = Σ_{j≠i} 1/(x_i − x_j) and x_i taken at the start of the interval (Itô), weights
///   Δt_k (the noise variance of y is 2D/Δt_k). Itô–Euler: the estimate is biased by O(Δt)
///   because the drift changes during the interval;
/// - residualDiffusion_i = Σ_{s,k} (Δx − Δt·(a C_i + b x_i + c))²/(2 Σ_{s,k} Δt_k), the
///   diffusion about the fitted drift, free of the drift-spread bias when the model holds
///   (exact for an Euler-discretised DBM sampled every step); a/D̄ uses it.
/// Near-collision observations: when a level is within ~√(2DΔt) of a neighbour, its Coulomb
/// drift a/s changes a lot during the interval (the levels are pushed apart), so y falls short
/// of a·C(x(t_k)) exactly where C has its largest leverage, and â is biased low (for β = 1 the
/// effect is large: in a 4-level test at Δt = 10⁻³, 1.5 % of the observations pulled â from
/// 0.5 to ≈ 0). `minimumSpacing` leaves out of the regression and of the
/// residual diffusion every observation whose level has a neighbour closer than it at the start
/// of the interval — a selection on the regressor, which does not bias least squares; about
/// 3√(2D Δt) is a good choice. The per-level drift and model-free diffusion use all data.
/// Errors: delete-one-sample jackknife (`Jackknife.combine`) for every quantity, which accounts
/// for correlations between the levels and intervals of one sample.
///
/// Limitations, by design simple: one confining term linear in x for all levels (a
/// non-universal level-dependent drift K_i(x) not of this form leaks into a); a constant
/// diffusion per level (for X = WᵀW the Wishart process has diffusion ∝ x_i, so use singular
/// values or a symmetric W). Samples with any non-finite level are dropped; observations with
/// coincident levels (C_i infinite) are skipped.
/// References: F. J. Dyson, J. Math. Phys. 3 (1962) 1191, doi:10.1063/1.1703862; [P1]
/// arXiv:2407.16427 and [P2] arXiv:2411.13512 (the SGD form of the equation); P. E. Kloeden and
/// E. Platen, *Numerical Solution of SDEs* (Springer, 1992), §9.1 (Euler estimates of drift
/// and diffusion).
public struct DysonBrownianMotionCheck: Sendable, Equatable, Codable {
    /// ⟨Δx_i⟩/Δt per level, ascending level order.
    public let drift: [Estimate]
    /// ⟨(Δx_i − ⟨Δx_i⟩)²⟩/(2Δt) per level.
    public let diffusion: [Estimate]
    /// a, the coefficient of the Coulomb term Σ_{j≠i} 1/(x_i − x_j).
    public let coulombCoefficient: Estimate
    /// b, the coefficient of the linear confining term x_i (negative when confining).
    public let confinementCoefficient: Estimate
    /// c, the constant drift (b x + c = b(x − x*) with centre x* = −c/b).
    public let constantDrift: Estimate
    /// Σ(Δx_i − Δt·fitted drift)²/(2ΣΔt) per level, the diffusion about the fitted drift.
    public let residualDiffusion: [Estimate]
    /// D̄, the mean over levels of the residual diffusion (the levels' errors are correlated, so
    /// this has its own jackknife).
    public let meanResidualDiffusion: Estimate
    /// a/D̄, D̄ the mean of the per-level residual diffusions: the Dyson index β of the motion.
    public let effectiveBeta: Estimate
    /// The samples used (all of whose levels were finite).
    public let sampleCount: Int
    /// The snapshot intervals K = snapshots − 1.
    public let intervalCount: Int
    /// The (sample, interval, level) observations that entered the regression.
    public let regressionCount: Int

    /// Runs the check on levels stored row-major as [snapshot][sample][level], ascending within
    /// each (snapshot, sample), at the given step numbers (one per snapshot).
    ///
    /// Preconditions: levels.count = snapshots·samples·levelCount; snapshots ≥ 2 with strictly
    /// increasing steps; levelCount ≥ 2; timePerStep > 0 (e.g. the learning rate α, so that
    /// t = α·steps); minimumSpacing ≥ 0; at least 3 usable samples. Throws `FitFailure` when the
    /// regressors are collinear (e.g. every observation removed by the minimum-spacing cut). O(snapshots ·
    /// samples · levelCount²) time, O(snapshots · levelCount + samples · levelCount) memory.
    public init(levels: [Double], snapshots: Int, samples: Int, levelCount: Int, steps: [Int],
                timePerStep: Double = 1, minimumSpacing: Double = 0) throws(FitFailure) {
        precondition(snapshots >= 2 && steps.count == snapshots, "DBM check: need ≥ 2 snapshots with one step each, got \(snapshots) and \(steps.count) steps")
        precondition(levelCount >= 2, "DBM check: the Coulomb term needs ≥ 2 levels")
        precondition(levels.count == snapshots * samples * levelCount,
                     "DBM check: \(levels.count) levels are not \(snapshots)×\(samples)×\(levelCount)")
        precondition(zip(steps, steps.dropFirst()).allSatisfy { $0 < $1 }, "DBM check: steps must increase strictly")
        precondition(timePerStep > 0, "DBM check: timePerStep must be positive")
        precondition(minimumSpacing >= 0, "DBM check: minimumSpacing must be ≥ 0")
        func x(_ k: Int, _ s: Int, _ i: Int) -> Double { levels[(k * samples + s) * levelCount + i] }
        let used = (0..<samples).filter { s in
            (0..<snapshots).allSatisfy { k in (0..<levelCount).allSatisfy { x(k, s, $0).isFinite } }
        }
        let m = used.count
        precondition(m >= 3, "DBM check: \(m) usable samples, need ≥ 3")
        let intervals = snapshots - 1
        let dt = (0..<intervals).map { Double(steps[$0 + 1] - steps[$0]) * timePerStep }
        let n = levelCount

        // Drift: per-sample means of Δx/Δt, then the jackknife of their mean.
        var perSampleDrift = [[Double]](repeating: [Double](repeating: 0, count: m), count: n)
        // Diffusion: running sums over samples at each (interval, level).
        var sum1 = [Double](repeating: 0, count: intervals * n)
        var sum2 = [Double](repeating: 0, count: intervals * n)
        // Regression: per-sample weighted normal equations, 3×3 (symmetric, stored full) + 3.
        var normal = [[Double]](repeating: [Double](repeating: 0, count: 12), count: m)
        // Residuals, per sample and level: [Σdx², Σ Δt φ_p dx (3), Σ Δt² φ_p φ_q (9), ΣΔt], so that
        // Σ(dx − Δt φᵀθ)² = Σdx² − 2θᵀ(ΣΔt φ dx) + θᵀ(ΣΔt² φφᵀ)θ for any replica's θ.
        var residualSums = [[Double]](repeating: [Double](repeating: 0, count: 14), count: m * n)
        var observations = 0
        for (u, s) in used.enumerated() {
            for k in 0..<intervals {
                for i in 0..<n {
                    let xi = x(k, s, i)
                    let dx = x(k + 1, s, i) - xi
                    perSampleDrift[i][u] += dx / dt[k] / Double(intervals)
                    sum1[k * n + i] += dx
                    sum2[k * n + i] += dx * dx
                    var coulomb = 0.0
                    var nearest = Double.infinity
                    for j in 0..<n where j != i {
                        let distance = xi - x(k, s, j)
                        coulomb += 1 / distance
                        nearest = Swift.min(nearest, Swift.abs(distance))
                    }
                    guard coulomb.isFinite && nearest >= minimumSpacing else { continue }
                    observations += 1
                    let phi = [coulomb, xi, 1.0]
                    let y = dx / dt[k]
                    let r = u * n + i
                    residualSums[r][0] += dx * dx
                    residualSums[r][13] += dt[k]
                    for p in 0..<3 {
                        for q in 0..<3 {
                            normal[u][3 * p + q] += dt[k] * phi[p] * phi[q]
                            residualSums[r][4 + 3 * p + q] += dt[k] * dt[k] * phi[p] * phi[q]
                        }
                        normal[u][9 + p] += dt[k] * phi[p] * y
                        residualSums[r][1 + p] += dt[k] * phi[p] * dx
                    }
                }
            }
        }
        drift = perSampleDrift.map { Jackknife.mean($0) }

        let mm = Double(m)
        func diffusionOf(_ i: Int, without d: [Double]?) -> Double {
            var total = 0.0
            for k in 0..<intervals {
                var s1 = sum1[k * n + i], s2 = sum2[k * n + i], count = mm
                if let d { s1 -= d[k]; s2 -= d[k] * d[k]; count -= 1 }
                total += (s2 - s1 * s1 / count) / (count - 1) / (2 * dt[k])
            }
            return total / Double(intervals)
        }
        var diffusionReplicas = [[Double]](repeating: [Double](repeating: 0, count: m), count: n)
        for (u, s) in used.enumerated() {
            for i in 0..<n {
                let d = (0..<intervals).map { x($0 + 1, s, i) - x($0, s, i) }
                diffusionReplicas[i][u] = diffusionOf(i, without: d)
            }
        }
        let diffusionFull = (0..<n).map { diffusionOf($0, without: nil) }
        diffusion = (0..<n).map { Jackknife.combine(full: diffusionFull[$0], replicas: diffusionReplicas[$0]) }

        let total = (0..<12).map { c in normal.reduce(0) { $0 + $1[c] } }
        let solutions = ([total] + normal.map { sample in (0..<12).map { total[$0] - sample[$0] } }).map(Self.solve)
        guard let full = solutions[0], case let replicas = solutions.dropFirst().compactMap({ $0 }), replicas.count == m else {
            throw FitFailure("DBM check: the regressors (Coulomb term, x, 1) are collinear for the data or a jackknife replica, or no observation is left after the minimum-spacing cut")
        }
        coulombCoefficient = Jackknife.combine(full: full[0], replicas: replicas.map { $0[0] })
        confinementCoefficient = Jackknife.combine(full: full[1], replicas: replicas.map { $0[1] })
        constantDrift = Jackknife.combine(full: full[2], replicas: replicas.map { $0[2] })
        // Residual diffusion per level: totals over samples, replicas without one sample and
        // with that replica's own θ.
        let residualTotals = (0..<n).map { i in (0..<14).map { c in (0..<m).reduce(0) { $0 + residualSums[$1 * n + i][c] } } }
        func residualDiffusionOf(_ sums: [Double], _ theta: [Double]) -> Double {
            var rss = sums[0]
            for p in 0..<3 {
                rss -= 2 * theta[p] * sums[1 + p]
                for q in 0..<3 { rss += theta[p] * sums[4 + 3 * p + q] * theta[q] }
            }
            return rss / (2 * sums[13])
        }
        let residualFull = residualTotals.map { residualDiffusionOf($0, full) }
        let residualReplicas = (0..<n).map { i in
            (0..<m).map { u in
                residualDiffusionOf((0..<14).map { residualTotals[i][$0] - residualSums[u * n + i][$0] }, replicas[u])
            }
        }
        residualDiffusion = (0..<n).map { Jackknife.combine(full: residualFull[$0], replicas: residualReplicas[$0]) }
        let meanDiffusion = residualFull.reduce(0, +) / Double(n)
        let meanDiffusionReplicas = (0..<m).map { u in (0..<n).reduce(0) { $0 + residualReplicas[$1][u] } / Double(n) }
        meanResidualDiffusion = Jackknife.combine(full: meanDiffusion, replicas: meanDiffusionReplicas)
        effectiveBeta = Jackknife.combine(full: full[0] / meanDiffusion,
                                          replicas: (0..<m).map { replicas[$0][0] / meanDiffusionReplicas[$0] })
        sampleCount = m
        intervalCount = intervals
        regressionCount = observations
    }

    /// Solves the 3×3 normal equations packed as [A row-major (9), b (3)] by Gaussian
    /// elimination with partial pivoting; nil when A is singular (a zero or non-finite pivot).
    static func solve(_ packed: [Double]) -> [Double]? {
        var a = [[Double]]()
        for r in 0..<3 {
            let row: [Double] = [packed[3 * r], packed[3 * r + 1], packed[3 * r + 2], packed[9 + r]]
            a.append(row)
        }
        for col in 0..<3 {
            let pivot = (col..<3).max { Swift.abs(a[$0][col]) < Swift.abs(a[$1][col]) }!
            a.swapAt(col, pivot)
            guard a[col][col] != 0, a[col][col].isFinite else { return nil }
            for r in (col + 1)..<3 {
                let f = a[r][col] / a[col][col]
                for c in col..<4 { a[r][c] -= f * a[col][c] }
            }
        }
        var solution = [0.0, 0, 0]
        for r in stride(from: 2, through: 0, by: -1) {
            var s = a[r][3]
            for c in (r + 1)..<3 { s -= a[r][c] * solution[c] }
            solution[r] = s / a[r][r]
        }
        return solution
    }
}
