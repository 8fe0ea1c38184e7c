import RealModule

/// The Wigner semicircle law: the N → ∞ eigenvalue density of Wigner matrices.
///
///   ρ(x) = 2√(R² − (x − c)²)/(πR²)   for |x − c| ≤ R,   0 outside,
///
/// normalised to ∫ρ = 1, mean c, variance R²/4. For an N × N GOE matrix with off-diagonal
/// variance v (diagonal 2v) the radius is R = 2√(N v).
///
/// Reference: E. P. Wigner, Ann. Math. 62, 548 (1955), doi:10.2307/1970079; Ann. Math. 67,
/// 325 (1958), doi:10.2307/1970008; Mehta, *Random Matrices*, 3rd ed. (2004), §1.4.
public enum WignerSemicircle {
    /// The density 2√(R² − (x − c)²)/(πR²), zero outside [c − R, c + R].
    ///
    /// Precondition: R > 0. O(1).
    public static func density(_ x: Double, centre c: Double, radius r: Double) -> Double {
        precondition(r > 0, "WignerSemicircle: the radius must be positive, got \(r)")
        let d = x - c
        guard abs(d) < r else { return x.isNaN ? .nan : 0 }
        // (R − d)(R + d) instead of R² − d², which cancels near the edges.
        return 2 * ((r - d) * (r + d)).squareRoot() / (Double.pi * r * r)
    }

    /// The cumulative distribution F(x) = ½ + (t√(1 − t²) + arcsin t)/π, t = (x − c)/R,
    /// clamped to 0 below c − R and 1 above c + R.
    ///
    /// Precondition: R > 0. O(1).
    public static func cumulative(_ x: Double, centre c: Double, radius r: Double) -> Double {
        precondition(r > 0, "WignerSemicircle: the radius must be positive, got \(r)")
        if x.isNaN { return .nan }
        let t = (x - c) / r
        if t <= -1 { return 0 }
        if t >= 1 { return 1 }
        let value = 0.5 + (t * ((1 - t) * (1 + t)).squareRoot() + Double.asin(t)) / Double.pi
        return Swift.min(1, Swift.max(0, value))
    }

    /// Maximum-likelihood fit of (c, R) to a sample, with the support constraint R > max|x_i − c|.
    ///
    /// ℓ(c, R) = −n log(πR²/2) + ½ Σ log(R² − (x_i − c)²). Method: *profile likelihood*. For
    /// fixed c, ∂ℓ/∂R = 0 reads Σ R²/(R² − d_i²) = 2n (d_i = x_i − c); the left side falls
    /// strictly from +∞ at R = max|d_i| to n as R → ∞, so the constrained maximum R̂(c) is
    /// unique and is found by Newton in t = R² (monotone from the left, the function being
    /// decreasing and convex). The profile ℓ(c, R̂(c)) is then maximised over c by a 41-point
    /// scan of c̄ ± R₀/4 (start from the moments: c₀ = mean, R₀ = 2·standard deviation)
    /// refined by golden-section search. The constraint is never active at the maximum, since
    /// ℓ → −∞ as R → max|d_i|.
    ///
    /// Covariance: inverse observed information −H⁻¹ at the maximum, with
    ///   ∂²ℓ/∂R² = 2n/R² − Σ(R² + d²)/(R² − d²)²,  ∂²ℓ/∂c² = −Σ(R² + d²)/(R² − d²)²,
    ///   ∂²ℓ/∂R∂c = −Σ 2Rd/(R² − d²)².
    /// The semicircle vanishes like a square root at its edges, so the Fisher information is
    /// infinite and the problem is non-regular (Smith, Biometrika 72, 67 (1985),
    /// doi:10.1093/biomet/72.1.67): R̂ converges faster than 1/√n and the observed-information
    /// error, driven by the levels nearest the edges, is a rough scale only. Eigenvalues of
    /// one matrix are not independent (they are far more rigid): for ensembles take the
    /// jackknife over matrices (``Jackknife/combine(full:replicas:biasCorrected:)``).
    ///
    /// Preconditions: n ≥ 3 finite values, not all equal. O(n · ~10³) operations.
    public static func fit(_ x: [Double]) -> FitResult {
        precondition(x.count >= 3, "WignerSemicircle.fit needs at least 3 values, got \(x.count)")
        precondition(x.allSatisfy(\.isFinite), "WignerSemicircle.fit: the values must be finite")
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        precondition(variance > 0, "WignerSemicircle.fit: all values are equal")
        let r0 = 2 * variance.squareRoot()

        // Coarse scan of the centre, then golden section on the bracket around the best point.
        let half = r0 / 4
        let c = GoldenSection.maximise({ profile(x, centre: $0).logLikelihood },
                                       grid: (0..<41).map { mean - half + Double($0) * 2 * half / 40 },
                                       tolerance: 1e-12 * Swift.max(r0, abs(mean)))
        let (r, logLikelihood) = profile(x, centre: c)

        var hRR = 2 * n / (r * r)
        var hCC = 0.0
        var hRC = 0.0
        for value in x {
            let d = value - c
            let gap = (r - d) * (r + d)
            let gap2 = gap * gap
            hRR -= (r * r + d * d) / gap2
            hCC -= (r * r + d * d) / gap2
            hRC -= 2 * r * d / gap2
        }
        return FitResult(distribution: .semicircle(centre: c, radius: r),
                         parameterNames: ["centre", "radius"], values: [c, r],
                         covariance: covarianceFromHessian([[hCC, hRC], [hRC, hRR]]), sample: x,
                         method: "maximum-likelihood (profile in centre, observed information)",
                         logLikelihood: logLikelihood)
    }

    /// R̂(c) and ℓ(c, R̂(c)) for a fixed centre.
    static func profile(_ x: [Double], centre c: Double) -> (radius: Double, logLikelihood: Double) {
        let n = Double(x.count)
        let squares = x.map { ($0 - c) * ($0 - c) }
        let floor = squares.max()!
        // g(t) = Σ t/(t − d²) − 2n, decreasing and convex in t = R² on (max d², ∞).
        func g(_ t: Double) -> (value: Double, slope: Double) {
            var value = -2 * n
            var slope = 0.0
            for s in squares {
                let gap = t - s
                value += t / gap
                slope -= s / (gap * gap)
            }
            return (value, slope)
        }
        // Start left of the root: 4·variance about c is the moment estimate of R²; move
        // towards the pole until g > 0, then Newton converges monotonically from the left.
        var t = Swift.max(4 * squares.reduce(0, +) / n, floor * (1 + 1e-9) + Double.leastNormalMagnitude)
        var current = g(t)
        while current.value < 0 {
            t = floor + (t - floor) / 2
            current = g(t)
        }
        for _ in 0..<200 {
            let next = t - current.value / current.slope
            if !(next > t) || next - t <= 1e-15 * t { t = Swift.max(t, next.isFinite ? next : t); break }
            t = next
            current = g(t)
        }
        let r = t.squareRoot()
        var logLikelihood = -n * Double.log(Double.pi * t / 2)
        for s in squares { logLikelihood += 0.5 * Double.log(t - s) }
        return (r, logLikelihood)
    }
}
