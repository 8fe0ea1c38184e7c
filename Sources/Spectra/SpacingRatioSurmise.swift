#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Fitting

/// The Wigner-like surmise for consecutive-spacing ratios (Atas et al. 2013), for any β ≥ 0.
///
///   P_β(r) = (1/Z_β) (r + r²)^β / (1 + r + r²)^{1 + 3β/2},   r ∈ [0, ∞),
///
/// exact for 3×3 Gaussian β-ensembles and within ~1 % of large spectra. It obeys
/// P(r) = P(1/r)/r², so r̃ = min(r, 1/r) ∈ [0, 1] has density P̃_β(r̃) = 2 P_β(r̃). Z_β is
/// computed numerically, Z_β = 2∫₀¹ f_β (closed forms Z₁ = 8/27, Z₂ = 4π/(81√3),
/// Z₄ = 4π/(729√3) are reproduced to ~1e-12 and serve as tests). ⟨r̃⟩ = 4 − 2√3 (β = 1),
/// 2√3/π − ½ (β = 2), 32√3/(15π) − ½ (β = 4).
///
/// Quadrature: composite Simpson with 2048 intervals in u = √r̃ (r̃ = u², dr̃ = 2u du), which
/// turns the r̃^β endpoint behaviour into the smoother u^{2β+1}.
/// Reference: Y. Y. Atas, E. Bogomolny, O. Giraud, G. Roux, PRL 110 (2013) 084101,
/// doi:10.1103/PhysRevLett.110.084101, Eqs. (7)–(8) and Table I.
public enum SpacingRatioSurmise {
    /// f_β(r) = (r + r²)^β / (1 + r + r²)^{1 + 3β/2}, the unnormalised density. O(1).
    public static func unnormalisedDensity(_ r: Double, beta: Double) -> Double {
        guard r > 0 else { return r == 0 && beta == 0 ? 1 : 0 }
        return exp(beta * log(r + r * r) - (1 + 1.5 * beta) * log(1 + r + r * r))
    }

    /// ∫₀¹ g(r̃) f_β(r̃) dr̃ by Simpson's rule in u = √r̃ (internal). O(2048).
    static func integrate(beta: Double, _ g: (Double) -> Double) -> Double {
        let intervals = 2048
        let h = 1.0 / Double(intervals)
        var sum = 0.0
        for k in 0...intervals {
            let u = Double(k) * h
            let r = u * u
            let value = r > 0 ? g(r) * unnormalisedDensity(r, beta: beta) * 2 * u : 0
            let weight: Double = (k == 0 || k == intervals) ? 1 : (k % 2 == 1 ? 4 : 2)
            sum += weight * value
        }
        return sum * h / 3
    }

    /// Z_β = ∫₀^∞ f_β = 2∫₀¹ f_β. Precondition: β ≥ 0. O(2048).
    public static func normalisation(beta: Double) -> Double {
        precondition(beta >= 0, "SpacingRatioSurmise: beta must be ≥ 0, got \(beta)")
        return 2 * integrate(beta: beta) { _ in 1 }
    }

    /// P_β(r) = f_β(r)/Z_β on [0, ∞), normalised to 1. Precondition: β ≥ 0. O(2048).
    public static func density(_ r: Double, beta: Double) -> Double {
        unnormalisedDensity(r, beta: beta) / normalisation(beta: beta)
    }

    /// P̃_β(r̃) = 2 f_β(r̃)/Z_β on [0, 1] (0 outside), normalised to 1. Precondition: β ≥ 0. O(2048).
    public static func restrictedDensity(_ r: Double, beta: Double) -> Double {
        guard r >= 0 && r <= 1 else { return 0 }
        return 2 * density(r, beta: beta)
    }

    /// ⟨r̃⟩_β = ∫₀¹ r̃ P̃_β(r̃) dr̃. Precondition: β ≥ 0. O(2048).
    public static func meanRestrictedRatio(beta: Double) -> Double {
        integrate(beta: beta) { $0 } / integrate(beta: beta) { _ in 1 }
    }

