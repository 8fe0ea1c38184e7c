import RealModule

/// The density of one level of a degenerate pair: either eigenvalue of a 2×2 GOE matrix
/// (SPEC §4.4, [P1] arXiv:2407.16427).
///
///   ρ(x) = e^{−u²/2}/(4√π σ) · [2e^{−u²/2} + √(2π) u erf(u/√2)],   u = (x − x₀)/σ,
///
/// normalised to ∫ρ = 1, symmetric about x₀, variance 3σ²/2. It is the law of a level of
/// [[a, b], [b, d]] with a, d ~ N(x₀, σ²) and b ~ N(0, σ²/2) (GOE with off-diagonal variance
/// σ²/2): the centre (a + d)/2 ~ N(x₀, σ²/2) plus or minus half the spacing, which is Rayleigh
/// with scale σ/√2; hence ⟨S⟩ = √π σ. Closed-form CDF (integration by parts of the erf term):
///
///   F(x) = (1 + erf u)/2 − (√2/4) e^{−u²/2} erf(u/√2).
///
/// Reference: [P1] G. Aarts, B. Lucini, C. Park, arXiv:2407.16427; Mehta, *Random Matrices*,
/// 3rd ed. (2004), §1.5 for the 2×2 GOE.
public enum GOEPairDensity {
    /// ρ(x) for centre x₀ and width σ. Precondition: σ > 0. O(1).
    public static func density(_ x: Double, centre: Double, width sigma: Double) -> Double {
        precondition(sigma > 0, "GOEPairDensity: the width must be positive, got \(sigma)")
        let u = (x - centre) / sigma
        return Double.exp(logShape(u)) / sigma
    }

    /// F(x) = (1 + erf u)/2 − (√2/4) e^{−u²/2} erf(u/√2); uses erfc for u < 0 so the lower tail
    /// keeps its accuracy to about 1e-16 absolute. Precondition: σ > 0. O(1).
    public static func cumulative(_ x: Double, centre: Double, width sigma: Double) -> Double {
        precondition(sigma > 0, "GOEPairDensity: the width must be positive, got \(sigma)")
        let u = (x - centre) / sigma
        if u.isNaN { return .nan }
        let tail = 2.0.squareRoot() / 4 * Double.exp(-u * u / 2) * Double.erf(u / 2.0.squareRoot())
        let value = u < 0 ? Double.erfc(-u) / 2 - tail : 1 - Double.erfc(u) / 2 - tail
        return Swift.min(1, Swift.max(0, value))
    }

    /// Maximum-likelihood fit of (x₀, σ) to i.i.d. levels (one level per pair, or both levels
    /// of each pair: the estimate stays consistent, but then the reported errors are too small
    /// because the two levels of a pair are correlated; jackknife over pairs instead).
    ///
    /// ℓ = Σ[−log σ + h(u_i)], h = log(σρ) = −u²/2 + log B(u) − log(4√π),
    /// B = 2e^{−u²/2} + √(2π) u erf(u/√2), B' = √(2π) erf(u/√2), B'' = 2e^{−u²/2} (B ≥ 2).
    /// Newton's method on (x₀, σ) from the moments (x̄, s·√(2/3)) with step halving, falling
    /// back to gradient ascent where the Hessian is not negative definite; stops when the step
    /// is below 1e-12 σ. Covariance: inverse observed information −H⁻¹, with
    ///   ∂²ℓ/∂x₀² = Σh''/σ²,  ∂²ℓ/∂x₀∂σ = Σ(h' + uh'')/σ²,  ∂²ℓ/∂σ² = Σ(1 + 2uh' + u²h'')/σ².
    /// Preconditions: n ≥ 3 finite values, not all equal. O(n · iterations), typically 5–10.
    public static func fit(_ x: [Double]) -> FitResult {
        precondition(x.count >= 3, "GOEPairDensity.fit needs at least 3 values, got \(x.count)")
        precondition(x.allSatisfy(\.isFinite), "GOEPairDensity.fit: the values must be finite")
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        precondition(variance > 0, "GOEPairDensity.fit: all values are equal")
        var centre = mean
        var sigma = (2 * variance / 3).squareRoot()
        var current = derivatives(x, centre: centre, sigma: sigma)
        for _ in 0..<200 {
            let (g, h) = (current.gradient, current.hessian)
            let det = h[0][0] * h[1][1] - h[0][1] * h[1][0]
            var step: (Double, Double)
            if h[0][0] < 0 && det > 0 {
                step = ((-h[1][1] * g[0] + h[0][1] * g[1]) / det, (h[1][0] * g[0] - h[0][0] * g[1]) / det)
            } else {
                // Gradient ascent with a step of order σ²/n, the curvature scale.
                step = (g[0] * sigma * sigma / n, g[1] * sigma * sigma / n)
            }
            var accepted = false
            for _ in 0..<60 {
                let trial = derivatives(x, centre: centre + step.0, sigma: Swift.max(sigma + step.1, sigma / 4))
                if trial.logLikelihood >= current.logLikelihood {
                    centre = trial.centre
                    sigma = trial.sigma
                    current = trial
                    accepted = true
                    break
                }
                step = (step.0 / 2, step.1 / 2)
            }
            if !accepted || Swift.max(abs(step.0), abs(step.1)) < 1e-12 * sigma { break }
        }
        return FitResult(distribution: .goePair(centre: centre, width: sigma),
                         parameterNames: ["centre", "width"], values: [centre, sigma],
                         covariance: covarianceFromHessian(current.hessian), sample: x,
                         method: "maximum-likelihood (Newton, observed information)",
                         logLikelihood: current.logLikelihood)
    }

    /// log(σρ) as a function of u: −u²/2 + log B(u) − log(4√π).
    static func logShape(_ u: Double) -> Double {
        let gauss = Double.exp(-u * u / 2)
        let b = 2 * gauss + (2 * Double.pi).squareRoot() * u * Double.erf(u / 2.0.squareRoot())
        return -u * u / 2 + Double.log(b) - Double.log(4 * Double.pi.squareRoot())
    }

    /// ℓ, its gradient and Hessian in (x₀, σ).
    private static func derivatives(_ x: [Double], centre: Double, sigma: Double)
        -> (centre: Double, sigma: Double, logLikelihood: Double, gradient: [Double], hessian: [[Double]])
    {
        let root2pi = (2 * Double.pi).squareRoot()
        let logNorm = Double.log(4 * Double.pi.squareRoot())
        var l = 0.0, g0 = 0.0, g1 = 0.0, h00 = 0.0, h01 = 0.0, h11 = 0.0
        for value in x {
            let u = (value - centre) / sigma
            let gauss = Double.exp(-u * u / 2)
            let erf = Double.erf(u / 2.0.squareRoot())
            let b = 2 * gauss + root2pi * u * erf
            let b1 = root2pi * erf
            let b2 = 2 * gauss
            let h1 = -u + b1 / b
            let h2 = -1 + b2 / b - (b1 / b) * (b1 / b)
            l += -Double.log(sigma) - u * u / 2 + Double.log(b) - logNorm
            g0 += -h1 / sigma
            g1 += (-1 - u * h1) / sigma
            h00 += h2
            h01 += h1 + u * h2
            h11 += 1 + 2 * u * h1 + u * u * h2
        }
        let s2 = sigma * sigma
        return (centre, sigma, l, [g0, g1], [[h00 / s2, h01 / s2], [h01 / s2, h11 / s2]])
    }
}
