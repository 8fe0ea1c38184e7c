import LinearAlgebra

/// The transforms applied to a weight matrix before diagonalisation (SPEC §3).
public enum MatrixTransform: String, CaseIterable, Sendable {
    /// W itself.
    case identity = "W"
    /// X = WᵀW, whose eigenvalues are the squared singular values of W.
    case gramColumns = "WtW"
    /// X = WWᵀ (the same non-zero spectrum as WᵀW).
    case gramRows = "WWt"
    /// (W + Wᵀ)/2, the symmetric part.
    case symmetricPart = "symmetric"
    /// W − W_teacher, the fluctuation about the target.
    case minusTeacher = "minus_teacher"

    /// Shape of the transformed matrix of a rows × columns input.
    public func shape(rows: Int, columns: Int) -> (rows: Int, columns: Int) {
        switch self {
        case .gramColumns: (columns, columns)
        case .gramRows: (rows, rows)
        default: (rows, columns)
        }
    }

    /// A formula naming what the transformed matrix is, for file descriptions.
    public func formula(of matrix: String) -> String {
        switch self {
        case .identity: matrix
        case .gramColumns: "X = W^T W of \(matrix)"
        case .gramRows: "X = W W^T of \(matrix)"
        case .symmetricPart: "(W + W^T)/2 of \(matrix)"
        case .minusTeacher: "\(matrix) - teacher"
        }
    }

    /// Applies the transform to a row-major rows × columns matrix. `teacher` (same shape) is
    /// required by `.minusTeacher` and ignored otherwise. Gram matrices go through BLAS dgemm.
    public func apply(to w: [Double], rows: Int, columns: Int, teacher: [Double]? = nil) -> [Double] {
        precondition(w.count == rows * columns, "matrix has \(w.count) entries, expected \(rows)x\(columns)")
        switch self {
        case .identity:
            return w
        case .gramColumns, .gramRows:
            let m = Matrix(rows: rows, columns: columns, elements: w)
            let columnsFirst = self == .gramColumns
            return BLAS.multiply(m, m, transposeA: columnsFirst, transposeB: !columnsFirst).elements
        case .symmetricPart:
            precondition(rows == columns, "the symmetric part needs a square matrix")
            return (0..<(rows * rows)).map { k in (w[k] + w[(k % rows) * rows + k / rows]) / 2 }
        case .minusTeacher:
            guard let teacher else { preconditionFailure("minus_teacher needs the teacher matrix") }
            precondition(teacher.count == w.count, "teacher has \(teacher.count) entries, expected \(w.count)")
            return zip(w, teacher).map { $0 - $1 }
        }
    }
}
