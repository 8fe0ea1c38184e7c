/// Eigenvalues of small real symmetric matrices (n ≲ 64) without LAPACK's per-call overhead:
/// an unblocked Householder reduction to tridiagonal form and implicit QL, both written here.
///
/// `dsyevd` with `jobz = "N"` does the same two steps (`dsytrd` + `dsterf`), but its blocked
/// `dsytrd` with `ilaenv` queries and level-2 BLAS calls on tiny operands costs more than this
/// unblocked loop (1.5 µs for 10×10). Here the reduction is `Q ᵀ A Q = T` by n − 2 reflectors `H = I − τ v vᵀ`
/// applied as the symmetric rank-2 update `A ← A − v wᵀ − w vᵀ`, `w = p − (τ vᵀp / 2) v`,
/// `p = τ A v` (Golub & Van Loan, *Matrix Computations*, 4th ed., §8.3.1), in `4n³/3` flops on
/// a full symmetric scratch copy; each column is scaled by its largest entry before its norm is
/// taken, so no intermediate overflows or underflows for finite input. Implicit QL
/// (``tridiagonalEigenvalues(_:_:count:)``) then returns the eigenvalues of `T`, ascending.
/// Backward stable: each eigenvalue has absolute error `O(n ε ‖A‖₂)`, like `dsyevd` (the two
/// agree to ~1e-15‖A‖ but not bit for bit). `info > 0` means QL failed to converge.
///
/// Only the lower triangle (`i ≥ j`, row-major) is read, as for ``SymmetricEigenSolver``.
struct SmallSymmetricEigenSolver: BatchSolver, ~Copyable {
    static let routine = "householder_ql_swift"

    private let n: Int
    private let a: ScratchBuffer<Double>
    /// Two tridiagonals (diagonal, off-diagonal) side by side: `[0, n)` and `[n, 2n)`.
    private let d: ScratchBuffer<Double>
    private let e: ScratchBuffer<Double>
    private let v: ScratchBuffer<Double>
    private let p: ScratchBuffer<Double>

    init(order: Int) {
        precondition(order >= 0 && order <= Int(Int32.max), "SmallSymmetricEigenSolver: bad order \(order)")
        n = order
        a = ScratchBuffer(count: order * order, initialValue: 0)
        d = ScratchBuffer(count: 2 * order, initialValue: 0)
        e = ScratchBuffer(count: 2 * order, initialValue: 0)
        v = ScratchBuffer(count: order, initialValue: 0)
        p = ScratchBuffer(count: order, initialValue: 0)
    }

    func solve(_ matrix: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>,
               vectors: UnsafeMutablePointer<Double>?) -> Int32 {
        reduce(matrix, d: d.base, e: e.base)
        let info = tridiagonalEigenvalues(d.base, e.base, count: n)
        guard info == 0 else { return info }
        values.update(from: d.base, count: n)  // sorted ascending
        return 0
    }

    /// Two matrices at once: both reductions, then their QL iterations interleaved (results
    /// bit-identical to ``solve(_:values:vectors:)`` on each).
    func solvePair(_ first: UnsafePointer<Double>, _ second: UnsafePointer<Double>,
                   values firstValues: UnsafeMutablePointer<Double>, _ secondValues: UnsafeMutablePointer<Double>) -> (Int32, Int32) {
        reduce(first, d: d.base, e: e.base)
        reduce(second, d: d.base + n, e: e.base + n)
        let info = tridiagonalEigenvalues(d.base, e.base, d.base + n, e.base + n, count: n)
        if info.0 == 0 { firstValues.update(from: d.base, count: n) }
        if info.1 == 0 { secondValues.update(from: d.base + n, count: n) }
        return info
    }

    /// Householder reduction of the symmetric `matrix` (lower triangle) to the tridiagonal
    /// `d` (diagonal, n values) and `e` (sub-diagonal, n − 1 values; room for n).
    private func reduce(_ matrix: UnsafePointer<Double>, d: UnsafeMutablePointer<Double>, e: UnsafeMutablePointer<Double>) {
        let n = self.n, a = self.a.base, v = self.v.base, p = self.p.base
        // Full symmetric copy from the lower triangle.
        for i in 0..<n {
            for j in 0...i {
                let x = matrix[i * n + j]
                a[i * n + j] = x
                a[j * n + i] = x
            }
        }
        if n >= 3 {
            for k in 0..<(n - 2) {
                // Reflector zeroing A[k+2..<n, k]: x = A[k+1..<n, k] → (α, 0, …, 0).
                let m = n - k - 1
                var scale = 0.0
                for i in 0..<m { scale = max(scale, abs(a[(k + 1 + i) * n + k])) }
                d[k] = a[k * n + k]
                guard scale > 0 else { e[k] = 0; continue }
                var norm2 = 0.0
                for i in 0..<m {
                    let x = a[(k + 1 + i) * n + k] / scale
                    v[i] = x
                    norm2 += x * x
                }
                let norm = norm2.squareRoot()
                let alpha = v[0] >= 0 ? -norm : norm   // opposite sign to x₀: no cancellation
                e[k] = alpha * scale
                v[0] -= alpha
                var vNorm2 = 0.0
                for i in 0..<m { vNorm2 += v[i] * v[i] }
                let tau = 2 / vNorm2
                // p = τ B v over the trailing block B = A[k+1..<n, k+1..<n]; then w = p − (τ vᵀp/2) v.
                var vp = 0.0
                for i in 0..<m {
                    var s = 0.0
                    let row = a + (k + 1 + i) * n + (k + 1)
                    for j in 0..<m { s += row[j] * v[j] }
                    p[i] = tau * s
                    vp += v[i] * p[i]
                }
                let half = tau * vp / 2
                for i in 0..<m { p[i] -= half * v[i] }
                for i in 0..<m {
                    let row = a + (k + 1 + i) * n + (k + 1)
                    let vi = v[i], wi = p[i]
                    for j in 0..<m { row[j] -= vi * p[j] + wi * v[j] }
                }
            }
        }
        if n >= 2 {
            d[n - 2] = a[(n - 2) * n + (n - 2)]
            e[n - 2] = a[(n - 1) * n + (n - 2)]
        }
        if n >= 1 { d[n - 1] = a[(n - 1) * n + (n - 1)] }
    }
}
