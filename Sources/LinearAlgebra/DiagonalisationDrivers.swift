/// Choice of LAPACK driver for the batched spectra of ``Diagonalisation``.
extension Diagonalisation {
    /// Drivers for symmetric eigenproblems.
    public enum SymmetricDriver: String, Sendable, CaseIterable {
        /// LAPACK divide and conquer (`dsytrd` + `dsterf`, or `dstedc` with vectors).
        case dsyevd
        /// LAPACK MRRR (`dsytrd` + `dsterf`, or `dstemr` with vectors).
        case dsyevr
        /// Householder tridiagonalisation and implicit QL in Swift, eigenvalues only; fastest
        /// for small n (see ``SmallSymmetricEigenSolver``).
        case householderQL = "householder_ql"

        /// The routine name recorded in outputs.
        public var routine: String {
            switch self {
            case .dsyevd: SymmetricEigenSolver.routine
            case .dsyevr: RelativelyRobustEigenSolver.routine
            case .householderQL: SmallSymmetricEigenSolver.routine
            }
        }
    }

    /// Drivers for singular values.
    public enum SingularDriver: String, Sendable, CaseIterable {
        /// LAPACK `dgesdd` (`dgebrd` + `dbdsdc`).
        case dgesdd
        /// Householder bidiagonalisation in Swift + LAPACK `dbdsqr` (dqds, `dlasq1`) (see
        /// ``SmallSingularValueSolver``).
        case householderDbdsqr = "householder_dbdsqr"
        /// Householder bidiagonalisation + dqds, both in Swift, two matrices interleaved; fastest
        /// for small matrices (see ``SmallSingularValueSolver``, ``DQDSProblem``).
        case householderDQDS = "householder_dqds"
        /// Two-block QR (halves factorised concurrently when threads allow), `dtpqrt`, `dgebrd`,
        /// `dbdsqr`, for clearly rectangular matrices (max ≥ 2 min; see
        /// ``SplitQRSingularValueSolver``; other shapes fall back to `dgesdd`). Bit-identical for
        /// any thread count.
        case tsqrDbdsqr = "tsqr_dbdsqr"

        public var routine: String {
            switch self {
            case .dgesdd: SingularValueSolver.routine
            case .householderDbdsqr: SmallSingularValueSolver.routine
            case .householderDQDS: SmallSingularValueSolver.dqdsRoutine
            case .tsqrDbdsqr: SplitQRSingularValueSolver.routine
            }
        }

        /// The Swift small-matrix paths (failures there are retried with `dgesdd`).
        public var isSwiftReduction: Bool { self == .householderDbdsqr || self == .householderDQDS }
    }

    /// Largest dimension for which the Swift Householder reductions are chosen automatically:
    /// they beat LAPACK's blocked drivers below it (measured in BENCHMARKS.md).
    public static let smallMatrixDimension = 64

    /// The driver ``symmetricEigenvalues(_:threads:driver:scheduling:)`` picks by default: the
    /// Householder path for n ≤ ``smallMatrixDimension``, else `dsyevd`.
    public static func defaultSymmetricDriver(order: Int) -> SymmetricDriver {
        order <= smallMatrixDimension ? .householderQL : .dsyevd
    }

    /// The default singular-value driver: Householder + Swift dqds for min(m, n) ≤
    /// ``smallMatrixDimension``, else `dgesdd`.
    public static func defaultSingularDriver(rows: Int, columns: Int) -> SingularDriver {
        if min(rows, columns) <= smallMatrixDimension { return .householderDQDS }
        return SplitQRSingularValueSolver.applies(rows: rows, columns: columns) ? .tsqrDbdsqr : .dgesdd
    }

