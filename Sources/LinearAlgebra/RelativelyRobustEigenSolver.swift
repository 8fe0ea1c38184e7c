import CLAPACK

/// `dsyevr` (multiple relatively robust representations, MRRR) for real symmetric `n × n`
/// matrices, all eigenvalues with or without eigenvectors, workspace sized once by a query.
///
/// Householder tridiagonalisation (`dsytrd`), then for all eigenvalues without vectors `dsterf`
/// (identical work to `dsyevd`), with vectors `dstemr` (Dhillon & Parlett, Linear Algebra Appl.
/// 387, 1 (2004), doi:10.1016/j.laa.2003.12.028), `O(n²)` for the vectors of `T`. Eigenvalues
/// ascending, absolute error `O(n ε ‖A‖₂)`. Layout as ``SymmetricEigenSolver`` (row-major lower
/// triangle = column-major upper, `uplo = "U"`); vectors come back in a separate column-major
/// `Z` and are transposed into row-major output.
///
/// The corresponding C function is `LAPACKE_dsyevr_work`.
struct RelativelyRobustEigenSolver: BatchSolver, ~Copyable {
    static let routine = "dsyevr"

    private let order: Int
    private let jobz: CChar
    private let a: ScratchBuffer<Double>
    private let w: ScratchBuffer<Double>
    private let z: ScratchBuffer<Double>
    private let isuppz: ScratchBuffer<LAPACKInt>
    private let work: ScratchBuffer<Double>
    private let iwork: ScratchBuffer<LAPACKInt>
    private let queryInfo: Int32

    init(order: Int, wantsVectors: Bool) {
        precondition(order >= 0 && order <= Int(Int32.max), "RelativelyRobustEigenSolver: bad order \(order)")
        let n = LAPACKInt(order)
        let jobz = CChar(UInt8(ascii: wantsVectors ? "V" : "N"))
        let a = ScratchBuffer<Double>(count: order * order, initialValue: 0)
        let w = ScratchBuffer<Double>(count: order, initialValue: 0)
        let z = ScratchBuffer<Double>(count: wantsVectors ? order * order : 1, initialValue: 0)
        let isuppz = ScratchBuffer<LAPACKInt>(count: 2 * max(1, order), initialValue: 0)
        var optimalWork = 0.0
        var optimalIWork: LAPACKInt = 0
        var found: LAPACKInt = 0
        let queryInfo = LAPACKE_dsyevr_work(
            LAPACK_COL_MAJOR, jobz, CChar(UInt8(ascii: "A")), CChar(UInt8(ascii: "U")), n, a.base, max(1, n),
            0, 0, 0, 0, 0, &found, w.base, z.base, max(1, n), isuppz.base, &optimalWork, -1, &optimalIWork, -1)
        self.work = ScratchBuffer(count: max(1, Int(optimalWork.rounded(.up))), initialValue: 0)
        self.iwork = ScratchBuffer(count: max(1, Int(optimalIWork)), initialValue: 0)
        self.order = order
        self.jobz = jobz
        self.a = a
        self.w = w
        self.z = z
        self.isuppz = isuppz
        self.queryInfo = queryInfo
    }

    func solve(_ matrix: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>,
               vectors: UnsafeMutablePointer<Double>?) -> Int32 {
        guard queryInfo == 0 else { return queryInfo }
        let n = LAPACKInt(order)
        a.base.update(from: matrix, count: order * order)
        var found: LAPACKInt = 0
        // abstol = 0: LAPACK's default tolerance; with range "A" dsyevr computes every value.
        let info = LAPACKE_dsyevr_work(
            LAPACK_COL_MAJOR, jobz, CChar(UInt8(ascii: "A")), CChar(UInt8(ascii: "U")), n, a.base, max(1, n),
            0, 0, 0, 0, 0, &found, w.base, z.base, max(1, n), isuppz.base,
            work.base, LAPACKInt(work.count), iwork.base, LAPACKInt(iwork.count))
        guard info == 0 else { return info }
        values.update(from: w.base, count: order)
        if let vectors { transpose(z.base, rows: order, columns: order, into: vectors) }
        return 0
    }
}
