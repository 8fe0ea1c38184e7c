/// A LAPACK failure for one matrix, decoded from the routine's `info` value.
///
/// Every LAPACK `info` this module sees goes through ``init(routine:info:)``, the single funnel
/// that turns the C status into a typed error. `info < 0` (a programming or workspace bug on our
/// side) and `info > 0` (the algorithm itself gave up) are distinct cases, as the LAPACK Users'
/// Guide §4.8 distinguishes them (https://netlib.org/lapack/lug/node138.html).
public enum LAPACKError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `info = -position`: argument `position` had an illegal value. Positions count the
    /// arguments of the `LAPACKE_<routine>_work` call, where `matrix_layout` is argument 1
    /// (LAPACKE shifts Fortran's `info` by one to match).
    case illegalArgument(routine: String, position: Int)
    /// `info > 0`: the algorithm did not converge. For `dsyevd` `info` counts off-diagonal
    /// elements of the tridiagonal form that failed to reach zero; for `dgesdd` the bidiagonal
    /// divide-and-conquer failed.
    case noConvergence(routine: String, info: Int)
    /// The matrix contained NaN or ±∞, so LAPACK was not called (LAPACK may loop or return
    /// garbage on such input). Recorded with status ``nonFiniteInputStatus``.
    case nonFiniteInput(routine: String)

    /// The `status` value recorded for a matrix with a non-finite entry: `-1000`.
    ///
    /// LAPACK's own negative `info` values are argument positions (at most a few tens), and
    /// LAPACKE's memory errors are `-1010` and `-1011`, so `-1000` cannot be confused with either.
    public static let nonFiniteInputStatus: Int32 = -1000

    /// Decodes `info` returned by `routine`; `nil` when `info == 0` (success).
    public init?(routine: String, info: Int32) {
        switch info {
        case 0: return nil
        case LAPACKError.nonFiniteInputStatus: self = .nonFiniteInput(routine: routine)
        case ..<0: self = .illegalArgument(routine: routine, position: Int(-info))
        default: self = .noConvergence(routine: routine, info: Int(info))
        }
    }

    /// The LAPACK routine that failed.
    public var routine: String {
        switch self {
        case .illegalArgument(let routine, _), .noConvergence(let routine, _), .nonFiniteInput(let routine):
            return routine
        }
    }

    /// The `status` code this error is stored as in a ``SpectrumBatch``.
    public var status: Int32 {
        switch self {
        case .illegalArgument(_, let position): return Int32(-position)
        case .noConvergence(_, let info): return Int32(info)
        case .nonFiniteInput: return LAPACKError.nonFiniteInputStatus
        }
    }

    public var description: String {
        switch self {
        case .illegalArgument(let routine, let position):
            return "\(routine): argument \(position) had an illegal value (info = -\(position)); this is a bug in LinearAlgebra"
        case .noConvergence(let routine, let info):
            return "\(routine): the algorithm failed to converge (info = \(info))"
        case .nonFiniteInput(let routine):
            return "\(routine): matrix contains NaN or infinity; LAPACK was not called (status \(LAPACKError.nonFiniteInputStatus))"
        }
    }
}
