/// Spectra of batches of matrices: symmetric eigenvalues, eigenvectors, singular values.
///
/// Every function here
/// - solves each matrix independently and returns its levels ascending;
/// - never aborts the batch: a matrix LAPACK fails on gets its `info` in `status` and a NaN
///   row; a matrix with a NaN or ±∞ entry is not passed to LAPACK at all and gets status
///   ``LAPACKError/nonFiniteInputStatus`` (`-1000`);
/// - splits the batch into `min(threads, count)` contiguous chunks run concurrently, with
///   OpenBLAS at 1 thread and one preallocated workspace per chunk (no allocation per matrix);
/// - is bit-identical for every `threads` under the default ``Scheduling/reproducible``.
///
/// The functions are synchronous and block the calling thread until the whole batch is done
/// (`threads` counts the caller). OpenBLAS's thread count is process-global: batches started
/// from concurrent tasks are serialised by a lock, and the previous count is restored on return.
public enum Diagonalisation {
    /// How a batch may use threads.
    public enum Scheduling: Sendable, Equatable {
        /// Always chunk the batch over workers with single-threaded OpenBLAS. Every matrix is
        /// computed by the same code whatever `threads` is, so results are bit-identical for
        /// any `threads`. With fewer matrices than threads some workers stay idle. The default.
        case reproducible
        /// As ``reproducible``, except that a batch with fewer matrices than `threads` whose
        /// largest dimension is ≥ 256 is solved one matrix at a time with OpenBLAS at
        /// `threads` threads. Can be faster for one or two large matrices on idle cores
        /// (observed 1024²: 0.13 s → 0.09–0.14 s on the shared 2-core box, i.e. noisy), but the
        /// last bits then depend on `threads` (multi-threaded BLAS reductions round
        /// differently; ~1e-13 absolute for a 256×256 GOE matrix).
        case threadedBLASForFewLargeMatrices
    }

    /// Eigenvalues of each symmetric matrix of `batch`, ascending; only the lower triangle
    /// (`i ≥ j`) is read.
    ///
    /// Solves `A v = λ v` with LAPACK `dsyevd`, `jobz = "N"` (`dsytrd` + `dsterf`; `dsyevr`
    /// does exactly the same work when all eigenvalues are wanted). Absolute error per
    /// eigenvalue `O(n ε ‖A‖₂)` (Anderson et al., *LAPACK Users' Guide*, 3rd ed., SIAM 1999,
    /// §4.7). Same as ``symmetricEigenvalues(_:threads:scheduling:)`` with `.reproducible`.
    ///
    /// - Complexity: `O(count · 4n³/3)` flops; one `n × n` workspace per worker.
    /// - Precondition: square matrices, `threads ≥ 1`. A non-finite entry anywhere in a matrix
    ///   (either triangle) flags it.
    public static func symmetricEigenvalues(_ batch: MatrixBatch, threads: Int = 2) -> SpectrumBatch {
        symmetricEigenvalues(batch, threads: threads, scheduling: .reproducible)
    }

    /// ``symmetricEigenvalues(_:threads:)`` with an explicit ``Scheduling``.
    public static func symmetricEigenvalues(_ batch: MatrixBatch, threads: Int,
                                            scheduling: Scheduling) -> SpectrumBatch {
        precondition(batch.rows == batch.columns,
                     "symmetricEigenvalues: matrices must be square, got \(batch.rows)×\(batch.columns)")
        let n = batch.rows
        let output = BatchRunner.run(batch, levels: n, vectorSize: 0, threads: threads,
                                     largestDimension: n, scheduling: scheduling) {
            SymmetricEigenSolver(order: n, wantsVectors: false)
        }
        return SpectrumBatch(count: batch.count, levels: n, values: output.values,
                             status: output.status, routine: SymmetricEigenSolver.routine)
    }

    /// Eigenvalues (ascending) and orthonormal eigenvectors of each symmetric matrix of `batch`;
    /// only the lower triangle is read.
    ///
    /// Column `i` of `vectors[k]` is the unit eigenvector for `values[k][i]`, so
    /// `A = V diag(λ) Vᵀ` to `O(n ε ‖A‖)`. LAPACK `dsyevd`, `jobz = "V"` (divide and conquer;
    /// Gu & Eisenstat 1995, doi:10.1137/S0895479892241287). Eigenvector signs are whatever
    /// LAPACK returns (deterministic, not normalised). Eigenvalues may differ from
    /// ``symmetricEigenvalues(_:threads:)`` in the last bits (different tridiagonal solver). A
    /// failed matrix has NaN values and NaN vectors.
    ///
    /// - Complexity: `O(count · n³)` flops; `O(n²)` workspace per worker.
    /// - Precondition: square matrices, `threads ≥ 1`.
    public static func symmetricEigensystem(_ batch: MatrixBatch, threads: Int = 2)
        -> (values: SpectrumBatch, vectors: MatrixBatch)
    {
        symmetricEigensystem(batch, threads: threads, scheduling: .reproducible)
    }

    /// ``symmetricEigensystem(_:threads:)`` with an explicit ``Scheduling``.
    public static func symmetricEigensystem(_ batch: MatrixBatch, threads: Int, scheduling: Scheduling)
        -> (values: SpectrumBatch, vectors: MatrixBatch)
    {
        precondition(batch.rows == batch.columns,
                     "symmetricEigensystem: matrices must be square, got \(batch.rows)×\(batch.columns)")
        let n = batch.rows
        let output = BatchRunner.run(batch, levels: n, vectorSize: n * n, threads: threads,
                                     largestDimension: n, scheduling: scheduling) {
            SymmetricEigenSolver(order: n, wantsVectors: true)
        }
        let values = SpectrumBatch(count: batch.count, levels: n, values: output.values,
                                   status: output.status, routine: SymmetricEigenSolver.routine)
        let vectors = MatrixBatch(count: batch.count, rows: n, columns: n, elements: output.vectors)
        return (values, vectors)
    }

    /// Singular values of each `m × n` matrix of `batch`, `min(m, n)` per matrix, ascending.
    ///
    /// `σᵢ = √λᵢ(AᵀA)`, computed without forming `AᵀA` by LAPACK `dgesdd` with `jobz = "N"`
    /// (bidiagonalisation + `dbdsdc`), reversed from LAPACK's descending order. Absolute error
    /// per value `O(max(m, n) ε ‖A‖₂)` (Anderson et al., *LAPACK Users' Guide*, 3rd ed., SIAM
    /// 1999, §4.9).
    ///
    /// - Complexity: `O(count · mn·min(m, n))` flops; one `m × n` workspace per worker.
    /// - Precondition: `threads ≥ 1`.
    public static func singularValues(_ batch: MatrixBatch, threads: Int = 2) -> SpectrumBatch {
        singularValues(batch, threads: threads, scheduling: .reproducible)
    }

    /// ``singularValues(_:threads:)`` with an explicit ``Scheduling``.
    public static func singularValues(_ batch: MatrixBatch, threads: Int,
                                      scheduling: Scheduling) -> SpectrumBatch {
        let (m, n) = (batch.rows, batch.columns)
        let levels = min(m, n)
        let output = BatchRunner.run(batch, levels: levels, vectorSize: 0, threads: threads,
                                     largestDimension: max(m, n), scheduling: scheduling) {
            SingularValueSolver(rows: m, columns: n)
        }
        return SpectrumBatch(count: batch.count, levels: levels, values: output.values,
                             status: output.status, routine: SingularValueSolver.routine)
    }
}
