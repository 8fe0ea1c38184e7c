import CLAPACK

/// Eigenvalues of small real symmetric matrices (n ≲ 64) without LAPACK's per-call overhead:
/// an unblocked Householder reduction to tridiagonal form written here, then LAPACK `dsterf`.
///
/// `dsyevd` with `jobz = "N"` does the same two steps (`dsytrd` + `dsterf`), but for n ≤ 32
/// most of its time goes to blocking logic, `ilaenv` queries and level-2 BLAS calls on tiny
/// operands. Here the reduction is `Q ᵀ A Q = T` by n − 2 reflectors `H = I − τ v vᵀ`
/// applied as the symmetric rank-2 update `A ← A − v wᵀ − w vᵀ`, `w = p − (τ vᵀp / 2) v`,
/// `p = τ A v` (Golub & Van Loan, *Matrix Computations*, 4th ed., §8.3.1), in `4n³/3` flops on
/// a full symmetric scratch copy; each column is scaled by its largest entry before its norm is
/// taken, so no intermediate overflows or underflows for finite input. `dsterf` (Pal–Walker–Kahan
/// square-root-free QL/QR) then returns the eigenvalues of `T`, ascending. Backward stable: each
/// eigenvalue has absolute error `O(n ε ‖A‖₂)`, like `dsyevd` (the two agree to ~1e-15‖A‖ but not
/// bit for bit). `info > 0` from `dsterf` means it failed to converge.
///
/// Only the lower triangle (`i ≥ j`, row-major) is read, as for ``SymmetricEigenSolver``.
/// The corresponding C function is `LAPACKE_dsterf_work`.
struct SmallSymmetricEigenSolver: BatchSolver, ~Copyable {
    static let routine = "dsytd2_swift+dsterf"

    private let n: Int
    private let a: ScratchBuffer<Double>
    private let d: ScratchBuffer<Double>
    private let e: ScratchBuffer<Double>
    private let v: ScratchBuffer<Double>
    private let p: ScratchBuffer<Double>

    init(order: Int) {
        precondition(order >= 0 && order <= Int(Int32.max), "SmallSymmetricEigenSolver: bad order \(order)")
        n = order
        a = ScratchBuffer(count: order * order, initialValue: 0)
        d = ScratchBuffer(count: order, initialValue: 0)
        e = ScratchBuffer(count: order, initialValue: 0)
        v = ScratchBuffer(count: order, initialValue: 0)
        p = ScratchBuffer(count: order, initialValue: 0)
    }

    func solve(_ matrix: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>,
               vectors: UnsafeMutablePointer<Double>?) -> Int32 {
        let n = self.n, a = self.a.base, d = self.d.base, e = self.e.base, v = self.v.base, p = self.p.base
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
        let info = LAPACKE_dsterf_work(LAPACKInt(n), d, e)
        guard info == 0 else { return info }
        values.update(from: d, count: n)  // dsterf sorts ascending
        return 0
    }
}

/// Singular values of small real matrices (min(m, n) ≲ 64) without LAPACK's per-call overhead:
/// a Householder bidiagonalisation written here, then LAPACK `dbdsqr` without vectors (which
/// runs the dqds algorithm, `dlasq1`).
///
/// `dgesdd` with `jobz = "N"` does the same (`dgebrd` + `dbdsdc` → `dlasq1`); for tiny sizes its
/// time goes to blocking and workspace logic. Golub–Kahan reduction `Uᵀ A V = B` (upper
/// bidiagonal, Golub & Van Loan §5.4.8) by alternating left and right reflectors, `4mn² − 4n³/3`
/// flops for `m ≥ n` (a wide matrix is transposed first: σ(Aᵀ) = σ(A)). Columns and rows are
/// scaled by their largest entry before norms are taken. dqds computes the singular values of
/// `B` to high relative accuracy (Fernando & Parlett, Numer. Math. 67, 191 (1994),
/// doi:10.1007/s002110050024), so overall each σ has absolute error `O(max(m, n) ε ‖A‖₂)`, as for
/// `dgesdd`. Returned ascending.
///
/// The corresponding C function is `LAPACKE_dbdsqr_work`.
struct SmallSingularValueSolver: BatchSolver, ~Copyable {
    static let routine = "dgebd2_swift+dbdsqr"

