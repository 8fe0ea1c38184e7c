/// Least-squares polynomial fit of a level staircase (internal; used by ``Unfolding``).
///
///   N̄(x) = Σ_{k=0}^{d} c_k P_k(t),   t = (2x − x_min − x_max)/(x_max − x_min) ∈ [−1, 1],
///
/// P_k the Legendre polynomials ((k + 1)P_{k+1} = (2k + 1) t P_k − k P_{k−1}), fitted to the
/// staircase points (x_k, N_k) by Householder QR. The Legendre basis on the scaled variable keeps
/// the problem well conditioned up to degree ~25 (monomials fail near degree 10).
/// Reference: T. Guhr, A. Müller-Groeling, H. A. Weidenmüller, Phys. Rep. 299 (1998) 189,
/// doi:10.1016/S0370-1573(97)00088-4, §2.2 (unfolding by a smooth fit of the staircase).
struct PolynomialStaircase: Sendable {
    let coefficients: [Double]
    let centre: Double
    let halfWidth: Double

    /// Fits degree `degree` to the points. Preconditions: degree ≥ 0, more distinct points
    /// than coefficients. O(m d²).
    init(x: [Double], count: [Double], degree: Int) {
        precondition(degree >= 0, "polynomial unfolding: degree must be ≥ 0, got \(degree)")
        precondition(x.count > degree + 1, "polynomial unfolding: \(x.count) levels cannot fix degree \(degree)")
        let lo = x.min()!, hi = x.max()!
        precondition(hi > lo, "polynomial unfolding: all levels are equal")
        centre = (lo + hi) / 2
        halfWidth = (hi - lo) / 2
        var columns = [[Double]](repeating: [Double](repeating: 0, count: x.count), count: degree + 1)
        for (i, xi) in x.enumerated() {
            let p = Self.legendre((xi - centre) / halfWidth, degree: degree)
            for k in 0...degree { columns[k][i] = p[k] }
        }
        coefficients = LeastSquares.solve(columns: columns, count)
    }

    /// P_0(t) … P_d(t) by the three-term recurrence. O(d).
    static func legendre(_ t: Double, degree: Int) -> [Double] {
        var p = [Double](repeating: 0, count: degree + 1)
        p[0] = 1
        if degree >= 1 { p[1] = t }
        if degree >= 2 {
            for k in 1..<degree {
                p[k + 1] = (Double(2 * k + 1) * t * p[k] - Double(k) * p[k - 1]) / Double(k + 1)
            }
        }
        return p
    }

    /// N̄(x); outside the fitted range the polynomial is extrapolated. O(d).
    func callAsFunction(_ x: Double) -> Double {
        let p = Self.legendre((x - centre) / halfWidth, degree: coefficients.count - 1)
        var sum = 0.0
        for k in coefficients.indices { sum += coefficients[k] * p[k] }
        return sum
    }
}
