/// Least-squares cubic spline fit of a level staircase (internal; used by ``Unfolding``).
///
/// A *least-squares* (regression) cubic spline, not a smoothing spline: N̄(x) = Σ_j c_j B_j(x)
/// with the k + 4 cubic B-splines on the clamped knot vector
///   x_min ×4, q_1, …, q_k, x_max ×4,   q_j the (j/(k + 1))-quantile of the fitted levels,
/// and c minimising Σ_i (N̄(x_i) − N_i)² (Householder QR). Quantile knots put the same number
/// of levels between consecutive knots, so the Schoenberg–Whitney conditions hold and the fit
/// is well posed whenever there are a few levels per knot interval. The smoothing is set by
/// k: with k + 1 intervals the spline follows the density on scales of (levels)/(k + 1)
/// levels and averages out the level-scale steps. B-splines are evaluated by the Cox–de Boor
/// recursion (Piegl & Tiller, *The NURBS Book*, 2nd ed. (1997), algorithm A2.2).
/// Reference: C. de Boor, *A Practical Guide to Splines*, rev. ed. (Springer, 2001), ch. XIV.
struct SplineStaircase: Sendable {
    let knots: [Double]
    let coefficients: [Double]

    /// Fits a spline with `interiorKnots` interior knots. Preconditions: interiorKnots ≥ 0;
    /// at least interiorKnots + 5 points with x_max > x_min. O(m (k + 4)²).
    init(x: [Double], count: [Double], interiorKnots k: Int) {
        precondition(k >= 0, "spline unfolding: the number of interior knots must be ≥ 0, got \(k)")
        precondition(x.count >= k + 5, "spline unfolding: \(x.count) levels are too few for \(k) interior knots")
        let sorted = x.sorted()
        let lo = sorted[0], hi = sorted[sorted.count - 1]
        precondition(hi > lo, "spline unfolding: all levels are equal")
        var t = [Double](repeating: lo, count: 4)
        for j in stride(from: 1, through: k, by: 1) {
            // Linear-interpolated empirical quantile j/(k + 1) (numpy's default).
            let position = Double(j) / Double(k + 1) * Double(sorted.count - 1)
            let below = Int(position)
            let fraction = position - Double(below)
            let above = Swift.min(below + 1, sorted.count - 1)
            t.append(sorted[below] + fraction * (sorted[above] - sorted[below]))
        }
        t += [Double](repeating: hi, count: 4)
        knots = t
        let basisCount = k + 4
        var columns = [[Double]](repeating: [Double](repeating: 0, count: x.count), count: basisCount)
        for (i, xi) in x.enumerated() {
            let (span, values) = Self.basis(at: xi, knots: t)
            for r in 0..<4 { columns[span - 3 + r][i] = values[r] }
        }
        coefficients = LeastSquares.solve(columns: columns, count)
    }

    /// The knot span μ (t_μ ≤ x < t_{μ+1}, clamped to [3, basisCount − 1]) and the four
    /// non-zero cubic B-splines B_{μ−3…μ}(x) there. Outside [x_min, x_max] the end pieces
    /// are extrapolated. O(log k).
    static func basis(at x: Double, knots t: [Double]) -> (span: Int, values: [Double]) {
        let basisCount = t.count - 4
        var low = 3, high = basisCount - 1
        // Largest μ in [3, basisCount − 1] with t[μ] ≤ x (binary search).
        while low < high {
            let mid = (low + high + 1) / 2
            if t[mid] <= x { low = mid } else { high = mid - 1 }
        }
        let span = low
        var n = [1.0, 0, 0, 0]
        var left = [0.0, 0, 0, 0], right = [0.0, 0, 0, 0]
        for j in 1...3 {
            left[j] = x - t[span + 1 - j]
            right[j] = t[span + j] - x
            var saved = 0.0
            for r in 0..<j {
                let temp = n[r] / (right[r + 1] + left[j - r])
                n[r] = saved + right[r + 1] * temp
                saved = left[j - r] * temp
            }
            n[j] = saved
        }
        return (span, n)
    }

    /// N̄(x). O(log k).
    func callAsFunction(_ x: Double) -> Double {
        let (span, values) = Self.basis(at: x, knots: knots)
        var sum = 0.0
        for r in 0..<4 { sum += coefficients[span - 3 + r] * values[r] }
        return sum
    }
}
