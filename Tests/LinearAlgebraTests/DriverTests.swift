import LinearAlgebra
import Testing

/// The Householder drivers and dsyevr agree with dsyevd/dgesdd to the backward-error bound
/// `c · n ε ‖A‖₂` (Anderson et al., LAPACK Users' Guide §4.7, §4.9); with ‖A‖₂ ≤ ‖A‖_F and
/// c = 10 this is a tolerance the solvers meet with a wide margin on Gaussian matrices but that
/// a wrong reflector or a dropped level would break by orders of magnitude.
@Suite struct DriverTests {
    static func frobenius(_ batch: MatrixBatch, _ k: Int) -> Double {
        batch[k].elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }

    static func maxDeviation(_ a: SpectrumBatch, _ b: SpectrumBatch, batch: MatrixBatch) -> Double {
        var worst = 0.0
        for k in 0..<a.count {
            let scale = max(frobenius(batch, k), .leastNormalMagnitude)
            for (x, y) in zip(a[k], b[k]) { worst = max(worst, abs(x - y) / scale) }
        }
        return worst
    }

    @Test(arguments: [1, 2, 3, 5, 10, 17, 32, 64])
    func householderEigenvaluesMatchDsyevd(n: Int) {
        let batch = symmetricBatch(count: 40, n: n, seed: UInt64(100 + n))
        let reference = Diagonalisation.symmetricEigenvalues(batch, threads: 2)
        let small = Diagonalisation.symmetricEigenvalues(batch, threads: 2, driver: .householderQL)
        let mrrr = Diagonalisation.symmetricEigenvalues(batch, threads: 2, driver: .dsyevr)
        #expect(small.isComplete && mrrr.isComplete)
        #expect(small.routine == "householder_ql_swift" && mrrr.routine == "dsyevr")
        #expect(Self.maxDeviation(small, reference, batch: batch) < 10 * Double(n) * eps)
        #expect(Self.maxDeviation(mrrr, reference, batch: batch) < 10 * Double(n) * eps)
    }

    @Test(arguments: [(1, 1), (2, 2), (32, 16), (16, 32), (7, 3), (3, 7), (64, 64)])
    func householderSingularValuesMatchDgesdd(rows: Int, columns: Int) {
        let batch = gaussianBatch(count: 40, rows: rows, columns: columns, seed: UInt64(rows * 100 + columns))
        let reference = Diagonalisation.singularValues(batch, threads: 2)
        let small = Diagonalisation.singularValues(batch, threads: 2, driver: .householderDbdsqr)
        #expect(small.isComplete && small.routine == "dgebd2_swift+dbdsqr")
        #expect(Self.maxDeviation(small, reference, batch: batch) < 10 * Double(max(rows, columns)) * eps)
    }

    /// Exact cases: zero matrix, diagonal, rank one, and a column of zeros mid-reduction.
    @Test func exactSpectra() {
        let zero = MatrixBatch(count: 1, rows: 4, columns: 4, repeating: 0)
        #expect(Diagonalisation.symmetricEigenvalues(zero, threads: 1, driver: .householderQL)[0] == [0, 0, 0, 0])
        #expect(Diagonalisation.singularValues(zero, threads: 1, driver: .householderDbdsqr)[0] == [0, 0, 0, 0])
        var diagonal = Matrix(rows: 3, columns: 3)
        diagonal[0, 0] = 3; diagonal[1, 1] = -1; diagonal[2, 2] = 2
        #expect(Diagonalisation.symmetricEigenvalues(MatrixBatch([diagonal]), threads: 1, driver: .householderQL)[0] == [-1, 2, 3])
        #expect(Diagonalisation.singularValues(MatrixBatch([diagonal]), threads: 1, driver: .householderDbdsqr)[0] == [1, 2, 3])
        // u vᵀ with ‖u‖ = 3 (u = (1, 2, 2)), ‖v‖ = 5 (v = (3, 4)): one singular value 15.
        let rankOne = Matrix(rows: 3, columns: 2, elements: [3, 4, 6, 8, 6, 8])
        let sigma = Diagonalisation.singularValues(MatrixBatch([rankOne]), threads: 1, driver: .householderDbdsqr)[0]
        #expect(abs(sigma[0]) < 1e-14 && abs(sigma[1] - 15) < 15 * 8 * eps)
    }

    @Test func failuresStayPerMatrix() {
        var batch = symmetricBatch(count: 3, n: 6, seed: 9)
        batch.elements[6 * 6 + 7] = .nan
        let spectrum = Diagonalisation.symmetricEigenvalues(batch, threads: 2, driver: .householderQL)
        #expect(spectrum.status == [0, LAPACKError.nonFiniteInputStatus, 0])
        #expect(spectrum[1].allSatisfy(\.isNaN) && !spectrum[2].contains(where: \.isNaN))
    }

    /// dsyevr eigenvectors: orthonormal and A V = V Λ to 100 n ε ‖A‖_F.
    @Test func dsyevrEigenvectors() {
        let n = 12
        let batch = symmetricBatch(count: 5, n: n, seed: 77)
        let (values, vectors) = Diagonalisation.symmetricEigensystem(batch, threads: 2, driver: .dsyevr)
        #expect(values.isComplete)
        for k in 0..<batch.count {
            let a = batch[k], v = vectors[k], lambda = values[k]
            let av = BLAS.multiply(a, v), vtv = BLAS.multiply(v, v, transposeA: true)
            let scale = Self.frobenius(batch, k)
            for i in 0..<n {
                for j in 0..<n {
                    #expect(abs(av[i, j] - v[i, j] * lambda[j]) < 100 * Double(n) * eps * scale)
                    #expect(abs(vtv[i, j] - (i == j ? 1 : 0)) < 100 * Double(n) * eps)
                }
            }
        }
    }

    /// Matrices are solved two at a time (interleaved QL) within a chunk; with 3 threads the
    /// chunks 0..<11, 11..<22, 22..<33 pair them differently from 1 thread, so equality also
    /// shows that a matrix gets the same bits whether solved in a pair or alone.
    @Test func householderIsThreadDeterministic() {
        let batch = symmetricBatch(count: 33, n: 10, seed: 5)
        let one = Diagonalisation.symmetricEigenvalues(batch, threads: 1, driver: .householderQL)
        let three = Diagonalisation.symmetricEigenvalues(batch, threads: 3, driver: .householderQL)
        #expect(one == three)
        let alone = Diagonalisation.symmetricEigenvalues(MatrixBatch([batch[11]]), threads: 1, driver: .householderQL)
        #expect(alone[0] == one[11])
    }
}
