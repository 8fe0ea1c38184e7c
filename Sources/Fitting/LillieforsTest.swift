import RealModule

/// The Kolmogorov–Smirnov test of spacings normalised by their own mean, s_i = S_i/⟨S⟩,
/// against the Wigner surmise, with the p-value calibrated by Monte Carlo (Lilliefors-type).
///
/// Dividing by the sample mean fits the scale to the same data, so D_n is much smaller than
/// under a fixed CDF: for β = 1 the 95 % point of √n·D_n is ≈ 0.97 instead of Kolmogorov's
/// 1.36, and the ``KolmogorovSmirnovTest`` p-value rejects at nominal 5 % only ~0.05 % of the
/// time. Because the surmise is a scale family, the null law of D_n for mean-normalised data
/// does not depend on the true scale and is simulated exactly: R samples of n surmise
/// variates, each divided by its own mean; p = (1 + #{D_rep ≥ D})/(R + 1), Monte Carlo error
/// √(p(1 − p)/R).
///
/// Surmise variates: t = b_β s² is Gamma((β + 1)/2, 1)-distributed, drawn as a sum of
/// exponentials plus Z²/2 for the half-integer part (Z standard normal by Box–Muller).
///
/// References: H. W. Lilliefors, J. Am. Stat. Assoc. 64, 387 (1969) (the exponential, i.e.
/// scale-family, case), doi:10.1080/01621459.1969.10500983; A. C. Davison and D. V. Hinkley,
/// *Bootstrap Methods and their Application* (CUP, 1997), §4.2 for the (1 + #)/(R + 1) rule.
public struct LillieforsTest: Sendable, Equatable, Codable {
    /// D_n = sup |F_n − F_β| for s_i = S_i/⟨S⟩.
    public let statistic: Double
    /// The Monte Carlo p-value (1 + #{D_rep ≥ D})/(R + 1) with its Monte Carlo error.
    public let pValue: Estimate
    /// n, the number of spacings.
    public let sampleSize: Int
    /// β of the surmise tested against.
    public let beta: Int
    /// R, the number of simulated null samples.
    public let replicas: Int

    /// Tests raw spacings S_i (any scale) against P_β after dividing them by their mean.
    ///
    /// Preconditions: n ≥ 2 finite spacings ≥ 0 with a positive mean; β ∈ {1, 2, 4};
    /// replicas ≥ 1. O(R · n log n); for β = 1, O(R · n): R = 1000 and n = 3000 take ≈ 0.08 s of CPU.
    public init(spacings: [Double], beta: Int, replicas: Int = 1000,
                using generator: inout some RandomNumberGenerator) {
        precondition(spacings.count >= 2, "LillieforsTest needs at least 2 spacings, got \(spacings.count)")
        precondition(spacings.allSatisfy { $0 >= 0 && $0.isFinite }, "LillieforsTest: spacings must be finite and ≥ 0")
        let d = LillieforsTest.meanNormalisedStatistic(spacings, beta: beta)
        self.init(statistic: d, sampleSize: spacings.count, beta: beta, replicas: replicas, using: &generator)
    }

    /// Calibrates a known statistic D_n of n mean-normalised spacings against P_β.
    ///
    /// Preconditions: n ≥ 2, β ∈ {1, 2, 4}, replicas ≥ 1. O(R · n log n).
    public init(statistic: Double, sampleSize: Int, beta: Int, replicas: Int = 1000,
                using generator: inout some RandomNumberGenerator) {
        let null = LillieforsNull(sampleSize: sampleSize, beta: beta, replicas: replicas, using: &generator)
        self.init(statistic: statistic, null: null)
    }

    /// Calibrates D_n against an already simulated null distribution of the same n and β: one
    /// simulation serves every ensemble of that size.
    public init(statistic: Double, null: LillieforsNull) {
        self.statistic = statistic
        self.pValue = null.pValue(statistic)
        self.sampleSize = null.sampleSize
        self.beta = null.beta
        self.replicas = null.statistics.count
    }

    /// Tests raw spacings against P_β with a precomputed null distribution for their count.
    ///
    /// Precondition: `spacings.count == null.sampleSize`; as for `init(spacings:beta:replicas:using:)`.
    public init(spacings: [Double], null: LillieforsNull) {
        precondition(spacings.count == null.sampleSize, "null distribution is for n = \(null.sampleSize), got \(spacings.count) spacings")
        precondition(spacings.allSatisfy { $0 >= 0 && $0.isFinite }, "LillieforsTest: spacings must be finite and ≥ 0")
        self.init(statistic: LillieforsTest.meanNormalisedStatistic(spacings, beta: null.beta), null: null)
    }

