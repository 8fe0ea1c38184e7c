import CLAPACK

/// Dense matrix products through OpenBLAS's CBLAS interface.
public enum BLAS {
    /// `op(A) · op(B)`, where `op(X)` is `Xᵀ` when the matching flag is set.
    ///
    /// Equivalent to ``multiply(_:_:transposeA:transposeB:alpha:beta:into:)`` with `alpha = 1`,
    /// `beta = 0`.
    ///
    /// - Complexity: `2·m·n·k` flops for `op(A)` `m × k` and `op(B)` `k × n`.
    /// - Precondition: inner dimensions agree.
    public static func multiply(_ a: Matrix, _ b: Matrix, transposeA: Bool = false,
                                transposeB: Bool = false) -> Matrix {
        let m = transposeA ? a.columns : a.rows
        let n = transposeB ? b.rows : b.columns
        var c = Matrix(rows: m, columns: n)
        multiply(a, b, transposeA: transposeA, transposeB: transposeB, alpha: 1, beta: 0, into: &c)
        return c
    }

    /// `C ← α · op(A) · op(B) + β · C` (BLAS level 3 `dgemm`).
    ///
    /// With `beta = 0`, `C` is overwritten and its previous contents (even NaN) are ignored,
    /// as the BLAS reference specifies. The result can depend in its last bits on the OpenBLAS
    /// thread count. The corresponding C function is `cblas_dgemm`.
    ///
    /// - Complexity: `2·m·n·k` flops.
    /// - Precondition: `op(A)` is `m × k`, `op(B)` is `k × n`, `C` is `m × n`, all below 2³¹.
    public static func multiply(_ a: Matrix, _ b: Matrix, transposeA: Bool = false,
                                transposeB: Bool = false, alpha: Double, beta: Double,
                                into c: inout Matrix) {
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let (kB, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
        precondition(k == kB,
                     "BLAS.multiply: inner dimensions differ: op(A) is \(m)×\(k), op(B) is \(kB)×\(n)")
        precondition(c.rows == m && c.columns == n,
                     "BLAS.multiply: C is \(c.rows)×\(c.columns), op(A)·op(B) is \(m)×\(n)")
        precondition([m, n, k, a.columns, b.columns].allSatisfy { $0 <= Int(Int32.max) },
                     "BLAS.multiply: dimension exceeds 32-bit BLAS integers")
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            // Empty inner dimension: op(A)·op(B) = 0, so C ← β·C (BLAS semantics, β = 0 clears).
            for i in c.elements.indices { c.elements[i] = beta == 0 ? 0 : beta * c.elements[i] }
            return
        }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    // Leading dimensions are the stored row lengths, whatever the transpose flags.
                    cblas_dgemm(
                        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                        transposeB ? CblasTrans : CblasNoTrans,
                        blasint(m), blasint(n), blasint(k), alpha,
                        pa.baseAddress, blasint(max(1, a.columns)),
                        pb.baseAddress, blasint(max(1, b.columns)), beta,
                        pc.baseAddress, blasint(max(1, n)))
                }
            }
        }
    }

    /// Sets OpenBLAS's process-global thread count for later BLAS/LAPACK calls made outside
    /// ``Diagonalisation`` (which sets and restores the count itself). Waits for a running batch
    /// diagonalisation to finish first. The corresponding C function is
    /// `openblas_set_num_threads`.
    ///
    /// - Precondition: `n ≥ 1`.
    public static func setThreads(_ n: Int) {
        precondition(n >= 1, "BLAS.setThreads: thread count must be at least 1, got \(n)")
        OpenBLASThreads.set(n)
    }

    /// OpenBLAS's current thread count. The corresponding C function is
    /// `openblas_get_num_threads`.
    public static var threads: Int { OpenBLASThreads.current }

    /// Stops OpenBLAS's idle worker threads. OpenBLAS starts them when the library loads, and
    /// each then busy-waits (`sched_yield`) for about 2²⁸ cycles, ≈ 0.1 s of a core, before it
    /// sleeps: a short stage that makes no threaded BLAS call pays that on the core its own work
    /// needs. OpenBLAS starts the pool again on its next threaded call, so nothing else changes.
    /// Call before any BLAS work, from one thread. (Setting a thread count starts the pool too,
    /// so this sets none.) The corresponding C function is OpenBLAS's `blas_thread_shutdown_`.
    public static func stopIdleThreads() {
        blas_thread_shutdown_()
    }
}

extension BLAS {
    /// `C ← α · op(A) · op(B) + β · C` on raw row-major storage with explicit leading dimensions,
    /// for sub-matrices that are not whole `Matrix` values (e.g. one attention head's columns of
    /// a fused Q/K/V activation). `op(A)` is `m × k`, `op(B)` is `k × n`, `C` is `m × n`; `lda`,
    /// `ldb`, `ldc` are the stored row lengths. With `beta = 0`, `C` is overwritten. The
    /// corresponding C function is `cblas_dgemm`.
    ///
    /// - Complexity: `2·m·n·k` flops.
    /// - Precondition: `m, n, k ≥ 0`, leading dimensions at least the stored row widths, all below 2³¹.
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                            _ a: UnsafePointer<Double>, lda: Int, _ b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, _ c: UnsafeMutablePointer<Double>, ldc: Int) {
        precondition(m >= 0 && n >= 0 && k >= 0, "BLAS.gemm: negative dimension")
        precondition(lda >= max(1, transposeA ? m : k) && ldb >= max(1, transposeB ? k : n) && ldc >= max(1, n),
                     "BLAS.gemm: leading dimension smaller than the stored row width")
        precondition([m, n, k, lda, ldb, ldc].allSatisfy { $0 <= Int(Int32.max) },
                     "BLAS.gemm: dimension exceeds 32-bit BLAS integers")
        guard m > 0, n > 0, k > 0 else {
            // Empty inner dimension: op(A)·op(B) = 0, so C ← β·C (β = 0 clears, as in BLAS).
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
}
