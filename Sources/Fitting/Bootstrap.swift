/// The non-parametric bootstrap of a statistic of an i.i.d. sample.
///
/// R replicas θ*_r = θ(x*_r), each x*_r n values drawn from x with replacement. The error is
/// the replicas' standard deviation √(Σ(θ*_r − θ̄*)²/(R − 1)); the value is θ(x) on the full
/// sample. For the mean this estimates s·√((n − 1)/n)/√n (the plug-in variance), with a
/// relative Monte Carlo error of about 1/√(2R) for near-normal replicas.
///
/// Reference: B. Efron, Ann. Stat. 7, 1 (1979), doi:10.1214/aos/1176344552; B. Efron and
/// R. J. Tibshirani, *An Introduction to the Bootstrap* (Chapman & Hall, 1993), ch. 6 and 13.
public enum Bootstrap {
    /// The R bootstrap replicas θ(x*_r), in the order drawn.
    ///
    /// Preconditions: n ≥ 1, replicas ≥ 2. O(R · (n + cost of `statistic`)), one buffer reused.
    public static func replicas(_ x: [Double], replicas: Int, using generator: inout some RandomNumberGenerator,
                                statistic: ([Double]) throws -> Double) rethrows -> [Double] {
        precondition(!x.isEmpty, "Bootstrap needs a non-empty sample")
        precondition(replicas >= 2, "Bootstrap needs at least 2 replicas, got \(replicas)")
        var buffer = x
        var result = [Double]()
        result.reserveCapacity(replicas)
        for _ in 0..<replicas {
            for i in buffer.indices { buffer[i] = x[Int.random(in: 0..<x.count, using: &generator)] }
            result.append(try statistic(buffer))
        }
        return result
    }

    /// The statistic on the full sample with the bootstrap standard error.
    ///
    /// Preconditions: n ≥ 1, replicas ≥ 2. O(R · (n + cost of `statistic`)).
    public static func estimate(_ x: [Double], replicas: Int, using generator: inout some RandomNumberGenerator,
                                statistic: ([Double]) throws -> Double) rethrows -> Estimate {
        let full = try statistic(x)
        let values = try Bootstrap.replicas(x, replicas: replicas, using: &generator, statistic: statistic)
        let r = Double(values.count)
        let mean = values.reduce(0, +) / r
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (r - 1)
        return Estimate(value: full, error: variance.squareRoot())
    }

    /// The percentile interval [θ*_{(1−c)/2}, θ*_{(1+c)/2}] of the replicas (Efron & Tibshirani
    /// §13.3), quantiles by ``Quantile/linear(_:_:)``.
    ///
    /// Preconditions: 0 < confidence < 1, n ≥ 1, replicas ≥ 2 (≥ 1000 advisable for 95 %).
    /// O(R · (n + cost of `statistic`) + R log R).
    public static func percentileInterval(_ x: [Double], replicas: Int, confidence: Double = 0.95,
                                          using generator: inout some RandomNumberGenerator,
                                          statistic: ([Double]) throws -> Double) rethrows -> ClosedRange<Double> {
        precondition(confidence > 0 && confidence < 1, "Bootstrap: confidence must lie in (0, 1), got \(confidence)")
        let sorted = try Bootstrap.replicas(x, replicas: replicas, using: &generator, statistic: statistic).sorted()
        return Quantile.linear(sorted, (1 - confidence) / 2)...Quantile.linear(sorted, (1 + confidence) / 2)
    }
}
