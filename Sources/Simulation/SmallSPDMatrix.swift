import RealModule

/// Cholesky factorisation, solves, inverses and log-determinants of small dense symmetric
/// positive-definite matrices (row-major, n ≲ 100), for models that need them inside a step.
///
/// Plain O(n³) loops: the matrices here are far too small for LAPACK's call overhead to pay,
/// and this module imports no C. Unblocked Cholesky is backward stable for SPD input
/// (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM 2002, Thm 10.3).
enum SmallSPDMatrix {
    /// Overwrites the lower triangle of `a` (n × n, row-major) with L, A = L Lᵀ; the strict upper
    /// triangle is left untouched. Returns false (leaving `a` partly overwritten) when a pivot is
    /// not positive or not finite, i.e. A is not numerically positive definite.
    /// - Complexity: n³/6 multiply–adds.
    static func factor(_ a: UnsafeMutableBufferPointer<Double>, n: Int) -> Bool {
        precondition(a.count >= n * n, "SmallSPDMatrix.factor: buffer too small for \(n)×\(n)")
        for j in 0..<n {
            var d = a[j * n + j]
            for k in 0..<j { d -= a[j * n + k] * a[j * n + k] }
            guard d > 0, d.isFinite else { return false }
            let l = d.squareRoot()
            a[j * n + j] = l
            for i in (j + 1)..<max(j + 1, n) {
                var s = a[i * n + j]
                for k in 0..<j { s -= a[i * n + k] * a[j * n + k] }
                a[i * n + j] = s / l
            }
        }
        return true
    }

    /// Solves L Lᵀ x = b in place (`b` becomes x) with the factor from `factor`.
    /// - Complexity: n² multiply–adds.
    static func solve(factor l: UnsafeMutableBufferPointer<Double>, n: Int, _ b: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<n {
            var s = b[i]
            for k in 0..<i { s -= l[i * n + k] * b[k] }
            b[i] = s / l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = b[i]
            for k in (i + 1)..<max(i + 1, n) { s -= l[k * n + i] * b[k] }
            b[i] = s / l[i * n + i]
        }
    }

    /// ln det A = 2 Σ ln L_ii from the factor.
    static func logDeterminant(factor l: UnsafeMutableBufferPointer<Double>, n: Int) -> Double {
        var s = 0.0
        for i in 0..<n { s += Double.log(l[i * n + i]) }
        return 2 * s
    }

    /// The factor, inverse and log-determinant of an SPD matrix given as an array; nil when it
    /// is not numerically positive definite. For set-up and measurements, not hot loops.
    static func inverse(_ matrix: [Double], n: Int) -> (inverse: [Double], logDeterminant: Double)? {
        precondition(matrix.count == n * n, "SmallSPDMatrix.inverse: \(matrix.count) entries for \(n)×\(n)")
        var l = matrix
        var inverse = [Double](repeating: 0, count: n * n)
        var column = [Double](repeating: 0, count: n)
        let ok = l.withUnsafeMutableBufferPointer { l -> Bool in
            guard factor(l, n: n) else { return false }
            column.withUnsafeMutableBufferPointer { column in
                for j in 0..<n {
                    for i in 0..<n { column[i] = i == j ? 1 : 0 }
                    solve(factor: l, n: n, column)
                    for i in 0..<n { inverse[i * n + j] = column[i] }
                }
            }
            return true
        }
        guard ok else { return nil }
        // Symmetrise: the two triangles of a computed inverse differ in the last bits.
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                let m = 0.5 * (inverse[i * n + j] + inverse[j * n + i])
                inverse[i * n + j] = m
                inverse[j * n + i] = m
            }
        }
        let logDet = l.withUnsafeMutableBufferPointer { logDeterminant(factor: $0, n: n) }
        return (inverse, logDet)
    }
}
