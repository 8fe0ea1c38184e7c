import RealModule

/// The Marchenko–Pastur law: the N → ∞ eigenvalue density of X = WᵀW/n for an n × p matrix W
/// with i.i.d. entries of variance σ², at ratio q = p/n ∈ (0, 1].
///
///   ρ(x) = √((λ₊ − x)(x − λ₋)) / (2π σ² q x)   on [λ₋, λ₊],   λ± = σ²(1 ± √q)²,
///
/// normalised to ∫ρ = 1 (for q ≤ 1 there is no atom at 0), with mean σ² and variance qσ⁴
/// (⟨x²⟩ = σ⁴(1 + q)). For a finite Gaussian W, E[tr X²/p] = σ⁴(1 + q + 1/n) exactly.
///
/// Reference: V. A. Marchenko and L. A. Pastur, Math. USSR-Sb. 1, 457 (1967),
/// doi:10.1070/SM1967v001n04ABEH001994; Z. Bai and J. W. Silverstein, *Spectral Analysis of
/// Large Dimensional Random Matrices*, 2nd ed. (Springer, 2010), §3.1.
public enum MarchenkoPastur {
    /// The support edges (λ₋, λ₊) = (σ²(1 − √q)², σ²(1 + √q)²). O(1).
    public static func edges(ratio q: Double, variance v: Double) -> (lower: Double, upper: Double) {
        checkParameters(q, v)
        let root = q.squareRoot()
        return (v * (1 - root) * (1 - root), v * (1 + root) * (1 + root))
    }

    /// The density √((λ₊ − x)(x − λ₋))/(2πσ²qx), zero outside (λ₋, λ₊).
    ///
    /// Preconditions: q ∈ (0, 1], σ² > 0. O(1).
    public static func density(_ x: Double, ratio q: Double, variance v: Double) -> Double {
        let (lower, upper) = edges(ratio: q, variance: v)
        guard x > lower && x < upper else { return x.isNaN ? .nan : 0 }
        return ((upper - x) * (x - lower)).squareRoot() / (2 * Double.pi * v * q * x)
    }

    /// The cumulative distribution in closed form.
    ///
    /// With m = σ²(1 + q), h = 2σ²√q (so λ± = m ± h) and x = m − h cos θ, θ ∈ [0, π],
    ///
    ///   F(x) = [h sin θ + m θ − 2√(λ₋λ₊) arctan(√(λ₊/λ₋) tan(θ/2))] / (2πσ²q),
    ///
    /// obtained by substituting x into ∫ρ dx (the integrand becomes h² sin²θ/(m − h cos θ),
    /// which splits into a trigonometric polynomial and ∫dθ/(m − h cos θ)); F(λ₊) = 1 because
    /// m − √(λ₋λ₊) = 2σ²q. At q = 1 (λ₋ = 0) the arctan term vanishes. Clamped to [0, 1].
    /// Preconditions: q ∈ (0, 1], σ² > 0. O(1).
    public static func cumulative(_ x: Double, ratio q: Double, variance v: Double) -> Double {
        let (lower, upper) = edges(ratio: q, variance: v)
        if x.isNaN { return .nan }
        if x <= lower { return 0 }
        if x >= upper { return 1 }
        let m = v * (1 + q)
        let h = 2 * v * q.squareRoot()
        let theta = Double.acos(Swift.max(-1, Swift.min(1, (m - x) / h)))
        var value = h * Double.sin(theta) + m * theta
        if lower > 0 {
            let geometric = (lower * upper).squareRoot()
            // tan(θ/2) = sin θ/(1 + cos θ), finite for θ < π.
            let tanHalf = Double.sin(theta) / (1 + Double.cos(theta))
            value -= 2 * geometric * Double.atan((upper / lower).squareRoot() * tanHalf)
        }
        return Swift.min(1, Swift.max(0, value / (2 * Double.pi * v * q)))
    }

