/// `count` matrices of one shape `rows × columns`, stored contiguously and row-major.
///
/// Element `(i, j)` of matrix `k` lives at `elements[(k * rows + i) * columns + j]`, so matrix
/// `k` occupies the slice `k·m·n ..< (k+1)·m·n`. This is the layout the batched routines of
/// ``Diagonalisation`` read: one allocation for the whole batch, no per-matrix arrays.
public struct MatrixBatch: Sendable, Equatable {
    /// Number of matrices in the batch.
    public let count: Int
    /// Rows of every matrix.
    public let rows: Int
    /// Columns of every matrix.
    public let columns: Int
    /// Contiguous row-major storage, `count · rows · columns` values.
    public var elements: [Double]

    /// Wraps contiguous storage.
    ///
    /// - Precondition: all sizes non-negative and `elements.count == count * rows * columns`.
    public init(count: Int, rows: Int, columns: Int, elements: [Double]) {
        precondition(count >= 0 && rows >= 0 && columns >= 0,
                     "MatrixBatch: negative shape \(count)×\(rows)×\(columns)")
        precondition(
            elements.count == count * rows * columns,
            "MatrixBatch: \(elements.count) elements given for \(count) matrices of \(rows)×\(columns) (need \(count * rows * columns))")
        self.count = count
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A batch of `count` matrices with every element equal to `value`.
    public init(count: Int, rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(count >= 0 && rows >= 0 && columns >= 0,
                     "MatrixBatch: negative shape \(count)×\(rows)×\(columns)")
        self.init(count: count, rows: rows, columns: columns,
                  elements: Array(repeating: value, count: count * rows * columns))
    }

    /// Stacks matrices of one shape into a batch.
    ///
    /// - Precondition: `matrices` is non-empty and every matrix has the shape of the first.
    public init(_ matrices: [Matrix]) {
        precondition(!matrices.isEmpty, "MatrixBatch: cannot infer the shape of an empty list; use init(count: 0, ...)")
        let (m, n) = (matrices[0].rows, matrices[0].columns)
        var storage = [Double]()
        storage.reserveCapacity(matrices.count * m * n)
        for (k, matrix) in matrices.enumerated() {
            precondition(matrix.rows == m && matrix.columns == n,
                         "MatrixBatch: matrix \(k) is \(matrix.rows)×\(matrix.columns), expected \(m)×\(n)")
            storage.append(contentsOf: matrix.elements)
        }
        self.init(count: matrices.count, rows: m, columns: n, elements: storage)
    }

    /// Number of elements of one matrix, `rows · columns`.
    public var matrixSize: Int { rows * columns }

    /// Matrix `k` of the batch (a copy). Setting replaces it in place.
    ///
    /// - Precondition: `0 ≤ k < count`; a new value must have shape `rows × columns`.
    public subscript(k: Int) -> Matrix {
        get {
            precondition(k >= 0 && k < count, "MatrixBatch: index \(k) outside 0..<\(count)")
            let start = k * matrixSize
            return Matrix(rows: rows, columns: columns, elements: Array(elements[start ..< start + matrixSize]))
        }
        set {
            precondition(k >= 0 && k < count, "MatrixBatch: index \(k) outside 0..<\(count)")
            precondition(newValue.rows == rows && newValue.columns == columns,
                         "MatrixBatch: cannot store a \(newValue.rows)×\(newValue.columns) matrix in a batch of \(rows)×\(columns)")
            let start = k * matrixSize
            elements.replaceSubrange(start ..< start + matrixSize, with: newValue.elements)
        }
    }
}
