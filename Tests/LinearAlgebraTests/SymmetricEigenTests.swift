import Testing
import LinearAlgebra

/// Eigenvalues of real symmetric matrices against closed forms and reconstructions.
///
/// Tolerances: `dsyevd` is backward stable, each computed eigenvalue is exact for some
/// `A + E` with `‖E‖₂ ≤ p(n) ε ‖A‖₂`, `p(n)` a modest polynomial (LAPACK Users' Guide §4.7), so
/// by Weyl's inequality `|λ̂ − λ| ≤ p(n) ε ‖A‖₂`. The bounds below allow `p(n) = 16` for
/// 2×2 and `~1e-12/ε ≈ 4500` for the reconstructions of matrices up to 64×64, well above the
/// observed `~n ε`.
@Suite("Symmetric eigenvalues (dsyevd)")
struct SymmetricEigenTests {
    @Test func diagonalMatrixGivesSortedDiagonal() {
        let diagonal: [Double] = [3, -1, 0.5, 1e-300, -7, 2]
        let n = diagonal.count
        var a = Matrix(rows: n, columns: n)
        for i in 0 ..< n { a[i, i] = diagonal[i] }
        let spectrum = Diagonalisation.symmetricEigenvalues(MatrixBatch([a]))
        // Exact: with zero off-diagonals every Householder reflector is the identity and
        // dsterf splits into 1×1 blocks, so no arithmetic touches the diagonal.
        #expect(spectrum.values == diagonal.sorted())
        #expect(spectrum.status == [0])
        #expect(spectrum.routine == "dsyevd")
    }

    @Test(arguments: [
        (2.0, 1.0, 2.0), (1.0, 0.0, -1.0), (0.0, 1.0, 0.0), (1e8, 1.0, -1e8), (3.0, -2.5, 1e-3),
        (1.0, 1e-9, 1.0), (-4.0, 7.0, 11.0),
    ])
    func twoByTwoClosedForm(a: Double, b: Double, c: Double) {
        let m = Matrix(rows: 2, columns: 2, elements: [a, b, b, c])
        let spectrum = Diagonalisation.symmetricEigenvalues(MatrixBatch([m]))
        let mean = (a + c) / 2
        let radius = (((a - c) / 2) * ((a - c) / 2) + b * b).squareRoot()
        let expected = [mean - radius, mean + radius]
        let scale = max(abs(a), abs(b), abs(c))
        #expect(maxAbsDifference(spectrum.values, expected) <= 16 * eps * scale,
                "[[\(a), \(b)], [\(b), \(c)]]: got \(spectrum.values), expected \(expected)")
    }

    @Test(arguments: [(1, 11), (2, 12), (3, 13), (10, 14), (32, 15), (64, 16)])
    func eigensystemReconstructsMatrix(n: Int, seed: UInt64) {
        let batch = symmetricBatch(count: 4, n: n, seed: seed)
        let (values, vectors) = Diagonalisation.symmetricEigensystem(batch)
        #expect(values.isComplete)
        for k in 0 ..< batch.count {
            let a = batch[k], v = vectors[k]
            let lambda = values[k]
            #expect(lambda == lambda.sorted(), "seed \(seed) matrix \(k): not ascending")
            // A ≈ V diag(λ) Vᵀ
            var vLambda = v
            for i in 0 ..< n { for j in 0 ..< n { vLambda[i, j] *= lambda[j] } }
            let reconstruction = naiveProduct(vLambda, v, transposeB: true)
            let residual = maxAbsDifference(reconstruction.elements, a.elements)
            #expect(residual <= 1e-12 * frobeniusNorm(a), "seed \(seed) matrix \(k): ‖A − VΛVᵀ‖ = \(residual)")
            // VᵀV ≈ I
            let gram = naiveProduct(v, v, transposeA: true)
            #expect(maxAbsDifference(gram.elements, Matrix.identity(n).elements) <= 1e-12,
                    "seed \(seed) matrix \(k): eigenvectors not orthonormal")
        }
        // Values-only driver (dsterf) and vector driver (dstedc) agree to rounding.
        let valuesOnly = Diagonalisation.symmetricEigenvalues(batch)
        let scale = batch.elements.reduce(0) { max($0, abs($1)) } * Double(n)
        #expect(maxAbsDifference(valuesOnly.values, values.values) <= 1e-12 * scale)
    }

    @Test func onlyLowerTriangleIsRead() {
        let batch = symmetricBatch(count: 5, n: 7, seed: 21)
        var garbled = batch
        for k in 0 ..< batch.count {
            for i in 0 ..< 7 { for j in (i + 1) ..< 7 { garbled.elements[(k * 7 + i) * 7 + j] = 1e6 * Double(i - j) } }
        }
        let reference = Diagonalisation.symmetricEigenvalues(batch)
        let fromLower = Diagonalisation.symmetricEigenvalues(garbled)
        #expect(bits(fromLower.values) == bits(reference.values))
    }

    @Test func semicircleEdgeOfLargeGOEMatrix() {
        // Sanity check on scale, not a precision test: for (G + Gᵀ)/2 with N(0,1) entries the
        // off-diagonal variance is 1/2, so the spectrum edge is at 2·√(n/2) = √(2n) up to
        // O(n^{-1/6}) Tracy–Widom fluctuations; 10 % is far outside them for n = 200.
        let n = 200
        let spectrum = Diagonalisation.symmetricEigenvalues(symmetricBatch(count: 1, n: n, seed: 31))
        let edge = (2.0 * Double(n)).squareRoot()
        #expect(abs(spectrum.values.last! - edge) < 0.1 * edge)
        #expect(abs(spectrum.values.first! + edge) < 0.1 * edge)
    }
}
