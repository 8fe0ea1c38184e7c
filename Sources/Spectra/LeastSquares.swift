/// Dense linear least squares min ‖A c − y‖₂ by Householder QR, for the staircase fits of
/// ``Unfolding`` (internal).
///
/// QR rather than normal equations: the condition number enters once, not squared, so a
/// Legendre basis of degree ~20 or a B-spline basis with many knots stays accurate.
/// Reference: G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed. (2013), §5.3.3.
enum LeastSquares {
    /// Solves min ‖Σ_j c_j columns[j] − y‖₂. `columns[j]` is column j of A (m entries).
    ///
    /// Preconditions: every column has y.count entries; m ≥ number of columns ≥ 1; A has full
    /// column rank (|R_kk| > 1e-12 · max|R_jj|). O(m n²) time, O(m n) memory.
    static func solve(columns: [[Double]], _ y: [Double]) -> [Double] {
        let n = columns.count
        let m = y.count
        precondition(n >= 1 && m >= n, "LeastSquares: \(m) equations for \(n) unknowns")
        precondition(columns.allSatisfy { $0.count == m }, "LeastSquares: columns must have \(m) entries")
        var a = columns
        var b = y
        var diagonal = [Double](repeating: 0, count: n)
        for k in 0..<n {
            var norm = 0.0
            for i in k..<m { norm += a[k][i] * a[k][i] }
            norm = norm.squareRoot()
            // Reflect x = a[k][k...] onto −sign(x_k)‖x‖e₁: v = x − α e₁ never cancels.
            let alpha = a[k][k] > 0 ? -norm : norm
            diagonal[k] = alpha
            guard norm > 0 else { continue }
            a[k][k] -= alpha
            var vv = 0.0
            for i in k..<m { vv += a[k][i] * a[k][i] }
            for j in (k + 1)..<n {
                var dot = 0.0
                for i in k..<m { dot += a[k][i] * a[j][i] }
                let f = 2 * dot / vv
                for i in k..<m { a[j][i] -= f * a[k][i] }
            }
            var dot = 0.0
            for i in k..<m { dot += a[k][i] * b[i] }
            let f = 2 * dot / vv
            for i in k..<m { b[i] -= f * a[k][i] }
        }
        let scale = diagonal.map { Swift.abs($0) }.max() ?? 0
        precondition(diagonal.allSatisfy { Swift.abs($0) > 1e-12 * scale },
                     "LeastSquares: the basis is rank deficient on these points (too many parameters for the levels?)")
        // Back substitution R c = Qᵀy; R_kj (j > k) is left in a[j][k].
        var c = [Double](repeating: 0, count: n)
        for k in stride(from: n - 1, through: 0, by: -1) {
            var s = b[k]
            for j in (k + 1)..<n { s -= a[j][k] * c[j] }
            c[k] = s / diagonal[k]
        }
        return c
    }
}