    /// Eigenvalues of each symmetric matrix of `batch` (lower triangle read), ascending, by
    /// `driver`. Same contracts as ``symmetricEigenvalues(_:threads:)``: per-matrix `info`,
    /// NaN rows for failures, bit-identical for any `threads` under `.reproducible`.
    public static func symmetricEigenvalues(_ batch: MatrixBatch, threads: Int, driver: SymmetricDriver,
                                            scheduling: Scheduling = .reproducible) -> SpectrumBatch {
        precondition(batch.rows == batch.columns,
                     "symmetricEigenvalues: matrices must be square, got \(batch.rows)×\(batch.columns)")
        let n = batch.rows
        let output: BatchRunner.Output = switch driver {
        case .dsyevd:
            BatchRunner.run(batch, levels: n, vectorSize: 0, threads: threads, largestDimension: n, scheduling: scheduling) {
                SymmetricEigenSolver(order: n, wantsVectors: false)
            }
        case .dsyevr:
            BatchRunner.run(batch, levels: n, vectorSize: 0, threads: threads, largestDimension: n, scheduling: scheduling) {
                RelativelyRobustEigenSolver(order: n, wantsVectors: false)
            }
        case .householderQL:
            BatchRunner.run(batch, levels: n, vectorSize: 0, threads: threads, largestDimension: n, scheduling: scheduling) {
                SmallSymmetricEigenSolver(order: n)
            }
        }
        return SpectrumBatch(count: batch.count, levels: n, values: output.values, status: output.status, routine: driver.routine)
    }

    /// Eigenvalues and eigenvectors (column `i` of `vectors[k]` for `values[k][i]`) by `dsyevd`
    /// or `dsyevr` (the Householder path computes values only and is refused here).
    ///
    /// - Precondition: `driver != .householderQL`, square matrices.
    public static func symmetricEigensystem(_ batch: MatrixBatch, threads: Int, driver: SymmetricDriver,
                                            scheduling: Scheduling = .reproducible) -> (values: SpectrumBatch, vectors: MatrixBatch) {
        precondition(driver != .householderQL, "symmetricEigensystem: \(driver.rawValue) computes eigenvalues only")
        guard driver == .dsyevr else { return symmetricEigensystem(batch, threads: threads, scheduling: scheduling) }
        precondition(batch.rows == batch.columns,
                     "symmetricEigensystem: matrices must be square, got \(batch.rows)×\(batch.columns)")
        let n = batch.rows
        let output = BatchRunner.run(batch, levels: n, vectorSize: n * n, threads: threads, largestDimension: n, scheduling: scheduling) {
            RelativelyRobustEigenSolver(order: n, wantsVectors: true)
        }
        return (SpectrumBatch(count: batch.count, levels: n, values: output.values, status: output.status, routine: driver.routine),
                MatrixBatch(count: batch.count, rows: n, columns: n, elements: output.vectors))
    }

    /// Singular values of each matrix of `batch`, ascending, by `driver`; contracts as
    /// ``singularValues(_:threads:)``.
    public static func singularValues(_ batch: MatrixBatch, threads: Int, driver: SingularDriver,
                                      scheduling: Scheduling = .reproducible) -> SpectrumBatch {
        let (m, n) = (batch.rows, batch.columns)
        // tsqr_dbdsqr on a matrix that is not clearly rectangular runs dgesdd (and says so in
        // `routine`).
        if driver == .tsqrDbdsqr && SplitQRSingularValueSolver.applies(rows: m, columns: n) {
            // Threads a worker may use for the two QR halves: those no other matrix occupies
            // (none in the threaded-BLAS regime, where OpenBLAS itself uses them).
            let threadedBLAS = scheduling == .threadedBLASForFewLargeMatrices && batch.count < threads
                && max(m, n) >= BatchRunner.largeMatrixDimension
            let inner = threadedBLAS ? 1 : max(1, threads / max(1, min(threads, batch.count)))
            let output = BatchRunner.run(batch, levels: min(m, n), vectorSize: 0, threads: threads,
                                         largestDimension: max(m, n), scheduling: scheduling) {
                SplitQRSingularValueSolver(rows: m, columns: n, innerThreads: inner)
            }
            return SpectrumBatch(count: batch.count, levels: min(m, n), values: output.values, status: output.status, routine: driver.routine)
        }
        guard driver.isSwiftReduction else { return singularValues(batch, threads: threads, scheduling: scheduling) }
        let swiftDQDS = driver == .householderDQDS
        let output = BatchRunner.run(batch, levels: min(m, n), vectorSize: 0, threads: threads,
                                     largestDimension: max(m, n), scheduling: scheduling) {
            SmallSingularValueSolver(rows: m, columns: n, swiftDQDS: swiftDQDS)
        }
        return SpectrumBatch(count: batch.count, levels: min(m, n), values: output.values, status: output.status, routine: driver.routine)
    }
}
