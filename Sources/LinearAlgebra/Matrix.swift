/// A dense row-major matrix of `Double`.
///
/// Element `(i, j)` lives at `elements[i * columns + j]`. The type is a plain value (copy on
/// write through `Array`), so it is `Sendable` and can cross task boundaries freely.
public struct Matrix: Sendable, Equatable {
    /// Number of rows, `m ≥ 0`.
    public let rows: Int
    /// Number of columns, `n ≥ 0`.
    public let columns: Int
    /// Row-major storage; `elements.count == rows * columns`.
    public var elements: [Double]

    /// Wraps row-major storage.
    ///
    /// - Precondition: `rows ≥ 0`, `columns ≥ 0` and `elements.count == rows * columns`.
    public init(rows: Int, columns: Int, elements: [Double]) {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative shape \(rows)×\(columns)")
        precondition(
            elements.count == rows * columns,
            "Matrix: \(elements.count) elements given for a \(rows)×\(columns) matrix (need \(rows * columns))")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A `rows × columns` matrix with every element equal to `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative shape \(rows)×\(columns)")
        self.init(rows: rows, columns: columns, elements: Array(repeating: value, count: rows * columns))
    }

    /// The `n × n` identity matrix.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.elements[i * n + i] = 1 }
        return m
    }

    /// Element in row `row`, column `column` (both zero-based).
    ///
    /// - Precondition: `0 ≤ row < rows` and `0 ≤ column < columns`.
    public subscript(row: Int, column: Int) -> Double {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "Matrix: index (\(row), \(column)) outside \(rows)×\(columns)")
            return elements[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "Matrix: index (\(row), \(column)) outside \(rows)×\(columns)")
            elements[row * columns + column] = newValue
        }
    }

    /// `true` when the matrix is square.
    public var isSquare: Bool { rows == columns }

    /// The transpose `Aᵀ`, with `Aᵀ[j, i] = A[i, j]`. Complexity O(m·n).
    public func transposed() -> Matrix {
        if elements.isEmpty { return Matrix(rows: columns, columns: rows) }
        var result = [Double](repeating: 0, count: elements.count)
        elements.withUnsafeBufferPointer { a in
            result.withUnsafeMutableBufferPointer { t in
                transpose(a.baseAddress!, rows: rows, columns: columns, into: t.baseAddress!)
            }
        }
        return Matrix(rows: columns, columns: rows, elements: result)
    }
}

/// Writes the transpose of the row-major `rows × columns` block at `source` into `destination`
/// (row-major `columns × rows`). The two regions must not overlap.
@inline(__always)
func transpose(_ source: UnsafePointer<Double>, rows: Int, columns: Int,
               into destination: UnsafeMutablePointer<Double>) {
    for i in 0..<rows {
        for j in 0..<columns {
            destination[j * rows + i] = source[i * columns + j]
        }
    }
}
