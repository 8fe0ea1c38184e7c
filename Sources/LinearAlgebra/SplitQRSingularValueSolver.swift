import CLAPACK
import Dispatch

/// Singular values of one large, clearly rectangular matrix (`M = max(m, n) ≥ 2N`,
/// `N = min(m, n)`) by a two-block tall-skinny QR, then LAPACK's bidiagonal SVD of the `N × N`
/// triangle, with the two QR blocks factorised concurrently when two threads are free.
///
/// Algorithm (`σ(A) = σ(R)` for `A = QR`): the tall `M × N` form (Aᵀ for a wide A) is split
/// into its top and bottom row halves `A₁`, `A₂`, each factorised by `dgeqrf` (single-threaded
/// OpenBLAS) into `Rᵢ`; `dtpqrt` then factorises the stacked triangles `[R₁; R₂] = Q' R`
/// (Demmel, Grigori, Hoemmen & Langou, SIAM J. Sci. Comput. 34, A206 (2012),
/// doi:10.1137/080731992: TSQR is backward stable like Householder QR); `dgebrd` reduces `R` to
/// bidiagonal form and `dbdsqr` (dqds) gives its singular values. Each σ has absolute error
/// `O(M ε ‖A‖₂)`, as for `dgesdd` (which does QR, `dgebrd` and `dbdsdc` → the same dqds for
/// values only, but on one `M × N` block and with extra copies).
///
/// The split is fixed (two halves) whatever the thread count, and each half is computed by the
/// same single-threaded code, so results are bit-identical for any `threads`; with one thread
/// the halves run one after the other. Flops: `2 · (2(M/2)N² − 2N³/3)` for the halves (less than
/// the `2MN² − 2N³/3` of one QR), `≈ 2N³/3` for `dtpqrt`, `8N³/3` for `dgebrd`. Measured
/// (1536 × 384, system OpenBLAS 0.3.21, one thread each): `dgeqrf` of the whole 18 ms, of a
/// half 7.7 ms, `dtpqrt` 1.9 ms, `dgebrd` 10.8 ms, `dbdsqr` 2.9 ms; `dgesdd` 38–43 ms.
///
/// The corresponding C functions are `LAPACKE_dgeqrf_work`, `LAPACKE_dtpqrt_work`,
/// `LAPACKE_dgebrd_work` and `LAPACKE_dbdsqr_work`.
struct SplitQRSingularValueSolver: BatchSolver, ~Copyable {
    static let routine = "dgeqrf2+dtpqrt+dgebrd+dbdsqr"
    /// Block size of `dtpqrt` (32 was fastest of 32–128 at N = 384).
    static let blockSize = 32

    /// Whether the path applies to an `rows × columns` matrix: `max ≥ 2 min`, `min ≥ 1`.
    static func applies(rows: Int, columns: Int) -> Bool {
        min(rows, columns) >= 1 && max(rows, columns) >= 2 * min(rows, columns)
    }

    private let rows: Int
    private let columns: Int
    /// Tall shape `M × N` and the row counts of the two halves.
    private let tallRows: Int
    private let n: Int
    private let halfRows: (Int, Int)
    private let innerThreads: Int
    /// The two halves, column-major, one after the other, each with its own `tau` (`n` each)
    /// and `dgeqrf` workspace (`qrSize` each).
    private let blocks: ScratchBuffer<Double>
    private let taus: ScratchBuffer<Double>
    private let qrWork: ScratchBuffer<Double>
    private let qrSize: Int
    private let top: ScratchBuffer<Double>
    private let bottom: ScratchBuffer<Double>
    private let t: ScratchBuffer<Double>
    private let d: ScratchBuffer<Double>
    private let e: ScratchBuffer<Double>
    private let tauq: ScratchBuffer<Double>
    private let taup: ScratchBuffer<Double>
    private let work: ScratchBuffer<Double>
    private let queryInfo: Int32

