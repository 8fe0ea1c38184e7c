import CLAPACK

/// Singular values of small real matrices (min(m, n) ≲ 64) without LAPACK's per-call overhead:
/// a Householder bidiagonalisation written here, four matrices at a time in the four lanes of a
/// `SIMD4<Double>` (one AVX2 register), then dqds on each bidiagonal: either the Swift
/// ``DQDSProblem`` with two problems interleaved (`householder_dqds`, the default) or LAPACK
/// `dbdsqr` without vectors
/// (which runs `dlasq1`; `householder_dbdsqr`). (A QL on the 2n × 2n Golub–Kahan tridiagonal
/// instead of dqds was measured slower than `dgesdd` at 32 × 16: dqds is root-free.)
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
/// Lanes: every operation of the reduction is lane-wise (no horizontal sums, no branches on
/// data; a zero column gives τ = 0 by a lane-wise select), so a matrix gets exactly the same
/// bits in any lane of a group of four, two or one (the free lanes hold zero matrices); the
/// Swift dqds of a pair is likewise bit-identical to one at a time. Measured per 32 × 16
/// matrix (one thread, BENCHMARKS.md): reduction (one lane) 8.3 → 4.6 µs (two lanes), dqds
/// `dbdsqr` 9.9 µs → Swift, two interleaved, 5.2 µs.
///
/// The corresponding C function (for `householder_dbdsqr`) is `LAPACKE_dbdsqr_work`.
struct SmallSingularValueSolver: BatchSolver, ~Copyable {
    static let routine = "dgebd2_swift+dbdsqr"
    static let dqdsRoutine = "dgebd2_swift+dqds_swift"
    typealias Lanes = SIMD4<Double>

    /// Swift dqds (else LAPACK `dbdsqr`) on the bidiagonal.
    private let usesSwiftDQDS: Bool
    /// Working shape: `m ≥ n` after an optional transpose.
    private let m: Int
    private let n: Int
    private let transposes: Bool
    /// Up to four matrices, `m × n` row-major, lane `l` holding matrix `l`.
    private let a: ScratchBuffer<Lanes>
    /// Bidiagonals of the group: lane-interleaved, then split into `d`, `e` per matrix.
    private let dd: ScratchBuffer<Lanes>
    private let ee: ScratchBuffer<Lanes>
    private let v: ScratchBuffer<Lanes>
    private let w: ScratchBuffer<Lanes>
    private let d: ScratchBuffer<Double>
    private let e: ScratchBuffer<Double>
    private let work: ScratchBuffer<Double>
    /// A zero matrix loaded into unused lanes.
    private let zeros: ScratchBuffer<Double>
    /// Two dqds workspaces side by side.
    private let dqdsWork: ScratchBuffer<Double>

    init(rows: Int, columns: Int, swiftDQDS: Bool) {
        precondition(rows >= 0 && columns >= 0 && rows * columns <= Int(Int32.max), "SmallSingularValueSolver: bad shape \(rows)×\(columns)")
        transposes = rows < columns
        m = max(rows, columns)
        n = min(rows, columns)
        a = ScratchBuffer(count: rows * columns, initialValue: .zero)
        dd = ScratchBuffer(count: n, initialValue: .zero)
        ee = ScratchBuffer(count: n, initialValue: .zero)
        v = ScratchBuffer(count: m, initialValue: .zero)
        w = ScratchBuffer(count: m, initialValue: .zero)
        d = ScratchBuffer(count: 4 * n, initialValue: 0)
        e = ScratchBuffer(count: 4 * n, initialValue: 0)
        zeros = ScratchBuffer(count: rows * columns, initialValue: 0)
        work = ScratchBuffer(count: 4 * n, initialValue: 0)
        dqdsWork = ScratchBuffer(count: 2 * DQDSProblem.workspace(n), initialValue: 0)
        usesSwiftDQDS = swiftDQDS
    }

