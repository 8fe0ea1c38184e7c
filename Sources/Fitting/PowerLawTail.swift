import RealModule

/// The power-law tail of a density, p(x) ∝ x^{−α} for x ≥ x_min, with x_min chosen from the data.
///
///   p(x) = (α − 1)/x_min · (x/x_min)^{−α},   F(x) = 1 − (x/x_min)^{1−α}   (x ≥ x_min, α > 1),
///
/// normalised over [x_min, ∞) (a *conditional* density: multiply by the tail fraction n_tail/n
/// to overlay it on a density of the whole sample).
///
/// Reference: A. Clauset, C. R. Shalizi and M. E. J. Newman, SIAM Rev. 51, 661 (2009),
/// doi:10.1137/070710111, §3.1–3.3.
public enum PowerLawTail {
    /// p(x), zero below x_min. Preconditions: α > 1, x_min > 0. O(1).
    public static func density(_ x: Double, exponent alpha: Double, lowerCutoff xMin: Double) -> Double {
        checkParameters(alpha, xMin)
        guard x >= xMin else { return x.isNaN ? .nan : 0 }
        return (alpha - 1) / xMin * Double.pow(x / xMin, -alpha)
    }

    /// F(x) = 1 − (x/x_min)^{1−α}, zero below x_min. Preconditions: α > 1, x_min > 0. O(1).
    public static func cumulative(_ x: Double, exponent alpha: Double, lowerCutoff xMin: Double) -> Double {
        checkParameters(alpha, xMin)
        guard x > xMin else { return x.isNaN ? .nan : 0 }
        // −expm1((1 − α) log(x/x_min)) stays accurate just above x_min.
        return -Double.expMinusOne((1 - alpha) * Double.log(x / xMin))
    }

    /// The maximum-likelihood exponent for a given cutoff: α̂ = 1 + n/Σ log(x_i/x_min) over the
    /// n values x_i ≥ x_min, with standard error (α̂ − 1)/√n (Clauset et al. eq. 3.1–3.2).
    ///
    /// Preconditions: x_min > 0, at least 2 values ≥ x_min, not all equal to x_min. O(n).
    public static func exponent(_ x: [Double], lowerCutoff xMin: Double) -> Estimate {
        precondition(xMin > 0, "PowerLawTail: x_min must be positive, got \(xMin)")
        let tail = x.filter { $0 >= xMin }
        precondition(tail.count >= 2, "PowerLawTail.exponent: fewer than 2 values above x_min = \(xMin)")
        let logSum = tail.reduce(0) { $0 + Double.log($1 / xMin) }
        precondition(logSum > 0, "PowerLawTail.exponent: every tail value equals x_min")
        let n = Double(tail.count)
        let alpha = 1 + n / logSum
        return Estimate(value: alpha, error: (alpha - 1) / n.squareRoot())
    }

    /// Fits α and x_min by the method of Clauset, Shalizi & Newman.
    ///
    /// Every distinct value x_(k) leaving at least `minimumTailCount` values above it is tried
    /// as x_min; for each, α̂(x_min) is the maximum-likelihood exponent (``exponent(_:lowerCutoff:)``)
    /// and D(x_min) the KS distance between the tail's empirical CDF and the fitted power law;
    /// the x_min with the smallest D is returned. Parameters ["exponent", "xMin"]; covariance
    /// diag((α̂ − 1)²/n_tail, 0): the error of x_min (and its effect on α) is not estimated
    /// here: use ``Bootstrap`` on the whole procedure for it. `sampleSize` is n_tail.
    ///
    /// Preconditions: positive finite values; minimumTailCount ≥ 2 and at most the number of
    /// values. O(n²) in the worst case (one O(n_tail) KS scan per candidate, sums of logs
    /// from suffix sums): about 10⁸ operations for n = 10⁴.
    public static func fit(_ x: [Double], minimumTailCount: Int = 10) -> FitResult {
        precondition(x.allSatisfy { $0 > 0 && $0.isFinite }, "PowerLawTail.fit: the values must be positive and finite")
        precondition(minimumTailCount >= 2 && minimumTailCount <= x.count,
                     "PowerLawTail.fit: minimumTailCount must lie in 2...\(x.count), got \(minimumTailCount)")
        let sorted = x.sorted()
        let n = sorted.count
        // suffix[k] = Σ_{i ≥ k} log x_(i)
        var suffix = [Double](repeating: 0, count: n + 1)
        for k in stride(from: n - 1, through: 0, by: -1) { suffix[k] = suffix[k + 1] + Double.log(sorted[k]) }

        var best: (distance: Double, index: Int, alpha: Double)? = nil
        var k = 0
        while k <= n - minimumTailCount {
            let xMin = sorted[k]
            let count = n - k
            let logSum = suffix[k] - Double(count) * Double.log(xMin)
            if logSum > 0 {
                let alpha = 1 + Double(count) / logSum
                var distance = 0.0
                let tailCount = Double(count)
                for i in k..<n {
                    let f = -Double.expMinusOne((1 - alpha) * Double.log(sorted[i] / xMin))
                    let rank = Double(i - k)
                    distance = Swift.max(distance, (rank + 1) / tailCount - f, f - rank / tailCount)
                }
                if best == nil || distance < best!.distance { best = (distance, k, alpha) }
            }
            // Next distinct value.
            var next = k + 1
            while next < n && sorted[next] == xMin { next += 1 }
            k = next
        }
        guard let best else { preconditionFailure("PowerLawTail.fit: no candidate x_min has a non-degenerate tail") }
        let tail = Array(sorted[best.index...])
        let xMin = sorted[best.index]
        let alpha = best.alpha
        let error = (alpha - 1) / Double(tail.count).squareRoot()
        let logLikelihood = Double(tail.count) * Double.log((alpha - 1) / xMin)
            - alpha * (suffix[best.index] - Double(tail.count) * Double.log(xMin))
        return FitResult(distribution: .powerLaw(exponent: alpha, lowerCutoff: xMin),
                         parameterNames: ["exponent", "xMin"], values: [alpha, xMin],
                         covariance: [[error * error, 0], [0, 0]], sample: tail,
                         method: "maximum-likelihood exponent, x_min by minimum KS distance (Clauset-Shalizi-Newman)",
                         logLikelihood: logLikelihood)
    }

    private static func checkParameters(_ alpha: Double, _ xMin: Double) {
        precondition(alpha > 1, "PowerLawTail: the exponent must exceed 1, got \(alpha)")
        precondition(xMin > 0, "PowerLawTail: x_min must be positive, got \(xMin)")
    }
}
