import CLAPACK

/// Singular values of small real matrices (min(m, n) ≲ 64) without LAPACK's per-call overhead:
/// a Householder bidiagonalisation written here, then LAPACK `dbdsqr` without vectors (which
/// runs the dqds algorithm, `dlasq1`). (A QL on the 2n × 2n Golub–Kahan tridiagonal instead of
/// dqds was measured slower than `dgesdd` at 32 × 16: dqds is root-free.)
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
