import Testing
import LinearAlgebra

/// Singular values (dgesdd, jobz = "N") against eigenvalues of the Gram matrix and known cases.
///
/// Tolerances: `dgesdd` is backward stable, `|σ̂ᵢ − σᵢ| ≤ p(m, n) ε ‖A‖₂`; forming `G = AᵀA` in
/// floating point and diagonalising it perturbs `λᵢ = σᵢ²` by `O(m ε ‖A‖²)`. Comparing on the
/// squared scale, `|σ̂ᵢ² − λ̂ᵢ| ≤ 100 max(m, n) ε ‖A‖_F²`, avoids dividing by small `σ`.
@Suite("Singular values (dgesdd)")
struct SingularValueTests {
    @Test(arguments: [(32, 16, UInt64(41)), (16, 32, 42), (1, 9, 43), (9, 1, 44), (17, 17, 45)])
    func matchSquareRootOfGramEigenvalues(m: Int, n: Int, seed: UInt64) {
        let batch = gaussianBatch(count: 3, rows: m, columns: n, seed: seed)
        let spectrum = Diagonalisation.singularValues(batch)
        let levels = min(m, n)
        #expect(spectrum.levels == levels && spectrum.isComplete && spectrum.routine == "dgesdd")
        for k in 0 ..< batch.count {
            let a = batch[k]
            let sigma = spectrum[k]
            #expect(sigma == sigma.sorted(), "seed \(seed) matrix \(k): not ascending")
            #expect(sigma.allSatisfy { $0 >= 0 })
            let gram = naiveProduct(a, a, transposeA: true)  // n × n, rank min(m, n)
            let lambda = Diagonalisation.symmetricEigenvalues(MatrixBatch([gram])).values
            let tolerance = 100 * Double(max(m, n)) * eps * frobeniusNorm(a) * frobeniusNorm(a)
            // The n − min(m, n) smallest Gram eigenvalues are zero; the rest are σ².
            let zeros = lambda.prefix(n - levels)
            #expect(zeros.allSatisfy { abs($0) <= tolerance }, "seed \(seed) matrix \(k): \(zeros)")
            let squared = sigma.map { $0 * $0 }
            let deviation = maxAbsDifference(squared, Array(lambda.suffix(levels)))
            #expect(deviation <= tolerance, "seed \(seed) matrix \(k): |σ² − λ| = \(deviation)")
        }
    }

    @Test(arguments: [(1, UInt64(51)), (2, 52), (7, 53), (16, 54), (50, 55)])
    func orthogonalMatrixHasUnitSingularValues(n: Int, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let q = householderOrthogonal(n, rng: &rng)
        let spectrum = Diagonalisation.singularValues(MatrixBatch([q, q.transposed()]))
        // Q is orthogonal to O(n² ε) after n reflector products; dgesdd adds O(n ε).
        let tolerance = 10 * Double(n * n) * eps
        #expect(maxAbsDifference(spectrum.values, Array(repeating: 1, count: 2 * n)) <= tolerance,
                "seed \(seed): \(spectrum.values)")
    }

    @Test func rectangularDiagonalGivesAbsoluteValuesAscending() {
        // 3 × 5 with diagonal (3, −1, 2): σ = (1, 2, 3).
        var a = Matrix(rows: 3, columns: 5)
        a[0, 0] = 3; a[1, 1] = -1; a[2, 2] = 2
        for matrix in [a, a.transposed()] {
            let spectrum = Diagonalisation.singularValues(MatrixBatch([matrix]))
            #expect(maxAbsDifference(spectrum.values, [1, 2, 3]) <= 4 * eps * 3, "\(matrix.rows)×\(matrix.columns)")
        }
    }
}