    /// Maximum-likelihood fit of β to restricted ratios r̃_i ∈ (0, 1].
    ///
    /// log P̃_β(r̃) = β T(r̃) − log(1 + r̃ + r̃²) − log(Z_β/2) with T(r) = log(r + r²) −
    /// (3/2) log(1 + r + r²): an exponential family in β with sufficient statistic T, so the
    /// log-likelihood is concave and the maximum solves T̄ = E_β[T]. Solved by Newton steps
    /// safeguarded by bisection on [0, 64] (d/dβ E_β[T] = Var_β[T] > 0). Error: the inverse
    /// Fisher information 1/√(n Var_β̂[T]), valid for independent ratios (one per matrix, e.g.
    /// 3×3 matrices); the ratios of one large spectrum are correlated, and for them the
    /// jackknife over spectra (`Jackknife.estimate` on per-spectrum samples) is the honest
    /// error. Returns β = 0 when T̄ < E_0[T] (no level repulsion in this family).
    /// Preconditions: n ≥ 2 and every r̃_i ∈ (0, 1]. O(iterations · 2048).
    public static func fitBeta(_ ratios: [Double]) -> (beta: Estimate, logLikelihood: Double) {
        precondition(ratios.count >= 2, "SpacingRatioSurmise.fitBeta needs at least 2 ratios")
        precondition(ratios.allSatisfy { $0 > 0 && $0 <= 1 }, "SpacingRatioSurmise.fitBeta: ratios must lie in (0, 1]")
        let n = Double(ratios.count)
        func t(_ r: Double) -> Double { log(r + r * r) - 1.5 * log(1 + r + r * r) }
        let tBar = ratios.reduce(0) { $0 + t($1) } / n
        func moments(_ beta: Double) -> (mean: Double, variance: Double, z: Double) {
            let z = integrate(beta: beta) { _ in 1 }
            let m1 = integrate(beta: beta) { t($0) } / z
            let m2 = integrate(beta: beta) { t($0) * t($0) } / z
            return (m1, m2 - m1 * m1, z)
        }
        var low = 0.0, high = 64.0
        var beta = 1.0
        if moments(0).mean >= tBar {
            beta = 0
        } else {
            for _ in 0..<100 {
                let m = moments(beta)
                if m.mean < tBar { low = beta } else { high = beta }
                var next = beta + (tBar - m.mean) / m.variance
                if !(next > low && next < high) { next = (low + high) / 2 }
                if Swift.abs(next - beta) < 1e-10 { beta = next; break }
                beta = next
            }
        }
        let m = moments(beta)
        let logLikelihood = ratios.reduce(0) { $0 + beta * t($1) - log(1 + $1 + $1 * $1) } - n * log(m.z)
        return (Estimate(value: beta, error: 1 / (n * m.variance).squareRoot()), logLikelihood)
    }

    /// β̂ of the pooled ratios of several spectra, with the cluster-robust error (one cluster per
    /// spectrum, `ClusteredError`). The family's score per ratio is T(r̃_i) − E_β[T], and
    /// E_β̂[T] = T̄ at an interior maximum. Preconditions: as ``fitBeta(_:)`` for the pooled
    /// ratios. O(n + iterations · 2048).
    public static func fitBeta(spectra: [[Double]]) -> Estimate {
        let beta = fitBeta(spectra.flatMap { $0 }).beta
        func t(_ r: Double) -> Double { log(r + r * r) - 1.5 * log(1 + r + r * r) }
        let count = Double(spectra.reduce(0) { $0 + $1.count })
        let mean = spectra.reduce(0) { $0 + $1.reduce(0) { $0 + t($1) } } / count
        let scores = spectra.map { row in row.reduce(0) { $0 + t($1) - mean } }
        return Estimate(value: beta.value, error: ClusteredError.of(scores: scores, information: 1 / (beta.error * beta.error)))
    }
}
