import Dispatch

/// One LAPACK driver with its preallocated workspace, able to solve many problems of one shape.
///
/// A solver is created once per chunk of the batch (so the workspace query and the allocations
/// happen once per chunk, never per matrix) and is used by one thread only. Its metatype is
/// `SendableMetatype` because each worker thread creates its own instance.
protocol BatchSolver: ~Copyable, SendableMetatype {
    /// Solves one problem. Reads the row-major matrix at `matrix` (not modified), writes the
    /// levels ascending to `values` and, when the solver computes vectors, the row-major vector
    /// matrix to `vectors`. Returns LAPACK's `info` (0 on success); on failure the caller
    /// overwrites whatever was written with NaN.
    mutating func solve(_ matrix: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>,
                        vectors: UnsafeMutablePointer<Double>?) -> Int32

    /// Solves two problems without vectors; a solver may interleave them to overlap latency.
    /// Must give the same results as two calls of `solve`. Default: two calls of `solve`.
    mutating func solvePair(_ first: UnsafePointer<Double>, _ second: UnsafePointer<Double>,
                            values firstValues: UnsafeMutablePointer<Double>, _ secondValues: UnsafeMutablePointer<Double>) -> (Int32, Int32)

    /// Solves four problems without vectors (e.g. in the four lanes of a `SIMD4`). Must give the
    /// same results as four calls of `solve`. Default: two calls of `solvePair`.
    mutating func solveQuad(_ matrices: Quad<UnsafePointer<Double>>, values: Quad<UnsafeMutablePointer<Double>>) -> Quad<Int32>
}

/// Four values of one type, one per problem of a ``BatchSolver/solveQuad(_:values:)`` call.
typealias Quad<T> = (T, T, T, T)

extension BatchSolver where Self: ~Copyable {
    mutating func solveQuad(_ matrices: Quad<UnsafePointer<Double>>, values: Quad<UnsafeMutablePointer<Double>>) -> Quad<Int32> {
        let (first, second) = solvePair(matrices.0, matrices.1, values: values.0, values.1)
        let (third, fourth) = solvePair(matrices.2, matrices.3, values: values.2, values.3)
        return (first, second, third, fourth)
    }

    mutating func solvePair(_ first: UnsafePointer<Double>, _ second: UnsafePointer<Double>,
                            values firstValues: UnsafeMutablePointer<Double>, _ secondValues: UnsafeMutablePointer<Double>) -> (Int32, Int32) {
        (solve(first, values: firstValues, vectors: nil), solve(second, values: secondValues, vectors: nil))
    }
}

/// Schedules a batch of independent problems over worker threads.
///
/// Two regimes:
/// - **chunked** (always under ``Diagonalisation/Scheduling/reproducible``): the batch is cut
///   into `min(threads, count)` contiguous chunks run by `DispatchQueue.concurrentPerform`, each
///   chunk with its own solver, while OpenBLAS is held at 1 thread (nested threading on many
///   small calls only costs). Each matrix is computed by identical single-threaded code on an
///   aligned scratch copy, so results are bit-identical for every `threads`.
/// - **threaded BLAS** (only under ``Diagonalisation/Scheduling/threadedBLASForFewLargeMatrices``,
///   when `count < threads` and the largest dimension is ≥ ``largeMatrixDimension``): matrices
///   are solved one after another with OpenBLAS at `threads` threads. Multi-threaded BLAS
///   reductions round differently (measured: most eigenvalues of a 256×256 matrix change in the
///   last bits, ~1e-13 absolute), so this regime is not reproducible across `threads`.
enum BatchRunner {
    /// Smallest dimension at which a batch with fewer matrices than threads switches to
    /// multi-threaded OpenBLAS.
    static let largeMatrixDimension = 256

    /// Output of a batch: `values[count][levels]`, `status[count]`, `vectors[count][vectorSize]`.
    struct Output {
        var values: [Double]
        var status: [Int32]
        var vectors: [Double]
    }

    /// Base addresses of a batch's input and outputs, shared by the workers.
    ///
    /// `@unchecked Sendable` is sound because the arrays outlive the concurrent section (it runs
    /// inside their `withUnsafe…` scopes), the input is only read, and worker `w` writes only
    /// the rows of its own chunk, so no two threads touch the same element.
    struct Buffers: @unchecked Sendable {
        let input: UnsafePointer<Double>
        let values: UnsafeMutablePointer<Double>
        let status: UnsafeMutablePointer<Int32>
        let vectors: UnsafeMutablePointer<Double>?
    }