    /// D_n of x/⟨x⟩ against the surmise CDF.
    static func meanNormalisedStatistic(_ x: [Double], beta: Int) -> Double {
        let mean = x.reduce(0, +) / Double(x.count)
        precondition(mean > 0, "LillieforsTest: the spacings have mean 0")
        let sorted = x.map { $0 / mean }.sorted()
        let n = Double(sorted.count)
        var d = 0.0
        for (i, s) in sorted.enumerated() {
            let f = WignerSurmise.cumulative(s, beta: beta)
            d = max(d, Double(i + 1) / n - f, f - Double(i) / n)
        }
        return d
    }

    /// A uniform on [0, 1) from the top 53 bits of one draw. `Double.random(in:using:)` does the
    /// same, but unspecialised across modules its generic machinery cost ≈ 10× the draw.
    static func uniform(using generator: inout some RandomNumberGenerator) -> Double {
        Double(generator.next() >> 11) * 0x1p-53
    }

    /// One draw from P_β via t = b_β s² ~ Gamma((β + 1)/2, 1).
    static func surmiseVariate(beta: Int, using generator: inout some RandomNumberGenerator) -> Double {
        // −ln(1 − u) with u ∈ [0, 1) is a unit exponential and never takes the log of 0.
        func exponential() -> Double { -Double.log(onePlus: -uniform(using: &generator)) }
        func halfSquaredNormal() -> Double {
            let c = Double.cos(2 * Double.pi * uniform(using: &generator))
            return exponential() * c * c  // Z²/2 = −ln(u₁)·cos²(2πu₂), Box–Muller
        }
        let t: Double
        switch beta {
        case 1: t = exponential()                                   // Gamma(1)
        case 2: t = exponential() + halfSquaredNormal()             // Gamma(3/2)
        default: t = exponential() + exponential() + halfSquaredNormal()  // Gamma(5/2)
        }
        return (t / WignerSurmise.coefficients(beta: beta).b).squareRoot()
    }
}

/// The simulated null distribution of the KS statistic D_n of n mean-normalised surmise spacings.
///
/// It depends only on n and β (the surmise is a scale family), so one simulation of R replicas
/// calibrates every sample of that size: p(D) = (1 + #{D_rep ≥ D})/(R + 1), found by binary
/// search in O(log R). Building it is O(R · n log n).
public struct LillieforsNull: Sendable, Equatable {
    public let sampleSize: Int
    public let beta: Int
    /// The R simulated statistics, ascending.
    public let statistics: [Double]

    /// Preconditions: n ≥ 2, β ∈ {1, 2, 4}, replicas ≥ 1.
    public init(sampleSize: Int, beta: Int, replicas: Int, using generator: inout some RandomNumberGenerator) {
        precondition(sampleSize >= 2, "LillieforsTest: sample size must be ≥ 2, got \(sampleSize)")
        precondition(replicas >= 1, "LillieforsTest: replicas must be ≥ 1, got \(replicas)")
        _ = WignerSurmise.coefficients(beta: beta)  // checks β
        var statistics = [Double]()
        statistics.reserveCapacity(replicas)
        if beta == 1 {
            var replica = SortedRayleighReplica(sampleSize: sampleSize)
            for _ in 0..<replicas { statistics.append(replica.statistic(using: &generator)) }
        } else {
            var sample = [Double](repeating: 0, count: sampleSize)
            for _ in 0..<replicas {
                for i in sample.indices { sample[i] = LillieforsTest.surmiseVariate(beta: beta, using: &generator) }
                statistics.append(LillieforsTest.meanNormalisedStatistic(sample, beta: beta))
            }
        }
        self.sampleSize = sampleSize
        self.beta = beta
        self.statistics = statistics.sorted()
    }

    /// Several simulations of the same n and β as one (e.g. chunks simulated concurrently, each
    /// from its own random stream). Precondition: a non-empty list of equal n and β. O(R log R).
    public init(merging parts: [LillieforsNull]) {
        precondition(!parts.isEmpty && parts.allSatisfy { $0.sampleSize == parts[0].sampleSize && $0.beta == parts[0].beta },
                     "LillieforsNull: merge needs simulations of one sample size and beta")
        sampleSize = parts[0].sampleSize
        beta = parts[0].beta
        statistics = parts.flatMap(\.statistics).sorted()
    }

