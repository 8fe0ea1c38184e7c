/// Level spacings of spectra stored row-major as [sample][level], ascending (SPEC §4.2).
public enum LevelSpacings {
    /// S = x_upper − x_lower per sample and pair: [sample][pair]. For would-be degenerate levels
    /// of an ensemble of few levels, the papers' observable.
    public static func pairSpacings(_ levels: [Double], levelCount: Int, pairs: [(lower: Int, upper: Int)]) -> [Double] {
        precondition(levels.count % levelCount == 0, "levels do not fill whole samples")
        precondition(pairs.allSatisfy { 0 <= $0.lower && $0.lower < $0.upper && $0.upper < levelCount }, "pair outside the spectrum")
        let samples = levels.count / levelCount
        return (0..<samples).flatMap { s in pairs.map { levels[s * levelCount + $0.upper] - levels[s * levelCount + $0.lower] } }
    }

    /// (x_lower + x_upper)/2 per sample and pair: [sample][pair], the centre a pair fluctuates about.
    public static func pairCentres(_ levels: [Double], levelCount: Int, pairs: [(lower: Int, upper: Int)]) -> [Double] {
        precondition(levels.count % levelCount == 0, "levels do not fill whole samples")
        let samples = levels.count / levelCount
        return (0..<samples).flatMap { s in pairs.map { (levels[s * levelCount + $0.upper] + levels[s * levelCount + $0.lower]) / 2 } }
    }

    /// Nearest-neighbour spacings x_{i+1} − x_i per sample: [sample][levelCount − 1].
    public static func nearestNeighbour(_ levels: [Double], levelCount: Int) -> [Double] {
        pairSpacings(levels, levelCount: levelCount, pairs: (0..<(levelCount - 1)).map { ($0, $0 + 1) })
    }

    /// Mean-spacing unfolding for ensembles of few levels: divides column c of every sample of a
    /// group by that group's mean of column c, so each column has mean 1 within its ensemble.
    /// Non-finite entries (failed samples) stay non-finite and do not enter the means.
    ///
    /// - Parameters:
    ///   - values: [sample][columns], row-major.
    ///   - groups: the sample indices of each ensemble.
    public static func normalisedByGroupMean(_ values: [Double], columns: Int, groups: [[Int]]) -> [Double] {
        var out = values
        for group in groups {
            for c in 0..<columns {
                let finite = group.map { values[$0 * columns + c] }.filter(\.isFinite)
                let mean = finite.reduce(0, +) / Double(finite.count)
                for s in group { out[s * columns + c] = values[s * columns + c] / mean }
            }
        }
        return out
    }

    /// Spacing ratios r̃_i = min(S_{i+1}/S_i, S_i/S_{i+1}) of consecutive nearest-neighbour spacings
    /// per sample, over the levels left after dropping `trim` at each edge: [sample][levels − 2·trim − 2].
    ///
    /// Unfolding-free (the local density cancels); for large spectra ⟨r̃⟩ = 0.5307 (GOE), 0.5996
    /// (GUE), 0.6744 (GSE), 0.3863 (Poisson). Atas, Bogomolny, Giraud, Roux, PRL 110 (2013) 084101.
    /// Precondition: levelCount − 2·trim ≥ 3.
    public static func spacingRatios(_ levels: [Double], levelCount: Int, trim: Int = 0) -> [Double] {
        precondition(levelCount - 2 * trim >= 3, "spacing ratios need at least 3 levels after trimming")
        let samples = levels.count / levelCount
        let kept = levelCount - 2 * trim
        return (0..<samples).flatMap { s -> [Double] in
            let x = levels[(s * levelCount + trim)..<(s * levelCount + trim + kept)].map { $0 }
            return (0..<(kept - 2)).map { i in
                let a = x[i + 1] - x[i], b = x[i + 2] - x[i + 1]
                return min(a, b) / max(a, b)
            }
        }
    }
}