    /// Solves every matrix of `batch`.
    ///
    /// Matrices with a NaN or ±∞ entry are not passed to LAPACK; they get status
    /// ``LAPACKError/nonFiniteInputStatus``. Any failed matrix gets a NaN row (and NaN vectors)
    /// and the batch carries on.
    ///
    /// - Parameters:
    ///   - levels: values per matrix.
    ///   - vectorSize: vector elements per matrix (0 when no vectors are wanted).
    ///   - largestDimension: `max(rows, columns)`, used to choose the regime.
    ///   - scheduling: whether the threaded-BLAS regime may be used.
    ///   - makeSolver: creates a solver (with its workspace) for one chunk; called once per chunk.
    /// - Precondition: `threads ≥ 1`.
    static func run<Solver: BatchSolver & ~Copyable>(
        _ batch: MatrixBatch, levels: Int, vectorSize: Int, threads: Int, largestDimension: Int,
        scheduling: Diagonalisation.Scheduling, makeSolver: @escaping @Sendable () -> Solver
    ) -> Output {
        precondition(threads >= 1, "LinearAlgebra: threads must be at least 1, got \(threads)")
        let count = batch.count
        let size = batch.matrixSize
        var output = Output(
            values: [Double](repeating: .nan, count: count * levels),
            status: [Int32](repeating: 0, count: count),
            vectors: [Double](repeating: .nan, count: count * vectorSize))
        // Empty matrices have empty spectra: nothing to compute, nothing can fail.
        guard count > 0, levels > 0 else { return output }

        batch.elements.withUnsafeBufferPointer { input in
            output.values.withUnsafeMutableBufferPointer { valuesOut in
                output.status.withUnsafeMutableBufferPointer { statusOut in
                    output.vectors.withUnsafeMutableBufferPointer { vectorsOut in
                        let buffers = Buffers(
                            input: input.baseAddress!, values: valuesOut.baseAddress!,
                            status: statusOut.baseAddress!,
                            vectors: vectorSize > 0 ? vectorsOut.baseAddress : nil)

                        // Solves matrices `range` with one solver; chunks write disjoint rows.
                        // Without vectors, finite matrices go to the solver four or two at a time.
                        @Sendable func solveChunk(_ range: Range<Int>) {
                            var solver = makeSolver()
                            func record(_ k: Int, _ info: Int32) {
                                buffers.status[k] = info
                                if info != 0 {
                                    (buffers.values + k * levels).update(repeating: .nan, count: levels)
                                    buffers.vectors.map { ($0 + k * vectorSize).update(repeating: .nan, count: vectorSize) }
                                }
                            }
                            var k = range.lowerBound
                            while k < range.upperBound {
                                let matrix = buffers.input + k * size
                                guard allFinite(matrix, count: size) else {
                                    record(k, LAPACKError.nonFiniteInputStatus)
                                    k += 1
                                    continue
                                }
                                let next = matrix + size
                                if buffers.vectors == nil, k + 3 < range.upperBound, allFinite(next, count: 3 * size) {
                                    let v = buffers.values + k * levels
                                    let info = solver.solveQuad((matrix, next, next + size, next + 2 * size),
                                                                values: (v, v + levels, v + 2 * levels, v + 3 * levels))
                                    record(k, info.0)
                                    record(k + 1, info.1)
                                    record(k + 2, info.2)
                                    record(k + 3, info.3)
                                    k += 4
                                } else if buffers.vectors == nil, k + 1 < range.upperBound, allFinite(next, count: size) {
                                    let (first, second) = solver.solvePair(matrix, next, values: buffers.values + k * levels,
                                                                           buffers.values + (k + 1) * levels)
                                    record(k, first)
                                    record(k + 1, second)
                                    k += 2
                                } else {
                                    let vectors = buffers.vectors.map { $0 + k * vectorSize }
                                    record(k, solver.solve(matrix, values: buffers.values + k * levels, vectors: vectors))
                                    k += 1
                                }
                            }
                        }

                        if scheduling == .threadedBLASForFewLargeMatrices && count < threads
                            && largestDimension >= largeMatrixDimension
                        {
                            OpenBLASThreads.with(threads) { solveChunk(0 ..< count) }
                        } else {
                            let workers = min(threads, count)
                            OpenBLASThreads.with(1) {
                                if workers == 1 {
                                    solveChunk(0 ..< count)
                                } else {
                                    DispatchQueue.concurrentPerform(iterations: workers) { w in
                                        solveChunk(w * count / workers ..< (w + 1) * count / workers)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}
