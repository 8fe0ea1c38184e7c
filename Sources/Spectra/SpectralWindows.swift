import Fitting

/// Window averages over unfolded spectra with a jackknife over spectra (internal; shared by
/// ``NumberVariance`` and ``SpectralRigidity``).
///
/// Windows [a, a + L] start at a = ξ_first + k·step, k = 0, 1, … while a + L ≤ ξ_last, in each
/// spectrum (row of ascending unfolded levels); rows with a non-finite level are skipped. Each
/// window yields a vector of sums (`statistic`), summed per *group*: one group per spectrum when
/// there are at least 2, otherwise 10 consecutive runs of windows of the single spectrum. The
/// caller turns sums into the estimate; the error is the delete-one-group jackknife.
enum SpectralWindows {
    /// Per-group sums of `statistic(levels inside the window, window start)` over all windows
    /// of length L. Returns nil when no spectrum is longer than L.
    static func groupSums(_ unfolded: [Double], levelCount: Int, length: Double, step: Double,
                          components: Int,
                          statistic: (ArraySlice<Double>, Double) -> [Double]) -> [[Double]]? {
        precondition(levelCount >= 2 && unfolded.count % levelCount == 0, "spectral windows: levels do not fill whole samples")
        precondition(length > 0 && step > 0, "spectral windows: L and the step must be positive")
        let samples = unfolded.count / levelCount
        let rows = (0..<samples).map { unfolded[($0 * levelCount)..<(($0 + 1) * levelCount)] }
            .filter { $0.allSatisfy(\.isFinite) }
        var perWindow = [(row: Int, sums: [Double])]()
        for (r, row) in rows.enumerated() {
            let first = row.first!, last = row.last!
            var k = 0
            // Two pointers: [lo, hi) are the indices with a ≤ ξ < a + L.
            var lo = row.startIndex, hi = row.startIndex
            while true {
                let a = first + Double(k) * step
                if a + length > last { break }
                while lo < row.endIndex && row[lo] < a { lo += 1 }
                while hi < row.endIndex && row[hi] < a + length { hi += 1 }
                perWindow.append((r, statistic(row[lo..<hi], a)))
                k += 1
            }
        }
        guard !perWindow.isEmpty else { return nil }
        let groupCount = rows.count >= 2 ? rows.count : 10
        var groups = [[Double]](repeating: [Double](repeating: 0, count: components), count: groupCount)
        for (w, window) in perWindow.enumerated() {
            let g = rows.count >= 2 ? window.row : Swift.min(w * 10 / perWindow.count, 9)
            for c in 0..<components { groups[g][c] += window.sums[c] }
        }
        return groups
    }

    /// The estimate f(Σ_g sums) with its delete-one-group jackknife error.
    static func jackknife(_ groups: [[Double]], _ f: ([Double]) -> Double) -> Estimate {
        let components = groups[0].count
        let total = (0..<components).map { c in groups.reduce(0) { $0 + $1[c] } }
        let replicas = groups.map { g in f((0..<components).map { total[$0] - g[$0] }) }
        return Jackknife.combine(full: f(total), replicas: replicas)
    }
}