    func solve(_ matrix: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>,
               vectors: UnsafeMutablePointer<Double>?) -> Int32 {
        guard n > 0 else { return 0 }
        let z = UnsafePointer(zeros.base)
        load((matrix, z, z, z))
        bidiagonalise()
        if usesSwiftDQDS {
            split(lane: 0)
            return bidiagonalSingularValues(d.base, e.base, count: n, work: dqdsWork.base, values: values)
        }
        return singularValues(lane: 0, values: values)
    }

    func solvePair(_ first: UnsafePointer<Double>, _ second: UnsafePointer<Double>,
                   values firstValues: UnsafeMutablePointer<Double>, _ secondValues: UnsafeMutablePointer<Double>) -> (Int32, Int32) {
        guard n > 0 else { return (0, 0) }
        let z = UnsafePointer(zeros.base)
        load((first, second, z, z))
        bidiagonalise()
        return finishPair(lanes: 0, values: firstValues, secondValues)
    }

    func solveQuad(_ matrices: Quad<UnsafePointer<Double>>, values: Quad<UnsafeMutablePointer<Double>>) -> Quad<Int32> {
        guard n > 0 else { return (0, 0, 0, 0) }
        load(matrices)
        bidiagonalise()
        let (first, second) = finishPair(lanes: 0, values: values.0, values.1)
        let (third, fourth) = finishPair(lanes: 2, values: values.2, values.3)
        return (first, second, third, fourth)
    }

    /// Singular values of the bidiagonals in lanes `lanes` and `lanes + 1`.
    private func finishPair(lanes l: Int, values firstValues: UnsafeMutablePointer<Double>,
                            _ secondValues: UnsafeMutablePointer<Double>) -> (Int32, Int32) {
        guard usesSwiftDQDS else {
            return (singularValues(lane: l, values: firstValues), singularValues(lane: l + 1, values: secondValues))
        }
        split(lane: l)
        split(lane: l + 1)
        return bidiagonalSingularValues(d.base + l * n, e.base + l * n, d.base + (l + 1) * n, e.base + (l + 1) * n, count: n,
                                        work: (dqdsWork.base, dqdsWork.base + DQDSProblem.workspace(n)),
                                        values: (firstValues, secondValues))
    }

    /// Copies matrix `l` into lane `l`, transposing to `m ≥ n`.
    private func load(_ p: Quad<UnsafePointer<Double>>) {
        let (m, n) = (self.m, self.n), a = self.a.base
        // Source element of working (i, j): row-major m × n, or the transpose of n × m.
        let (rowStride, columnStride) = transposes ? (1, m) : (n, 1)
        for i in 0..<m {
            let target = a + i * n, source = i * rowStride
            for j in 0..<n {
                let k = source + j * columnStride
                target[j] = Lanes(p.0[k], p.1[k], p.2[k], p.3[k])
            }
        }
    }

    /// Builds a reflector from the `count` lanes at `x` (stride `step`): stores v in `v`,
    /// returns (α, τ) with `(I − τ v vᵀ) x = α e₁`, lane by lane; τ = 0 where x = 0.
    @inline(__always)
    private func reflector(_ x: UnsafeMutablePointer<Lanes>, count: Int, step: Int) -> (alpha: Lanes, tau: Lanes) {
        let v = self.v.base
        var scale = Lanes.zero
        for i in 0..<count {
            // |y| and max by lane-wise compare and select (pointwiseMax is a scalar branch per lane).
            let y = x[i * step], magnitude = y.replacing(with: -y, where: y .< 0)
            scale.replace(with: magnitude, where: magnitude .> scale)
        }
        let isZero = scale .== 0
        let safeScale = scale.replacing(with: 1, where: isZero)
        let inverse = 1 / safeScale  // x / scale as x · (1/scale): one division per column
        var norm2 = Lanes.zero
        for i in 0..<count {
            let y = x[i * step] * inverse
            v[i] = y
            norm2 += y * y
        }
        let norm = norm2.squareRoot()
        let x0 = v[0], magnitude0 = x0.replacing(with: -x0, where: x0 .< 0)
        let alpha = norm.replacing(with: -norm, where: x0 .>= 0)  // opposite sign to x₀
        v[0] -= alpha
        // τ = 2 / vᵀv with vᵀv = ‖x‖² + 2‖x‖|x₀| + ‖x‖² (no cancellation: α has x₀'s opposite sign).
        let vNorm2 = 2 * norm * (norm + magnitude0)
        let tau = (2 / vNorm2.replacing(with: 1, where: isZero)).replacing(with: 0, where: isZero)
        return (alpha * safeScale, tau)
    }

