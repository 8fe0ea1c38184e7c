/// Delete-one jackknife estimates of a statistic and its standard error.
///
/// For a sample x₁…x_n and a statistic θ, the replicas θ_i = θ(x without x_i) give
///
///   error² = (n − 1)/n · Σ_i (θ_i − θ̄)²,   θ̄ = (1/n) Σ_i θ_i,
///
/// which for the sample mean is exactly s²/n (s² the unbiased sample variance). The reported
/// value is θ on the full sample; the bias-corrected n·θ − (n − 1)·θ̄ is available on request.
/// The samples must be independent (e.g. one per seed); correlated samples (a time series)
/// should first be averaged into blocks longer than the autocorrelation time.
///
/// References: M. H. Quenouille, Biometrika 43, 353 (1956), doi:10.1093/biomet/43.3-4.353;
/// B. Efron and C. Stein, Ann. Stat. 9, 586 (1981), doi:10.1214/aos/1176345462;
/// B. Efron, *The Jackknife, the Bootstrap and Other Resampling Plans* (SIAM, 1982), ch. 3.
public enum Jackknife {
    /// The jackknife of the sample mean, in O(n) without forming the replicas' sums.
    ///
    /// Replicas θ_i = (Σx − x_i)/(n − 1), so θ_i − θ̄ = (x̄ − x_i)/(n − 1) exactly and
    /// error² = Σ(x_i − x̄)²/(n(n − 1)) = s²/n; this identity is used directly (two-pass,
    /// no cancellation in Σx − x_i). Value: x̄. Precondition: n ≥ 2. O(n).
    public static func mean(_ x: [Double]) -> Estimate {
        precondition(x.count >= 2, "Jackknife.mean needs at least 2 samples, got \(x.count)")
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let sumOfSquares = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return Estimate(value: mean, error: (sumOfSquares / (n * (n - 1))).squareRoot())
    }

    /// The delete-one jackknife of an arbitrary statistic.
    ///
    /// Evaluates `statistic` on the full sample and on each of the n samples with one element
    /// deleted (order of the others preserved), then combines them with
    /// ``combine(full:replicas:biasCorrected:)``. The value is θ(full sample) unless
    /// `biasCorrected` is true, in which case it is n·θ − (n − 1)·θ̄.
    /// Precondition: n ≥ 2. O(n · cost of `statistic`), one buffer of n − 1 reused.
    public static func estimate(
        _ x: [Double], biasCorrected: Bool = false, statistic: ([Double]) throws -> Double
    ) rethrows -> Estimate {
        precondition(x.count >= 2, "Jackknife.estimate needs at least 2 samples, got \(x.count)")
        let full = try statistic(x)
        // buffer = x without x[i]: starts as x[1...]; moving from i to i + 1 only changes
        // position i, which goes from x[i + 1] back to x[i].
        var buffer = Array(x.dropFirst())
        var replicas = [Double]()
        replicas.reserveCapacity(x.count)
        for i in x.indices {
            if i > 0 { buffer[i - 1] = x[i - 1] }
            replicas.append(try statistic(buffer))
        }
        return combine(full: full, replicas: replicas, biasCorrected: biasCorrected)
    }

    /// The jackknife of a ratio of means ⟨a⟩/⟨b⟩ in O(n), for quantities such as s = S/⟨S⟩ or
    /// a width divided by a predicted scale measured on the same seeds.
    ///
    /// Replicas θ_i = (Σa − a_i)/(Σb − b_i); value ā/b̄ (not bias-corrected); error as in
    /// ``combine(full:replicas:biasCorrected:)``. Preconditions: equal counts n ≥ 2; b̄ and
    /// every Σb − b_i non-zero. O(n).
    public static func ratioOfMeans(_ a: [Double], _ b: [Double]) -> Estimate {
        precondition(a.count == b.count, "Jackknife.ratioOfMeans: \(a.count) numerators but \(b.count) denominators")
        precondition(a.count >= 2, "Jackknife.ratioOfMeans needs at least 2 samples, got \(a.count)")
        let sumA = a.reduce(0, +)
        let sumB = b.reduce(0, +)
        precondition(sumB != 0, "Jackknife.ratioOfMeans: the denominators sum to zero")
        let replicas = zip(a, b).map { (sumA - $0) / (sumB - $1) }
        return combine(full: sumA / sumB, replicas: replicas)
    }

    /// Combines a full-sample value with its n delete-one (or delete-one-block) replicas.
    ///
    /// error = √((n − 1)/n · Σ(θ_i − θ̄)²); value = `full`, or n·full − (n − 1)·θ̄ when
    /// `biasCorrected`. Use it for statistics of several arrays (e.g. a fit per replica).
    /// Precondition: at least 2 replicas. O(n).
    public static func combine(full: Double, replicas: [Double], biasCorrected: Bool = false) -> Estimate {
        precondition(replicas.count >= 2, "Jackknife.combine needs at least 2 replicas, got \(replicas.count)")
        let n = Double(replicas.count)
        let replicaMean = replicas.reduce(0, +) / n
        let sumOfSquares = replicas.reduce(0) { $0 + ($1 - replicaMean) * ($1 - replicaMean) }
        let value = biasCorrected ? n * full - (n - 1) * replicaMean : full
        return Estimate(value: value, error: ((n - 1) / n * sumOfSquares).squareRoot())
    }

    /// The jackknife of the mean of correlated samples, deleting one block at a time.
    ///
    /// The series is cut into ⌊n/blockSize⌋ consecutive blocks (a remainder at the end is
    /// dropped) whose means are then treated as independent: the error is the standard error
    /// of the block means. Grow `blockSize` until the error stops growing (it then exceeds the
    /// autocorrelation time). Preconditions: blockSize ≥ 1, at least 2 blocks. O(n).
    ///
    /// Reference: H. Flyvbjerg and H. G. Petersen, J. Chem. Phys. 91, 461 (1989),
    /// doi:10.1063/1.457480.
    public static func blockedMean(_ x: [Double], blockSize: Int) -> Estimate {
        precondition(blockSize >= 1, "Jackknife.blockedMean: blockSize must be ≥ 1, got \(blockSize)")
        let blockCount = x.count / blockSize
        precondition(blockCount >= 2, "Jackknife.blockedMean: \(x.count) samples make fewer than 2 blocks of \(blockSize)")
        let blockMeans = (0..<blockCount).map { block in
            x[(block * blockSize)..<((block + 1) * blockSize)].reduce(0, +) / Double(blockSize)
        }
        return mean(blockMeans)
    }
}