    /// The Monte Carlo p-value of `statistic` with its standard error √(p(1 − p)/R).
    public func pValue(_ statistic: Double) -> Estimate {
        // First index whose replica is ≥ statistic.
        var low = 0, high = statistics.count
        while low < high {
            let mid = (low + high) / 2
            if statistics[mid] < statistic { low = mid + 1 } else { high = mid }
        }
        let exceed = statistics.count - low
        let p = Double(1 + exceed) / Double(statistics.count + 1)
        return Estimate(value: p, error: (p * (1 - p) / Double(statistics.count)).squareRoot())
    }
}

/// D_n of β = 1 null replicas, each drawn already sorted: t = (π/4)s² is a unit exponential,
/// and the order statistics of n exponentials are t_(k) = Σ_{j≤k} E_j/(n − j + 1) (Rényi, Acta
/// Math. Acad. Sci. Hung. 4 (1953) 191), so no O(n log n) sort is needed. With s_k = √(4t_k/π)
/// divided by its mean, F(s_k) = 1 − exp(−c·t_k) for c = π/(4·⟨√t⟩²): one log (the exponential
/// draw), one square root and one exp per point, in SIMD lanes (``VectorMath``). Same law as
/// `surmiseVariate` + `meanNormalisedStatistic` (tested). O(n) per replica.
struct SortedRayleighReplica {
    typealias Lanes = VectorMath.Lanes
    let sampleSize: Int
    /// 1/(n − j), the Rényi weights; 0 in the padding lanes.
    private let weights: [Lanes]
    /// The replica's points, padded with zeros to whole blocks of lanes.
    private var points: [Double]

    init(sampleSize n: Int) {
        sampleSize = n
        let width = Lanes.scalarCount
        let padded = (n + width - 1) / width * width
        weights = VectorMath.pack((0..<padded).map { $0 < n ? 1 / Double(n - $0) : 0 }, padding: 0)
        points = [Double](repeating: 0, count: padded)
    }

    mutating func statistic(using generator: inout some RandomNumberGenerator) -> Double {
        let n = sampleSize, width = Lanes.scalarCount
        let weights = self.weights
        return points.withUnsafeMutableBufferPointer { points in
            let blocks = UnsafeMutableRawPointer(points.baseAddress!)
            func block(_ b: Int) -> Lanes { blocks.loadUnaligned(fromByteOffset: b * MemoryLayout<Lanes>.stride, as: Lanes.self) }
            func store(_ value: Lanes, _ b: Int) { blocks.storeBytes(of: value, toByteOffset: b * MemoryLayout<Lanes>.stride, as: Lanes.self) }
            // Weighted unit exponentials E_j/(n − j), E = −ln v with v ∈ (0, 1] from the top 53
            // bits of a draw (never ln 0); padding lanes take v = 1 and weight 0.
            for j in 0..<n { points[j] = Double((generator.next() >> 11) + 1) * 0x1p-53 }
            for j in n..<points.count { points[j] = 1 }
            for b in weights.indices { store(-VectorMath.log(block(b)) * weights[b], b) }
            // Their running sums are the sorted t_(k). (The scalar square root is one instruction;
            // SIMD's `squareRoot()` is a per-lane loop with a libm fallback.)
            var t = 0.0, rootSum = 0.0
            for j in 0..<n {
                t += points[j]
                points[j] = t
                rootSum += t.squareRoot()
            }
            let root = rootSum / Double(n)
            let c = Double.pi / (4 * root * root)
            // D = max_k max((k+1)/n − F_k, F_k − k/n) with F_k = 1 − g_k, g_k = exp(−c·t_k).
            let invN = 1 / Double(n)
            var lane = Lanes.zero
            for l in 0..<width { lane[l] = Double(l) }
            var d = Lanes.zero
            for b in weights.indices {
                let g = VectorMath.exp(-c * block(b))
                let index = lane + Double(width * b)
                let k = index * invN
                let above: Lanes = k + (invN - 1) + g   // (k+1)/n − F_k
                let below: Lanes = (1 - k) - g          // F_k − k/n
                // `replacing`, not `pointwiseMax`, which is a generic call per lane here.
                var gap = above.replacing(with: below, where: below .> above)
                gap.replace(with: 0, where: index .>= Double(n))
                d.replace(with: gap, where: gap .> d)
            }
            return d.max()
        }
    }
}
