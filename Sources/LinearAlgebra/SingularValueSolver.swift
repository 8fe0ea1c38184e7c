import CLAPACK

/// `dgesdd` with `jobz = "N"`: singular values only of real `m × n` matrices, with a workspace
/// sized once by a LAPACK workspace query.
///
/// Algorithm: Householder bidiagonalisation (`dgebrd`, `4mn² − 4n³/3` flops for `m ≥ n`, with a
/// QR first when `m ≫ n`), then `dbdsdc` with `compq = "N"` (dqds-type, `O(n²)`). Each singular
/// value has absolute error `O(max(m, n) ε ‖A‖₂)`. See Anderson et al., *LAPACK Users' Guide*,
/// 3rd ed. (SIAM 1999), §2.4.6, and Demmel & Kahan, SIAM J. Sci. Stat. Comput. 11, 873 (1990),
/// doi:10.1137/0911052.
///
/// Layout: a row-major `m × n` matrix, read column-major, is the `n × m` matrix `Aᵀ`, and
/// `σ(Aᵀ) = σ(A)`. So LAPACK is called column-major with `M = n`, `N = m`, `lda = n`: no
/// transposition and no LAPACKE-internal copy. LAPACK returns `σ` descending; they are written
/// out reversed, ascending, so levels are ascending everywhere in this module.
///
/// The corresponding C function is `LAPACKE_dgesdd_work`.
struct SingularValueSolver: BatchSolver, ~Copyable {
    static let routine = "dgesdd"

    private let rows: Int
    private let columns: Int
    private let levels: Int
    private let a: ScratchBuffer<Double>
    private let s: ScratchBuffer<Double>
    /// Stand-in for `U` and `Vᵀ`, which `jobz = "N"` never references.
    private let unused: ScratchBuffer<Double>
    private let work: ScratchBuffer<Double>
    private let iwork: ScratchBuffer<LAPACKInt>
    private let queryInfo: Int32

    /// Allocates a workspace for `rows × columns` problems.
    init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0 && rows * columns <= Int(Int32.max),
                     "SingularValueSolver: bad shape \(rows)×\(columns)")
        let levels = min(rows, columns)
        let a = ScratchBuffer<Double>(count: rows * columns, initialValue: 0)
        let s = ScratchBuffer<Double>(count: levels, initialValue: 0)
        let unused = ScratchBuffer<Double>(count: 1, initialValue: 0)
        var optimalWork = 0.0
        var dummyIWork: LAPACKInt = 0
        let queryInfo = LAPACKE_dgesdd_work(
            LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), LAPACKInt(columns), LAPACKInt(rows),
            a.base, max(1, LAPACKInt(columns)), s.base, unused.base, 1, unused.base, 1,
            &optimalWork, -1, &dummyIWork)
        self.work = ScratchBuffer(count: max(1, Int(optimalWork.rounded(.up))), initialValue: 0)
        self.iwork = ScratchBuffer(count: 8 * levels, initialValue: 0)  // fixed size 8·min(m, n)
        self.rows = rows
        self.columns = columns
        self.levels = levels
        self.a = a
        self.s = s
        self.unused = unused
        self.queryInfo = queryInfo
    }

    func solve(_ matrix: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>,
               vectors: UnsafeMutablePointer<Double>?) -> Int32 {
        guard queryInfo == 0 else { return queryInfo }
        a.base.update(from: matrix, count: rows * columns)  // dgesdd destroys A
        let info = LAPACKE_dgesdd_work(
            LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), LAPACKInt(columns), LAPACKInt(rows),
            a.base, max(1, LAPACKInt(columns)), s.base, unused.base, 1, unused.base, 1,
            work.base, LAPACKInt(work.count), iwork.base)
        guard info == 0 else { return info }
        for i in 0..<levels { values[i] = s.base[levels - 1 - i] }  // descending → ascending
        return 0
    }
}
