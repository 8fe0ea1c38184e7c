/// Eigenvalues or singular values of every matrix of a batch, ascending within each matrix.
///
/// `values[k * levels + i]` is level `i` of matrix `k`, with `values` ascending in `i`. A matrix
/// that failed has `status[k] ≠ 0` and a row of NaN; the rest of the batch is unaffected.
/// `routine` names the LAPACK driver that produced the numbers (written into output files).
public struct SpectrumBatch: Sendable, Equatable {
    /// Number of matrices.
    public let count: Int
    /// Levels per matrix: `n` for eigenvalues of `n × n`, `min(m, n)` for singular values.
    public let levels: Int
    /// `[count][levels]` row-major, ascending within a row; NaN rows where that matrix failed.
    public var values: [Double]
    /// LAPACK `info` per matrix: `0` ok, `< 0` illegal argument, `> 0` no convergence,
    /// ``LAPACKError/nonFiniteInputStatus`` (`-1000`) for NaN/∞ input (LAPACK not called).
    public var status: [Int32]
    /// The LAPACK driver used, e.g. `"dsyevd"` or `"dgesdd"`.
    public let routine: String

    /// Assembles a spectrum batch (e.g. when reading one back from a file).
    ///
    /// - Precondition: `values.count == count * levels` and `status.count == count`.
    public init(count: Int, levels: Int, values: [Double], status: [Int32], routine: String) {
        precondition(count >= 0 && levels >= 0, "SpectrumBatch: negative shape \(count)×\(levels)")
        precondition(values.count == count * levels,
                     "SpectrumBatch: \(values.count) values given for \(count)×\(levels)")
        precondition(status.count == count,
                     "SpectrumBatch: \(status.count) status codes given for \(count) matrices")
        self.count = count
        self.levels = levels
        self.values = values
        self.status = status
        self.routine = routine
    }

    /// The levels of matrix `k`, ascending (all NaN if it failed). A zero-based copy, so
    /// `spectrum[k][0]` is the lowest level.
    public subscript(k: Int) -> [Double] {
        precondition(k >= 0 && k < count, "SpectrumBatch: index \(k) outside 0..<\(count)")
        return Array(values[k * levels ..< (k + 1) * levels])
    }

    /// Every failed matrix with its decoded error, in index order. Empty when all succeeded.
    public var failures: [(index: Int, error: LAPACKError)] {
        status.indices.compactMap { k in
            LAPACKError(routine: routine, info: status[k]).map { (index: k, error: $0) }
        }
    }

    /// `true` when every matrix succeeded.
    public var isComplete: Bool { status.allSatisfy { $0 == 0 } }

    /// Equality with NaN rows treated as equal to each other: two batches are equal when shape,
    /// `routine` and `status` agree and each value pair is `==` or both NaN. (The synthesised
    /// `==` would make a batch with a failed matrix unequal to itself.)
    public static func == (lhs: SpectrumBatch, rhs: SpectrumBatch) -> Bool {
        guard lhs.count == rhs.count, lhs.levels == rhs.levels, lhs.routine == rhs.routine,
              lhs.status == rhs.status else { return false }
        return zip(lhs.values, rhs.values).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }
}