    /// Reduces the group in `a` to upper bidiagonal form, diagonal in `dd`, superdiagonal in `ee`.
    private func bidiagonalise() {
        let (m, n) = (self.m, self.n)
        let a = self.a.base, d = dd.base, e = ee.base, v = self.v.base, w = self.w.base
        for k in 0..<n {
            // Left reflector on column k, rows k..<m.
            let (alpha, tau) = reflector(a + k * n + k, count: m - k, step: n)
            d[k] = alpha
            if k + 1 < n {
                // A[k.., k+1..] −= τ v (vᵀ A[k.., k+1..]), row by row (contiguous).
                // Two rows per pass over w (same summation order as one at a time, half the
                // loads and stores of w).
                for j in (k + 1)..<n { w[j] = .zero }
                var i = k
                while i + 1 < m {
                    let v0 = v[i - k], v1 = v[i + 1 - k], row0 = a + i * n, row1 = row0 + n
                    for j in (k + 1)..<n { w[j] = w[j] + v0 * row0[j] + v1 * row1[j] }
                    i += 2
                }
                if i < m {
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
            // Rows k+1..<m: row −= σ (row · v) vᵀ, four rows at a time so their dot-product chains
            // overlap (each row summed in the same order as alone).
            let length = n - k - 1
            var i = k + 1
            while i + 3 < m {
                let r0 = a + i * n + k + 1, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n
                var s0 = Lanes.zero, s1 = Lanes.zero, s2 = Lanes.zero, s3 = Lanes.zero
                for j in 0..<length {
                    let vj = v[j]
                    s0 += r0[j] * vj; s1 += r1[j] * vj; s2 += r2[j] * vj; s3 += r3[j] * vj
                }
                s0 *= sigma; s1 *= sigma; s2 *= sigma; s3 *= sigma
                for j in 0..<length {
                    let vj = v[j]
                    r0[j] -= s0 * vj; r1[j] -= s1 * vj; r2[j] -= s2 * vj; r3[j] -= s3 * vj
                }
                i += 4
            }
            while i < m {
                let row = a + i * n + k + 1
                var s = Lanes.zero
                for j in 0..<length { s += row[j] * v[j] }
                s *= sigma
                for j in 0..<length { row[j] -= s * v[j] }
                i += 1
            }
        }
    }

    /// Copies the bidiagonal of `lane` to `d`, `e` at offset `lane · n`.
    private func split(lane: Int) {
        let n = self.n, d = self.d.base + lane * n, e = self.e.base + lane * n
        for i in 0..<n { d[i] = dd.base[i][lane]; e[i] = ee.base[i][lane] }
    }

    /// Singular values of the bidiagonal in `lane` by `dbdsqr`, written ascending to `values`.
    private func singularValues(lane: Int, values: UnsafeMutablePointer<Double>) -> Int32 {
        split(lane: lane)
        let n = self.n, d = self.d.base + lane * n, e = self.e.base + lane * n
        let info = LAPACKE_dbdsqr_work(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), LAPACKInt(n), 0, 0, 0,
                                       d, e, nil, 1, nil, 1, nil, 1, work.base)
        guard info == 0 else { return info }
        for i in 0..<n { values[i] = d[n - 1 - i] }  // descending → ascending
        return 0
    }
}
