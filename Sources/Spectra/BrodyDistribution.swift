#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Fitting

/// The Brody distribution of unfolded nearest-neighbour spacings, interpolating between
/// Poisson (ω = 0) and the β = 1 Wigner surmise (ω = 1).
///
///   P_ω(s) = (ω + 1) b s^ω exp(−b s^{ω+1}),   b = Γ((ω + 2)/(ω + 1))^{ω+1},
///   F_ω(s) = 1 − exp(−b s^{ω+1}),
///
/// normalised to ∫P = 1 with ⟨s⟩ = 1 for every ω > −1 (b fixes the mean).
/// Reference: T. A. Brody, Lett. Nuovo Cimento 7 (1973) 482, doi:10.1007/BF02727859;
/// T. A. Brody et al., Rev. Mod. Phys. 53 (1981) 385, doi:10.1103/RevModPhys.53.385, §VI.
public enum BrodyDistribution {
    /// b(ω) = Γ((ω + 2)/(ω + 1))^{ω+1}; b(0) = 1, b(1) = π/4. Precondition: ω > −1. O(1).
    public static func scale(omega: Double) -> Double {
        precondition(omega > -1, "BrodyDistribution: omega must exceed −1, got \(omega)")
        return exp((omega + 1) * lgamma((omega + 2) / (omega + 1)))
    }

    /// P_ω(s) for s ≥ 0, 0 for s < 0. Precondition: ω > −1. O(1).
    public static func density(_ s: Double, omega: Double) -> Double {
        guard s > 0 else { return s == 0 && omega == 0 ? 1 : 0 }
        let b = scale(omega: omega)
        return (omega + 1) * b * pow(s, omega) * exp(-b * pow(s, omega + 1))
    }

    /// F_ω(s) = 1 − exp(−b s^{ω+1}) for s ≥ 0, 0 below. Precondition: ω > −1. O(1).
    public static func cumulative(_ s: Double, omega: Double) -> Double {
        guard s > 0 else { return 0 }
        return -expm1(-scale(omega: omega) * pow(s, omega + 1))
    }

    /// Maximum-likelihood fit of ω to unfolded spacings s_i > 0 (mean ≈ 1; the mean is not
    /// refitted, as in Brody's definition).
    ///
    ///   ℓ(ω) = n log(ω + 1) + n log b(ω) + ω Σ log s_i − b(ω) Σ s_i^{ω+1},
    ///
    /// maximised over ω ∈ (−0.99, 10] by a 32-point scan (ℓ is unimodal) refined by golden-section
    /// search (to 1e-8, far below any statistical error). Error: inverse observed information 1/√(−ℓ''(ω̂)), ℓ'' by a central second
    /// difference with step 1e-4; valid for independent spacings (for the spacings of large
    /// spectra, which are correlated, jackknife over spectra with `Jackknife.estimate`).
    /// Preconditions: n ≥ 2, every s_i finite and > 0. O(n · 75).
    public static func fit(_ spacings: [Double]) -> (omega: Estimate, logLikelihood: Double) {
        precondition(spacings.count >= 2, "BrodyDistribution.fit needs at least 2 spacings")
        precondition(spacings.allSatisfy { $0 > 0 && $0.isFinite }, "BrodyDistribution.fit: spacings must be positive and finite")
        let n = Double(spacings.count)
        let logs = spacings.map { log($0) }
        let sumLog = logs.reduce(0, +)
        let packedLogs = VectorMath.pack(logs, padding: -.infinity)
        func ell(_ omega: Double) -> Double {
            let b = scale(omega: omega)
            let sumPower = VectorMath.sumExp(scaling: omega + 1, packedLogs)  // Σ s_i^{ω+1}
            return n * log(omega + 1) + n * log(b) + omega * sumLog - b * sumPower
        }
        let lower = -0.99, upper = 10.0
        let omega = GoldenSection.maximise(ell, grid: (0...32).map { lower + (upper - lower) * Double($0) / 32 }, tolerance: 1e-8)
        let h = 1e-4
        let curvature = (ell(omega + h) - 2 * ell(omega) + ell(omega - h)) / (h * h)
        let error = curvature < 0 ? 1 / (-curvature).squareRoot() : .nan
        return (Estimate(value: omega, error: error), ell(omega))
    }

    /// ω̂ of the pooled spacings of several spectra, with the cluster-robust error (one cluster
    /// per spectrum, `ClusteredError`): the spacings of one spectrum are correlated, so the
    /// information error of ``fit(_:)`` is too small for them. Scores by central differences
    /// (step 1e-5) of ln P_ω. Preconditions: as ``fit(_:)`` for the pooled spacings. O(n · 75).
    public static func fit(spectra: [[Double]]) -> Estimate {
        let omega = fit(spectra.flatMap { $0 }).omega
        let h = 1e-5
        // ln P_w(s) = ln(w + 1) + ln b(w) + w ln s − b(w) s^{w+1}, at w = ω̂ ± h.
        let (above, below) = (omega.value + h, omega.value - h)
        let (bAbove, bBelow) = (scale(omega: above), scale(omega: below))
        let constant = (log(above + 1) + log(bAbove) - log(below + 1) - log(bBelow)) / (2 * h)
        let scores = spectra.map { row in
            row.reduce(0) { score, s in
                let l = log(s)
                return score + constant + (2 * h * l - bAbove * exp((above + 1) * l) + bBelow * exp((below + 1) * l)) / (2 * h)
            }
        }
        return Estimate(value: omega.value, error: ClusteredError.of(scores: scores, information: 1 / (omega.error * omega.error)))
    }
}
