/// Sample quantiles.
///
/// Reference: R. J. Hyndman and Y. Fan, Am. Stat. 50, 361 (1996), doi:10.1080/00031305.1996.10473566.
public enum Quantile {
    /// The p-quantile of sorted values by linear interpolation between order statistics
    /// (Hyndman & Fan definition 7, numpy.quantile's default `method="linear"`).
    ///
    /// With h = (n − 1)·p, j = ⌊h⌋, γ = h − j: Q = x_j + γ (x_{j+1} − x_j), evaluated as numpy
    /// does (from the upper point when γ ≥ 0.5) so results agree with numpy bit for bit.
    /// Preconditions: values non-empty and sorted ascending, 0 ≤ p ≤ 1. O(1).
    public static func linear(_ sortedValues: [Double], _ p: Double) -> Double {
        precondition(!sortedValues.isEmpty, "Quantile.linear needs at least one value")
        precondition((0...1).contains(p), "Quantile.linear: p must lie in [0, 1], got \(p)")
        let n = sortedValues.count
        let h = Double(n - 1) * p
        guard h < Double(n - 1) else { return sortedValues[n - 1] }
        let j = Int(h.rounded(.down))
        let gamma = h - Double(j)
        let a = sortedValues[j]
        let b = sortedValues[j + 1]
        let difference = b - a
        return gamma >= 0.5 ? b - difference * (1 - gamma) : a + difference * gamma
    }
}