    /// - Precondition: ``applies(rows:columns:)``; `innerThreads ≥ 1` (how many threads this
    ///   solver may use for the two halves; it never changes the result).
    init(rows: Int, columns: Int, innerThreads: Int) {
        precondition(Self.applies(rows: rows, columns: columns) && rows * columns <= Int(Int32.max),
                     "SplitQRSingularValueSolver: shape \(rows)×\(columns) is not clearly rectangular")
        self.rows = rows
        self.columns = columns
        let tall = max(rows, columns), n = min(rows, columns)
        tallRows = tall
        self.n = n
        halfRows = (tall / 2, tall - tall / 2)
        self.innerThreads = innerThreads
        blocks = ScratchBuffer(count: tall * n, initialValue: 0)
        taus = ScratchBuffer(count: 2 * n, initialValue: 0)
        var size = 0.0
        var info = LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, LAPACKInt(halfRows.1), LAPACKInt(n), blocks.base,
                                       LAPACKInt(halfRows.1), taus.base, &size, -1)
        // Rounded up to 8 doubles so the second workspace starts 64-byte aligned too.
        let qrSize = (max(1, Int(size.rounded(.up))) + 7) / 8 * 8
        self.qrSize = qrSize
        qrWork = ScratchBuffer(count: 2 * qrSize, initialValue: 0)
        top = ScratchBuffer(count: n * n, initialValue: 0)
        bottom = ScratchBuffer(count: n * n, initialValue: 0)
        t = ScratchBuffer(count: Self.blockSize * n, initialValue: 0)
        d = ScratchBuffer(count: n, initialValue: 0)
        e = ScratchBuffer(count: n, initialValue: 0)
        tauq = ScratchBuffer(count: n, initialValue: 0)
        taup = ScratchBuffer(count: n, initialValue: 0)
        if info == 0 {
            info = LAPACKE_dgebrd_work(LAPACK_COL_MAJOR, LAPACKInt(n), LAPACKInt(n), top.base, LAPACKInt(n), d.base, e.base,
                                       tauq.base, taup.base, &size, -1)
        }
        // dgebrd's optimum, dtpqrt's nb·N and dbdsqr's 4N.
        work = ScratchBuffer(count: max(Int(size.rounded(.up)), Self.blockSize * n, 4 * n), initialValue: 0)
        queryInfo = info
    }

    /// Pointers the two concurrent halves use; each half touches only its own buffers.
    private struct Half: @unchecked Sendable {
        let block: UnsafeMutablePointer<Double>
        let tau: UnsafeMutablePointer<Double>
        let work: UnsafeMutablePointer<Double>
        let workCount: Int
        let firstRow: Int
        let rowCount: Int
    }

    func solve(_ matrix: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>,
               vectors: UnsafeMutablePointer<Double>?) -> Int32 {
        guard queryInfo == 0 else { return queryInfo }
        let n = self.n, tall = tallRows, transposes = rows >= columns
        let halves = [Half(block: blocks.base, tau: taus.base, work: qrWork.base, workCount: qrSize,
                           firstRow: 0, rowCount: halfRows.0),
                      Half(block: blocks.base + halfRows.0 * n, tau: taus.base + n, work: qrWork.base + qrSize,
                           workCount: qrSize, firstRow: halfRows.0, rowCount: halfRows.1)]
        let source = SharedPointer(UnsafeMutablePointer(mutating: matrix))  // only read
        var infos = (Int32(0), Int32(0))
        // Copies rows firstRow..<firstRow+rowCount of the tall form into the column-major block
        // and factorises it. Tall A (row-major) needs a transpose, done in 32 × 32 tiles; for a
        // wide A the row-major array read column-major already is Aᵀ.
        @Sendable func factorise(_ h: Half) -> Int32 {
            let a = source.pointer, ld = h.rowCount
            if transposes {
                var i0 = 0
                while i0 < ld {
                    let i1 = min(i0 + 32, ld)
                    var j0 = 0
                    while j0 < n {
                        let j1 = min(j0 + 32, n)
                        for i in i0..<i1 {
                            let row = a + (h.firstRow + i) * n
                            for j in j0..<j1 { h.block[i + j * ld] = row[j] }
                        }
                        j0 = j1
                    }
                    i0 = i1
                }
            } else {
                for j in 0..<n { (h.block + j * ld).update(from: a + j * tall + h.firstRow, count: ld) }
            }
            return LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, LAPACKInt(ld), LAPACKInt(n), h.block, LAPACKInt(ld),
                                       h.tau, h.work, LAPACKInt(h.workCount))
        }
        if innerThreads >= 2 {
            let results = UnsafeMutablePointer<Int32>.allocate(capacity: 2)
            defer { results.deallocate() }
            let out = SharedPointer(results)  // worker k writes element k only
            DispatchQueue.concurrentPerform(iterations: 2) { k in out.pointer[k] = factorise(halves[k]) }
            infos = (results[0], results[1])
        } else {
            infos = (factorise(halves[0]), factorise(halves[1]))
        }
        guard infos.0 == 0 else { return infos.0 }
        guard infos.1 == 0 else { return infos.1 }
        // The two triangles (zero below the diagonal), then [R₁; R₂] = Q' R into `top`.
        let top = self.top.base, bottom = self.bottom.base
        for j in 0..<n {
            for i in 0..<n {
                top[i + j * n] = i <= j ? halves[0].block[i + j * halfRows.0] : 0
                bottom[i + j * n] = i <= j ? halves[1].block[i + j * halfRows.1] : 0
            }
        }
        let nb = LAPACKInt(min(Self.blockSize, n))  // dtpqrt needs 1 ≤ nb ≤ n
        var info = LAPACKE_dtpqrt_work(LAPACK_COL_MAJOR, LAPACKInt(n), LAPACKInt(n), LAPACKInt(n), nb,
                                       top, LAPACKInt(n), bottom, LAPACKInt(n), t.base, nb, work.base)
        guard info == 0 else { return info }
        for j in 0..<n { for i in (j + 1)..<max(j + 1, n) { top[i + j * n] = 0 } }  // dtpqrt leaves A's lower part
        info = LAPACKE_dgebrd_work(LAPACK_COL_MAJOR, LAPACKInt(n), LAPACKInt(n), top, LAPACKInt(n), d.base, e.base,
                                   tauq.base, taup.base, work.base, LAPACKInt(work.count))
        guard info == 0 else { return info }
        info = LAPACKE_dbdsqr_work(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), LAPACKInt(n), 0, 0, 0,
                                   d.base, e.base, nil, 1, nil, 1, nil, 1, work.base)
        guard info == 0 else { return info }
        for i in 0..<n { values[i] = d.base[n - 1 - i] }  // descending → ascending
        return 0
    }
}

/// A pointer handed to concurrent workers; sound because they only read through it or write
/// disjoint elements, inside the lifetime of the memory.
struct SharedPointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
