import Fitting

extension LevelSpacings {
    /// Next-nearest-neighbour spacings x_{i+2} − x_i per sample: [sample][levelCount − 2].
    ///
    /// On unfolded levels their mean is 2; for the Gaussian ensembles their distribution is
    /// that of nearest-neighbour spacings of the ensemble with β → 4β (GOE → GSE) after
    /// rescaling by 2 (Mehta, *Random Matrices*, 3rd ed. (2004), §10.7). Rows are assumed
    /// ascending. Precondition: levelCount ≥ 3 and levels.count a multiple of it. O(samples·n).
    public static func nextNearestNeighbour(_ levels: [Double], levelCount: Int) -> [Double] {
        precondition(levelCount >= 3, "next-nearest spacings need at least 3 levels per sample")
        precondition(levels.count % levelCount == 0, "levels do not fill whole samples")
        return pairSpacings(levels, levelCount: levelCount, pairs: (0..<(levelCount - 2)).map { ($0, $0 + 2) })
    }

    /// The unrestricted spacing ratios r_i = S_{i+1}/S_i of consecutive nearest-neighbour
    /// spacings S_i = x_{i+1} − x_i per sample, over the levels left after dropping `trim` at each
    /// edge: [sample][levelCount − 2·trim − 2].
    ///
    /// r ∈ [0, ∞) with density P(r) = P(1/r)/r²; r̃ = min(r, 1/r) is ``spacingRatios(_:levelCount:trim:)``.
    /// A zero spacing S_i gives r = ±∞ or NaN. Unfolding-free: a smooth density cancels in the
    /// ratio. Reference: Y. Y. Atas, E. Bogomolny, O. Giraud, G. Roux, PRL 110 (2013) 084101,
    /// doi:10.1103/PhysRevLett.110.084101; V. Oganesyan and D. A. Huse, PRB 75 (2007) 155111.
    /// Precondition: levelCount − 2·trim ≥ 3. O(samples·n).
    public static func unrestrictedSpacingRatios(_ levels: [Double], levelCount: Int, trim: Int = 0) -> [Double] {
        precondition(levelCount - 2 * trim >= 3, "spacing ratios need at least 3 levels after trimming")
        precondition(levels.count % levelCount == 0, "levels do not fill whole samples")
        let samples = levels.count / levelCount
        let kept = levelCount - 2 * trim
        var out = [Double]()
        out.reserveCapacity(samples * (kept - 2))
        for s in 0..<samples {
            let base = s * levelCount + trim
            for i in 0..<(kept - 2) {
                out.append((levels[base + i + 2] - levels[base + i + 1]) / (levels[base + i + 1] - levels[base + i]))
            }
        }
        return out
    }

    /// The ensemble mean ⟨r̃⟩ of the restricted spacing ratios r̃ = min(r, 1/r), with its
    /// delete-one jackknife error over samples.
    ///
    /// ⟨r̃⟩ = (1/samples) Σ_s m_s with m_s the mean of sample s's r̃ (every sample has the same
    /// number of ratios, so this is also the mean over all ratios). The ratios within one
    /// spectrum are correlated, so the error is the jackknife over samples (`Jackknife.mean` of
    /// the m_s); with a single sample it falls back to `Jackknife.blockedMean` over blocks of
    /// `blockSize` consecutive ratios (correlations of r̃ decay within a few spacings).
    /// Samples with a non-finite ratio (failed samples, degenerate levels) are dropped.
    /// Reference values for large spectra: 0.5307 (GOE), 0.5996 (GUE), 0.6744 (GSE), and
    /// 2 ln 2 − 1 = 0.3863 (Poisson); the 3×3 surmise gives 4 − 2√3 = 0.5359, 2√3/π − ½ =
    /// 0.6027 and 32√3/(15π) − ½ = 0.6762 (Atas et al., PRL 110 (2013) 084101, Table I).
    /// Preconditions: levelCount − 2·trim ≥ 3; at least 2 usable samples, or one sample with at
    /// least 2 blocks. O(samples·n).
    public static func meanRestrictedSpacingRatio(_ levels: [Double], levelCount: Int, trim: Int = 0,
                                                  blockSize: Int = 10) -> Estimate {
        let ratios = spacingRatios(levels, levelCount: levelCount, trim: trim)
        let perSample = levelCount - 2 * trim - 2
        let rows = (0..<(ratios.count / perSample)).map { Array(ratios[($0 * perSample)..<(($0 + 1) * perSample)]) }
            .filter { $0.allSatisfy(\.isFinite) }
        if rows.count == 1 { return Jackknife.blockedMean(rows[0], blockSize: blockSize) }
        precondition(rows.count >= 2, "meanRestrictedSpacingRatio: no finite sample")
        return Jackknife.mean(rows.map { $0.reduce(0, +) / Double(perSample) })
    }
}