    /// Working shape: `m ≥ n` after an optional transpose.
    private let m: Int
    private let n: Int
    private let transposes: Bool
    private let a: ScratchBuffer<Double>
    private let d: ScratchBuffer<Double>
    private let e: ScratchBuffer<Double>
    private let v: ScratchBuffer<Double>
    private let w: ScratchBuffer<Double>
    private let work: ScratchBuffer<Double>

    init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0 && rows * columns <= Int(Int32.max), "SmallSingularValueSolver: bad shape \(rows)×\(columns)")
        transposes = rows < columns
        m = max(rows, columns)
        n = min(rows, columns)
        a = ScratchBuffer(count: rows * columns, initialValue: 0)
        d = ScratchBuffer(count: n, initialValue: 0)
        e = ScratchBuffer(count: n, initialValue: 0)
        v = ScratchBuffer(count: m, initialValue: 0)
        w = ScratchBuffer(count: m, initialValue: 0)
        work = ScratchBuffer(count: 4 * n, initialValue: 0)
    }

    /// Builds a reflector from the `count` values at `x` (stride `step`): stores v in `v`,
    /// returns (α, τ) with `(I − τ v vᵀ) x = α e₁`; τ = 0 when x = 0.
    @inline(__always)
    private func reflector(_ x: UnsafeMutablePointer<Double>, count: Int, step: Int) -> (alpha: Double, tau: Double) {
        let v = self.v.base
        var scale = 0.0
        for i in 0..<count { scale = max(scale, abs(x[i * step])) }
        guard scale > 0 else { return (0, 0) }
        var norm2 = 0.0
        for i in 0..<count {
            let y = x[i * step] / scale
            v[i] = y
            norm2 += y * y
        }
        let norm = norm2.squareRoot()
        let alpha = v[0] >= 0 ? -norm : norm
        v[0] -= alpha
        var vNorm2 = 0.0
        for i in 0..<count { vNorm2 += v[i] * v[i] }
        return (alpha * scale, 2 / vNorm2)
    }

    func solve(_ matrix: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>,
               vectors: UnsafeMutablePointer<Double>?) -> Int32 {
        let (m, n) = (self.m, self.n)
        guard n > 0 else { return 0 }
        let a = self.a.base, d = self.d.base, e = self.e.base, v = self.v.base, w = self.w.base
        if transposes { transpose(matrix, rows: n, columns: m, into: a) } else { a.update(from: matrix, count: m * n) }
        for k in 0..<n {
            // Left reflector on column k, rows k..<m.
            let (alpha, tau) = reflector(a + k * n + k, count: m - k, step: n)
            d[k] = alpha
            if tau != 0 && k + 1 < n {
                // A[k.., k+1..] −= τ v (vᵀ A[k.., k+1..]), row by row (contiguous).
                for j in (k + 1)..<n { w[j] = 0 }
                for i in k..<m {
                    let vi = v[i - k], row = a + i * n
                    for j in (k + 1)..<n { w[j] += vi * row[j] }
                }
                for i in k..<m {
                    let s = tau * v[i - k], row = a + i * n
                    for j in (k + 1)..<n { row[j] -= s * w[j] }
                }
            }
            guard k + 1 < n else { break }
            // Right reflector on row k, columns k+1..<n.
            let (beta, sigma) = reflector(a + k * n + k + 1, count: n - k - 1, step: 1)
            e[k] = beta
            if sigma != 0 {
                for i in (k + 1)..<m {
                    let row = a + i * n + k + 1
                    var s = 0.0
                    for j in 0..<(n - k - 1) { s += row[j] * v[j] }
                    s *= sigma
                    for j in 0..<(n - k - 1) { row[j] -= s * v[j] }
                }
            }
        }
        let info = LAPACKE_dbdsqr_work(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), LAPACKInt(n), 0, 0, 0,
                                       d, e, nil, 1, nil, 1, nil, 1, work.base)
        guard info == 0 else { return info }
        for i in 0..<n { values[i] = d[n - 1 - i] }  // descending → ascending
        return 0
    }
}
