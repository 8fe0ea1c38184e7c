import RealModule

/// The Kolmogorov distribution: the n → ∞ law of √n·D_n for a continuous, fully specified F.
///
/// Reference: A. N. Kolmogorov, G. Ist. Ital. Attuari 4, 83 (1933); G. Marsaglia, W. W. Tsang
/// and J. Wang, J. Stat. Softw. 8(18) (2003), doi:10.18637/jss.v008.i18.
public enum Kolmogorov {
    /// The survival function Q(λ) = P(√n D_n > λ) as n → ∞.
    ///
    ///   Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}                      (λ ≥ 0.82)
    ///   Q(λ) = 1 − (√(2π)/λ) Σ_{k≥1} e^{−(2k−1)²π²/(8λ²)}           (λ < 0.82)
    ///
    /// The two forms are equal (Jacobi theta identity); the alternating series converges
    /// slowly and loses accuracy for small λ, the second one for large λ, so each is used where
    /// it needs at most 6 terms for full double precision. Q(λ) = 1 for λ ≤ 0 and, to double
    /// precision, for λ ≲ 0.2; it underflows to 0 beyond λ ≈ 19. Absolute error ≲ 1e-16;
    /// relative error ≲ 1e-15 in the tail. O(1).
    public static func survival(_ lambda: Double) -> Double {
        guard !lambda.isNaN else { return .nan }
        guard lambda > 0 else { return 1 }
        if lambda < 0.82 {
            // K(λ) = √(2π)/λ Σ e^{−(2k−1)²π²/(8λ²)}; at λ = 0.82 the ratio of successive
            // terms is ≤ e^{−8·1.83} so three terms suffice; for small λ all terms underflow.
            let c = Double.pi * Double.pi / (8 * lambda * lambda)
            var sum = 0.0
            for k in 1...8 {
                let odd = Double(2 * k - 1)
                let term = Double.exp(-odd * odd * c)
                sum += term
                if term <= 1e-17 * sum { break }
            }
            return max(0, 1 - (2 * Double.pi).squareRoot() / lambda * sum)
        }
        // Alternating series: at λ = 0.82 the k-th term is e^{−1.34 k²}, below 1e-17 by k = 6.
        var sum = 0.0
        var sign = 1.0
        for k in 1...20 {
            let kk = Double(k * k)
            let term = Double.exp(-2 * kk * lambda * lambda)
            sum += sign * term
            if term <= 1e-17 * sum { break }
            sign = -sign
        }
        return min(1, max(0, 2 * sum))
    }
}

/// The one-sample Kolmogorov–Smirnov test of a sample against a fully specified continuous CDF.
///
/// D_n = sup_x |F_n(x) − F(x)| = max_i max(i/n − F(x₍ᵢ₎), F(x₍ᵢ₎) − (i − 1)/n) over the sorted
/// sample; p = Q(λ) with Stephens' small-n correction λ = (√n + 0.12 + 0.11/√n)·D_n, which
/// makes the upper-tail points of the asymptotic law usable for the exact finite-n distribution
/// down to n ≈ 5 (Stephens 1970). scipy's `kstest(method='asymp')` uses the uncorrected
/// λ = √n·D_n, so its p-values are slightly larger; `method='exact'` is closer to this one.
///
/// The p-value is valid only if F has no parameter estimated from the same sample. For
/// s = S/⟨S⟩ with ⟨S⟩ the sample mean, D_n is stochastically smaller than under a fixed F
/// (Lilliefors effect) and this p-value is far too conservative (nominal 5 % rejects ~0.05 %
/// of true Wigner samples): use ``LillieforsTest``, which calibrates it by Monte Carlo.
///
/// References: M. A. Stephens, J. R. Stat. Soc. B 32, 115 (1970), doi:10.1111/j.2517-6161.1970.tb00821.x;
/// Marsaglia, Tsang & Wang, J. Stat. Softw. 8(18) (2003); H. W. Lilliefors, J. Am. Stat. Assoc.
/// 62, 399 (1967), doi:10.1080/01621459.1967.10482916.
public struct KolmogorovSmirnovTest: Sendable, Equatable, Codable {
    /// D_n = sup |F_n − F|.
    public let statistic: Double
    /// Q((√n + 0.12 + 0.11/√n)·D_n): the asymptotic Kolmogorov law with Stephens' correction.
    public let pValue: Double
    /// n, the number of sample values.
    public let sampleSize: Int

    /// Tests `sample` against `cumulative`.
    ///
    /// Preconditions: the sample is non-empty and free of NaN; `cumulative` is a continuous,
    /// non-decreasing CDF with values in [0, 1]. O(n log n) for the sort plus n CDF calls.
    public init(sample: [Double], cumulative: (Double) -> Double) {
        precondition(!sample.contains { $0.isNaN }, "KolmogorovSmirnovTest: the sample contains NaN")
        self.init(sortedSample: sample.sorted(), cumulative: cumulative)
    }

    /// Tests an already sorted sample (ascending, no NaN) against `cumulative`, e.g. one sample
    /// against several laws. Preconditions: as ``init(sample:cumulative:)``. O(n) CDF calls.
    public init(sortedSample sorted: [Double], cumulative: (Double) -> Double) {
        precondition(!sorted.isEmpty, "KolmogorovSmirnovTest needs a non-empty sample")
        let n = Double(sorted.count)
        var d = 0.0
        for (i, x) in sorted.enumerated() {
            let f = cumulative(x)
            d = max(d, Double(i + 1) / n - f, f - Double(i) / n)
        }
        self.init(statistic: d, sampleSize: sorted.count)
    }

    /// Builds the test result from a known statistic D_n and sample size n (e.g. one read back
    /// from a file). Preconditions: 0 ≤ D_n ≤ 1, n ≥ 1. O(1).
    public init(statistic: Double, sampleSize: Int) {
        precondition(sampleSize >= 1, "KolmogorovSmirnovTest: sample size must be ≥ 1, got \(sampleSize)")
        precondition((0...1).contains(statistic), "KolmogorovSmirnovTest: D must lie in [0, 1], got \(statistic)")
        let rootN = Double(sampleSize).squareRoot()
        self.statistic = statistic
        self.sampleSize = sampleSize
        self.pValue = Kolmogorov.survival((rootN + 0.12 + 0.11 / rootN) * statistic)
    }
}
