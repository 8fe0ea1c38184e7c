import Fitting

/// Gaussian-kernel smoothing of a level staircase (internal; used by ``Unfolding``).
///
///   N̄(x) = w Σ_j Φ((x − y_j)/h),
///
/// the staircase w·#{y_j ≤ x} convolved with a normal density of width h, i.e. the integral
/// of the Gaussian kernel density estimate ρ̄(x) = (w/h) Σ_j φ((x − y_j)/h); w = 1/(number of
/// spectra) for ensemble pooling. Levels farther than 8h below x contribute exactly 1 (Φ(−8)
/// ≈ 6e-16) and those farther above contribute 0, so with the levels sorted an evaluation
/// costs O(log m + levels within ±8h). Near the spectrum's edges the smoothing leaks density
/// outside the support, so N̄ is biased over a few h there: trim the edges.
/// Reference: B. W. Silverman, *Density Estimation for Statistics and Data Analysis*
/// (Chapman & Hall, 1986), §3.
struct KernelStaircase: Sendable {
    let levels: [Double]
    let bandwidth: Double
    let weight: Double

    /// Precondition: bandwidth > 0, weight > 0, levels sorted ascending.
    init(sortedLevels: [Double], bandwidth: Double, weight: Double) {
        precondition(bandwidth > 0 && bandwidth.isFinite, "kernel unfolding: the bandwidth must be positive, got \(bandwidth)")
        levels = sortedLevels
        self.bandwidth = bandwidth
        self.weight = weight
    }

    /// The first index whose level is ≥ x (binary search). O(log m).
    func lowerBound(_ x: Double) -> Int {
        var low = 0, high = levels.count
        while low < high {
            let mid = (low + high) / 2
            if levels[mid] < x { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// N̄(x). O(log m + levels within ±8h).
    func callAsFunction(_ x: Double) -> Double {
        let reach = 8 * bandwidth
        let first = lowerBound(x - reach)
        let last = lowerBound(x + reach)
        var sum = Double(first)
        for j in first..<last {
            sum += Gaussian.cumulative(x, mean: levels[j], standardDeviation: bandwidth)
        }
        return weight * sum
    }
}