    /// The Tracy–Widom scale of the largest eigenvalue for p levels at ratio q:
    ///
    ///   s_TW = σ²(1 + √q)(1 + 1/√q)^{1/3} n^{−2/3},   n = p/q,
    ///
    /// the n-normalised form of Johnstone's σ_np = (√n + √p)(1/√n + 1/√p)^{1/3}.
    /// λ_max − λ₊ is of order s_TW for a pure Wishart matrix.
    /// Reference: I. M. Johnstone, Ann. Stat. 29, 295 (2001), doi:10.1214/aos/1009210544.
    /// Preconditions: p ≥ 1, q ∈ (0, 1], σ² > 0. O(1).
    public static func tracyWidomScale(levels p: Int, ratio q: Double, variance v: Double) -> Double {
        checkParameters(q, v)
        precondition(p >= 1, "MarchenkoPastur.tracyWidomScale: p must be ≥ 1, got \(p)")
        let n = Double(p) / q
        return v * (1 + q.squareRoot()) * Double.pow(1 + 1 / q.squareRoot(), 1.0 / 3) * Double.pow(n, -2.0 / 3)
    }

    /// Fits (q, σ²) to the eigenvalues of one X = WᵀW/n-type matrix and separates outliers.
    ///
    /// Method: bias-corrected moments with iterative outlier trimming. On the current bulk
    /// (p' levels) m₁ = ⟨x⟩, v = ⟨x²⟩ − m₁²; σ̂² = m₁ and q̂ = (v/m₁²)·p'/(p' + 1), which
    /// removes the exact finite-n bias E[v] ≈ σ⁴(q + 1/n) = σ⁴q(1 + 1/p). Levels above
    /// λ₊ + k·s_TW (``tracyWidomScale(levels:ratio:variance:)``, k = `outlierTolerance`,
    /// default 5: the Tracy–Widom (β = 1) law exceeds 5 with probability below 10⁻⁴) are
    /// outliers; the fit is repeated without them until the outlier set stops changing (at
    /// most 20 rounds). Moments of the levels of one Wishart matrix fluctuate only O(1/p)
    /// (linear spectral statistics do not grow with p), so for a pure 400 × 800 Wishart matrix
    /// q̂ and σ̂² lie within ~0.3 % of the truth; a maximum-likelihood fit is not used because
    /// the support depends on the parameters and Tracy–Widom fluctuations of the edge levels
    /// would push it outward.
    ///
    /// Errors: delete-one jackknife over the bulk levels (``Jackknife/combine(full:replicas:biasCorrected:)``,
    /// each replica O(1) from running sums). This treats levels as independent and so
    /// *overstates* the error for one matrix (levels are rigid); for an ensemble, jackknife the
    /// fit over matrices instead. `ratioHint` is unused by the estimator and only kept in the
    /// method string, for the record (e.g. the known p/n).
    ///
    /// Preconditions: at least 3 finite eigenvalues; outlierTolerance ≥ 0. Throws `FitFailure`
    /// for a degenerate spectrum, fewer than 3 levels below the edge, or a bulk whose q̂ > 1.05.
    /// O(p · rounds).
    public static func fit(_ eigenvalues: [Double], ratioHint: Double? = nil,
                           outlierTolerance: Double = 5) throws(FitFailure) -> MarchenkoPasturFit {
        precondition(eigenvalues.count >= 3, "MarchenkoPastur.fit needs at least 3 eigenvalues, got \(eigenvalues.count)")
        precondition(eigenvalues.allSatisfy(\.isFinite), "MarchenkoPastur.fit: the eigenvalues must be finite")
        precondition(outlierTolerance >= 0, "MarchenkoPastur.fit: outlierTolerance must be ≥ 0")
        let sorted = eigenvalues.sorted()
        var bulkCount = sorted.count
        var estimate = moments(sorted[0..<bulkCount])
        var threshold = Double.infinity
        for _ in 0..<20 {
            let q = Swift.min(estimate.ratio, 1)
            guard estimate.variance > 0 && q > 0 else { throw FitFailure("Marchenko-Pastur fit: degenerate spectrum (zero mean or spread)") }
            threshold = edges(ratio: q, variance: estimate.variance).upper
                + outlierTolerance * tracyWidomScale(levels: bulkCount, ratio: q, variance: estimate.variance)
            let newCount = sorted.firstIndex { $0 > threshold } ?? sorted.count
            if newCount == bulkCount { break }
            guard newCount >= 3 else { throw FitFailure("Marchenko-Pastur fit: fewer than 3 levels below the fitted edge") }
            bulkCount = newCount
            estimate = moments(sorted[0..<bulkCount])
        }
        let bulk = Array(sorted[0..<bulkCount])
        let q = estimate.ratio
        guard q > 0 && q <= 1.05 else {
            throw FitFailure("Marchenko-Pastur fit: fitted ratio \(q) is outside (0, 1]; is this a W^T W/n spectrum with p <= n?")
        }
        let qClamped = Swift.min(q, 1)

        // Delete-one jackknife of (q̂, σ̂²) from running sums.
        let s1 = bulk.reduce(0, +)
        let s2 = bulk.reduce(0) { $0 + $1 * $1 }
        let count = Double(bulkCount)
        var ratioReplicas = [Double]()
        var varianceReplicas = [Double]()
        for value in bulk {
            let k = count - 1
            let m1 = (s1 - value) / k
            let m2 = (s2 - value * value) / k
            varianceReplicas.append(m1)
            ratioReplicas.append((m2 - m1 * m1) / (m1 * m1) * k / (k + 1))
        }
        let ratioError = Jackknife.combine(full: q, replicas: ratioReplicas).error
        let varianceError = Jackknife.combine(full: estimate.variance, replicas: varianceReplicas).error
        // Covariance of the two from the same replicas.
        let rMean = ratioReplicas.reduce(0, +) / count
        let vMean = varianceReplicas.reduce(0, +) / count
        var cross = 0.0
        for i in bulk.indices { cross += (ratioReplicas[i] - rMean) * (varianceReplicas[i] - vMean) }
        cross *= (count - 1) / count

        let hint = ratioHint.map { ", ratio hint \($0)" } ?? ""
        let result = FitResult(distribution: .marchenkoPastur(ratio: qClamped, variance: estimate.variance),
                               parameterNames: ["ratio", "variance"], values: [qClamped, estimate.variance],
                               covariance: [[ratioError * ratioError, cross], [cross, varianceError * varianceError]],
                               sample: bulk,
                               method: "bias-corrected moments with outlier trimming at \(outlierTolerance) Tracy-Widom scales, jackknife over levels\(hint)",
                               logLikelihood: nil)
        return MarchenkoPasturFit(fit: result, outliers: Array(sorted[bulkCount...]), threshold: threshold)
    }

    /// σ̂² = m₁, q̂ = (v/m₁²)·p/(p + 1) on a bulk of p levels.
    private static func moments(_ x: ArraySlice<Double>) -> (ratio: Double, variance: Double) {
        let p = Double(x.count)
        let m1 = x.reduce(0, +) / p
        let v = x.reduce(0) { $0 + ($1 - m1) * ($1 - m1) } / p
        return (v / (m1 * m1) * p / (p + 1), m1)
    }

    private static func checkParameters(_ q: Double, _ v: Double) {
        precondition(q > 0 && q <= 1, "MarchenkoPastur: the ratio q must lie in (0, 1], got \(q)")
        precondition(v > 0 && v.isFinite, "MarchenkoPastur: the variance must be positive, got \(v)")
    }
}

/// A Marchenko–Pastur fit of one spectrum: the bulk fit and the levels above the edge.
public struct MarchenkoPasturFit: Sendable, Equatable, Codable {
    /// The fit of (q, σ²) to the bulk (outliers excluded).
    public let fit: FitResult
    /// The levels above `threshold`, ascending.
    public let outliers: [Double]
    /// λ₊ + k·s_TW at the fitted parameters: levels above it are outliers.
    public let threshold: Double
}
