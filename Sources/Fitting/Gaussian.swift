import RealModule

/// The normal distribution N(μ, σ²), for the single (non-degenerate) levels of SPEC §2.2.
///
///   ρ(x) = exp(−(x − μ)²/(2σ²)) / (√(2π) σ),   F(x) = ½ erfc(−(x − μ)/(√2 σ)).
///
/// Reference: Abramowitz and Stegun, *Handbook of Mathematical Functions* (1964), §26.2.
public enum Gaussian {
    /// The normal density, normalised to ∫ρ = 1. Precondition: σ > 0. O(1).
    public static func density(_ x: Double, mean: Double, standardDeviation sigma: Double) -> Double {
        precondition(sigma > 0, "Gaussian: the standard deviation must be positive, got \(sigma)")
        let u = (x - mean) / sigma
        return Double.exp(-u * u / 2) / ((2 * Double.pi).squareRoot() * sigma)
    }

    /// The normal CDF ½ erfc(−u/√2), u = (x − μ)/σ (erfc keeps the lower tail accurate).
    /// Precondition: σ > 0. O(1).
    public static func cumulative(_ x: Double, mean: Double, standardDeviation sigma: Double) -> Double {
        precondition(sigma > 0, "Gaussian: the standard deviation must be positive, got \(sigma)")
        return Double.erfc(-(x - mean) / (sigma * 2.0.squareRoot())) / 2
    }

    /// Fits (μ, σ) to an i.i.d. sample.
    ///
    /// μ̂ = x̄, σ̂ = s = √(Σ(x − x̄)²/(n − 1)) (the unbiased variance's root; the maximum-likelihood
    /// σ is s·√((n − 1)/n)). Covariance: diag(s²/n, s²/(2(n − 1))), the exact variance of x̄
    /// and the large-n variance of s for normal data; μ̂ and σ̂ are independent. The
    /// log-likelihood reported is at (x̄, s).
    /// Preconditions: n ≥ 2 finite values, not all equal. O(n).
    public static func fit(_ x: [Double]) -> FitResult {
        precondition(x.count >= 2, "Gaussian.fit needs at least 2 values, got \(x.count)")
        precondition(x.allSatisfy(\.isFinite), "Gaussian.fit: the values must be finite")
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let sumOfSquares = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        precondition(sumOfSquares > 0, "Gaussian.fit: all values are equal")
        let s2 = sumOfSquares / (n - 1)
        let s = s2.squareRoot()
        let logLikelihood = -n / 2 * Double.log(2 * Double.pi * s2) - sumOfSquares / (2 * s2)
        return FitResult(distribution: .gaussian(mean: mean, standardDeviation: s),
                         parameterNames: ["mean", "standardDeviation"], values: [mean, s],
                         covariance: [[s2 / n, 0], [0, s2 / (2 * (n - 1))]], sample: x,
                         method: "sample mean and standard deviation", logLikelihood: logLikelihood)
    }
}
