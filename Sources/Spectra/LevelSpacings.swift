/// Level spacings of spectra stored row-major as [sample][level], ascending (SPEC §4.2).
public enum LevelSpacings {
    /// S = x_upper − x_lower per sample and pair: [sample][pair]. For would-be degenerate levels
    /// of an ensemble of few levels, the papers' observable.
    public static func pairSpacings(_ levels: [Double], levelCount: Int, pairs: [(lower: Int, upper: Int)]) -> [Double] {
        precondition(levels.count % levelCount == 0, "levels do not fill whole samples")
        precondition(pairs.allSatisfy { 0 <= $0.lower && $0.lower < $0.upper && $0.upper < levelCount }, "pair outside the spectrum")
        return perPair(levels, levelCount: levelCount, pairs: pairs) { lower, upper in upper - lower }
    }

    /// (x_lower + x_upper)/2 per sample and pair: [sample][pair], the centre a pair fluctuates about.
    public static func pairCentres(_ levels: [Double], levelCount: Int, pairs: [(lower: Int, upper: Int)]) -> [Double] {
        precondition(levels.count % levelCount == 0, "levels do not fill whole samples")
        return perPair(levels, levelCount: levelCount, pairs: pairs) { lower, upper in (lower + upper) / 2 }
    }

    /// f(x_lower, x_upper) per sample and pair, [sample][pair], in one pass (no per-sample arrays:
    /// ensembles hold 10⁴–10⁶ samples).
    private static func perPair(_ levels: [Double], levelCount: Int, pairs: [(lower: Int, upper: Int)],
                                _ f: (Double, Double) -> Double) -> [Double] {
        let samples = levels.count / levelCount
        var out = [Double]()
        out.reserveCapacity(samples * pairs.count)
        for s in 0..<samples {
            let base = s * levelCount
            for pair in pairs { out.append(f(levels[base + pair.lower], levels[base + pair.upper])) }
        }
        return out
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
                var sum = 0.0, count = 0
                for s in group where values[s * columns + c].isFinite {
                    sum += values[s * columns + c]
                    count += 1
                }
                let mean = sum / Double(count)
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
        var out = [Double]()
        out.reserveCapacity(samples * (kept - 2))
        for s in 0..<samples {
            let base = s * levelCount + trim
            for i in 0..<(kept - 2) {
                let a = levels[base + i + 1] - levels[base + i], b = levels[base + i + 2] - levels[base + i + 1]
                out.append(min(a, b) / max(a, b))
            }
        }
        return out
    }
}
