import Fitting

/// The number variance Σ²(L) of unfolded spectra (Dyson–Mehta).
///
///   Σ²(L) = ⟨n(a, L)²⟩ − ⟨n(a, L)⟩²,   n(a, L) = #{ξ_i ∈ [a, a + L)},
///
/// the average over window positions a and spectra. The variance is taken about the measured
/// mean count (≈ L) rather than about L, so a slightly wrong unfolding scale does not add
/// (⟨n⟩ − L)². Predictions: Σ² = L (Poisson); for the GOE at large L
/// Σ²(L) ≈ (2/π²)(ln(2πL) + γ + 1 − π²/8) (≈ 0.44 already at L = 1).
/// Reference: F. J. Dyson and M. L. Mehta, J. Math. Phys. 4 (1963) 701, doi:10.1063/1.1704008;
/// O. Bohigas and M.-J. Giannoni, Lect. Notes Phys. 209 (1984) 1, doi:10.1007/3-540-13392-5_1;
/// Mehta, *Random Matrices*, 3rd ed. (2004), §16.
public enum NumberVariance {
    /// Σ²(L) for each L of `lengths`, with delete-one jackknife errors over spectra.
    ///
    /// `unfolded`: [sample][level], rows ascending with mean spacing 1 (after ``Unfolding``,
    /// usually with trimmed edges). Window starts a = ξ_first + k·step within each row (see
    /// the window rules of the internal `SpectralWindows`: one jackknife group per spectrum,
    /// or 10 consecutive runs of windows for a single spectrum). Overlapping windows are
    /// correlated; that is fine for the mean and the jackknife over spectra accounts for it.
    /// Rows with non-finite levels are skipped; an L longer than every row gives NaN ± NaN.
    /// Preconditions: levelCount ≥ 2, L > 0, step > 0. Complexity: O(Σ_L windows + levels)
    /// per L, windows ≈ samples·(levels − L)/step.
    public static func estimate(_ unfolded: [Double], levelCount: Int, lengths: [Double],
                                step: Double = 0.25) -> [Estimate] {
        lengths.map { length in
            guard let groups = SpectralWindows.groupSums(unfolded, levelCount: levelCount, length: length,
                                                         step: step, components: 3,
                                                         statistic: { window, _ in
                let n = Double(window.count)
                return [1, n, n * n]
            }) else { return Estimate(value: .nan, error: .nan) }
            return SpectralWindows.jackknife(groups) { s in
                let mean = s[1] / s[0]
                return s[2] / s[0] - mean * mean
            }
        }
    }
}
