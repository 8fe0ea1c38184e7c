import RealModule

/// The Wigner surmise for nearest-neighbour level spacings of the Gaussian ensembles.
///
/// P_β(s) = a_β s^β exp(−b_β s²) for the orthogonal (β = 1), unitary (β = 2) and symplectic
/// (β = 4) ensembles, with a_β and b_β fixed by ∫P = 1 and ⟨s⟩ = ∫ s P = 1:
///
///   β = 1: (π/2) s e^{−πs²/4}
///   β = 2: (32/π²) s² e^{−4s²/π}
///   β = 4: (2¹⁸/(3⁶π³)) s⁴ e^{−64s²/(9π)}
///
/// It is the exact spacing distribution of 2×2 Gaussian matrices and approximates the N → ∞
/// bulk spacing distribution to within about 1 %.
///
/// Reference: M. L. Mehta, *Random Matrices*, 3rd ed. (Elsevier, 2004), §1.5;
/// F. Haake, *Quantum Signatures of Chaos*, 3rd ed. (Springer, 2010), §4.5.
public enum WignerSurmise {
    /// The coefficients (a_β, b_β) of P_β(s) = a_β s^β exp(−b_β s²).
    ///
    /// Precondition: β ∈ {1, 2, 4}.
    public static func coefficients(beta: Int) -> (a: Double, b: Double) {
        switch beta {
        case 1: return (Double.pi / 2, Double.pi / 4)
        case 2: return (32 / (Double.pi * Double.pi), 4 / Double.pi)
        case 4: return (262_144 / (729 * Double.pi * Double.pi * Double.pi), 64 / (9 * Double.pi))
        default: preconditionFailure("WignerSurmise: beta must be 1, 2 or 4, got \(beta)")
        }
    }

    /// The surmise density P_β(s) = a_β s^β exp(−b_β s²), normalised to ∫₀^∞ P = 1 and ⟨s⟩ = 1.
    ///
    /// Returns 0 for s < 0 (spacings are non-negative). Precondition: β ∈ {1, 2, 4}. O(1).
    public static func density(_ s: Double, beta: Int) -> Double {
        let (a, b) = coefficients(beta: beta)
        guard s > 0 else { return s.isNaN ? .nan : 0 }
        return a * Double.pow(s, beta) * Double.exp(-b * s * s)
    }

    /// The cumulative distribution F_β(s) = ∫₀^s P_β(t) dt in closed form.
    ///
    ///   β = 1: 1 − e^{−πs²/4}
    ///   β = 2: erf(√b s) − (a/(2b)) s e^{−bs²}
    ///   β = 4: erf(√b s) − a e^{−bs²} (s³/(2b) + 3s/(4b²))
    ///
    /// (by repeated integration by parts of t^{2k} e^{−bt²}; the erf coefficient is exactly 1 by
    /// normalisation). Returns 0 for s ≤ 0 and 1 for s = +∞. Precondition: β ∈ {1, 2, 4}. O(1).
    public static func cumulative(_ s: Double, beta: Int) -> Double {
        let (a, b) = coefficients(beta: beta)
        guard s > 0 else { return s.isNaN ? .nan : 0 }
        guard s.isFinite else { return 1 }
        let bs2 = b * s * s
        switch beta {
        case 1:
            // −expm1 keeps full relative accuracy for small s, where F ≈ πs²/4.
            return -Double.expMinusOne(-bs2)
        case 2:
            return Double.erf(b.squareRoot() * s) - a / (2 * b) * s * Double.exp(-bs2)
        default:
            let polynomial = s * s * s / (2 * b) + 3 * s / (4 * b * b)
            return Double.erf(b.squareRoot() * s) - a * Double.exp(-bs2) * polynomial
        }
    }
}

/// The spacing distribution of uncorrelated (Poisson) levels at unit mean spacing.
///
/// P(s) = e^{−s}, F(s) = 1 − e^{−s}, ⟨s⟩ = 1: the null hypothesis of no level repulsion.
///
/// Reference: Mehta (2004), §1.4; Haake (2010), §4.5.
public enum PoissonSpacing {
    /// The density e^{−s} for s ≥ 0, 0 for s < 0. O(1).
    public static func density(_ s: Double) -> Double {
        guard s >= 0 else { return s.isNaN ? .nan : 0 }
        return Double.exp(-s)
    }

    /// The cumulative distribution 1 − e^{−s} for s ≥ 0, 0 for s < 0. O(1).
    public static func cumulative(_ s: Double) -> Double {
        guard s > 0 else { return s.isNaN ? .nan : 0 }
        // −expm1(−s) is accurate for small s and is exactly 1 at s = +∞.
        return -Double.expMinusOne(-s)
    }
}
