import Fitting

/// The Dyson–Mehta spectral rigidity Δ₃(L) of unfolded spectra.
///
///   Δ₃(a, L) = min_{A,B} (1/L) ∫_a^{a+L} (N(ξ) − Aξ − B)² dξ,   Δ₃(L) = ⟨Δ₃(a, L)⟩,
///
/// the mean-square deviation of the staircase from its best straight line over a window,
/// averaged over window positions a and spectra. Evaluated in closed form (Bohigas &
/// Giannoni 1984): with the n levels of the window measured from its centre, ε̃_i =
/// ξ_i − (a + L/2), ascending (i = 1…n),
///
///   Δ₃(a, L) = n²/16 − (Σε̃_i)²/L² + (3n/(2L²)) Σε̃_i² − (3/L⁴)(Σε̃_i²)²
///              + (1/L) Σ (n − 2i + 1) ε̃_i,
///
/// which follows from ∫N = nL/2 − Σε̃, ∫N² = n²L/2 − Σ(2i − 1)ε̃, ∫ξN = nL²/8 − Σε̃²/2 and
/// the orthogonality of 1 and ξ on the symmetric window. Predictions: L/15 (Poisson); for the
/// GOE at large L Δ₃(L) ≈ (1/π²)(ln(2πL) + γ − 5/4 − π²/8).
/// Reference: F. J. Dyson and M. L. Mehta, J. Math. Phys. 4 (1963) 701, doi:10.1063/1.1704008;
/// O. Bohigas and M.-J. Giannoni, Lect. Notes Phys. 209 (1984) 1, doi:10.1007/3-540-13392-5_1,
/// Eq. (2.10); Mehta (2004), §16.
public enum SpectralRigidity {
    /// Δ₃(a, L) of one window from the unfolded levels inside it (ascending). O(n).
    public static func window(_ levels: ArraySlice<Double>, start a: Double, length: Double) -> Double {
        let centre = a + length / 2
        let n = Double(levels.count)
        var sum = 0.0, sumSquares = 0.0, weighted = 0.0
        for (k, xi) in levels.enumerated() {
            let e = xi - centre
            sum += e
            sumSquares += e * e
            weighted += (n - 2 * Double(k + 1) + 1) * e
        }
        let l2 = length * length
        return n * n / 16 - sum * sum / l2 + 1.5 * n * sumSquares / l2 - 3 * sumSquares * sumSquares / (l2 * l2)
            + weighted / length
    }

    /// Δ₃(L) for each L of `lengths`, with delete-one jackknife errors over spectra.
    ///
    /// Input, windows, grouping and skipping rules as ``NumberVariance/estimate(_:levelCount:lengths:step:)``.
    /// Preconditions: levelCount ≥ 2, L > 0, step > 0. Complexity: O(windows · L) per L.
    public static func estimate(_ unfolded: [Double], levelCount: Int, lengths: [Double],
                                step: Double = 0.25) -> [Estimate] {
        lengths.map { length in
            guard let groups = SpectralWindows.groupSums(unfolded, levelCount: levelCount, length: length,
                                                         step: step, components: 2,
                                                         statistic: { levels, a in
                [1, window(levels, start: a, length: length)]
            }) else { return Estimate(value: .nan, error: .nan) }
            return SpectralWindows.jackknife(groups) { $0[1] / $0[0] }
        }
    }
}
