/// Random matrices drawn from a `RandomStream`, row-major, for model set-up.
public enum RandomMatrices {
    /// A Haar-distributed orthogonal n × n matrix: Gram–Schmidt QR of a Gaussian matrix with
    /// R's diagonal made positive, which is exactly Haar (Mezzadri, Notices AMS 54 (2007) 592).
    /// O(n³); meant for set-up, not hot loops.
    public static func haarOrthogonal(_ n: Int, stream: inout RandomStream) -> [Double] {
        var q = (0..<(n * n)).map { _ in stream.nextNormal() }
        // Modified Gram–Schmidt on the columns; normalising each column to positive length is
        // the positive-diagonal-R convention.
        for j in 0..<n {
            for k in 0..<j {
                var dot = 0.0
                for i in 0..<n { dot += q[i * n + j] * q[i * n + k] }
                for i in 0..<n { q[i * n + j] -= dot * q[i * n + k] }
            }
            var norm = 0.0
            for i in 0..<n { norm += q[i * n + j] * q[i * n + j] }
            norm = norm.squareRoot()
            for i in 0..<n { q[i * n + j] /= norm }
        }
        return q
    }

    /// A real symmetric Gaussian (GOE) n × n matrix: off-diagonal entries N(0, σ²), diagonal
    /// N(0, 2σ²), the normalisation of SPEC §2.1. Draws the upper triangle row by row.
    public static func goe(_ n: Int, offDiagonalStd sigma: Double, stream: inout RandomStream) -> [Double] {
        var a = [Double](repeating: 0, count: n * n)
        a.withUnsafeMutableBufferPointer { fillGOE(n, offDiagonalStd: sigma, stream: &stream, into: $0.baseAddress!) }
        return a
    }

    /// `goe` written in place into n × n consecutive Float64s, for tables of many matrices.
    public static func fillGOE(_ n: Int, offDiagonalStd sigma: Double, stream: inout RandomStream,
                               into a: UnsafeMutablePointer<Double>) {
        let diagonalStd = sigma * 2.0.squareRoot()
        for i in 0..<n {
            a[i * n + i] = diagonalStd * stream.nextNormal()
            for j in (i + 1)..<n {
                let x = sigma * stream.nextNormal()
                a[i * n + j] = x
                a[j * n + i] = x
            }
        }
    }

    /// O · diag(d) · Oᵀ for an n × n orthogonal O (row-major) and spectrum d.
    public static func rotatedDiagonal(_ o: [Double], spectrum d: [Double]) -> [Double] {
        let n = d.count
        precondition(o.count == n * n, "rotatedDiagonal: O has \(o.count) entries, expected \(n * n)")
        var w = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0
                for k in 0..<n { sum += o[i * n + k] * d[k] * o[j * n + k] }
                w[i * n + j] = sum
            }
        }
        return w
    }
}
