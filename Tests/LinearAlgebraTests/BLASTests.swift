import Testing
import LinearAlgebra

/// GEMM against the textbook triple loop.
///
/// Tolerance: each entry of a floating-point inner product of length `k` satisfies
/// `|ĉᵢⱼ − cᵢⱼ| ≤ γ_k (|A||B|)ᵢⱼ`, `γ_k ≈ k ε` (Higham, *Accuracy and Stability of Numerical
/// Algorithms*, 2nd ed., §3.5), for both BLAS and the loop, so `2 k ε (|A||B|)ᵢⱼ` bounds their
/// difference.
@Suite("BLAS.multiply (cblas_dgemm)")
struct BLASTests {
    @Test(arguments: [(3, 4, 5), (1, 1, 1), (7, 1, 3), (17, 33, 9), (64, 2, 1)])
    func matchesTripleLoopForAllTransposes(m: Int, k: Int, n: Int) {
        var rng = SplitMix64(seed: UInt64(100 + m * k * n))
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let a = transposeA ? gaussianMatrix(k, m, rng: &rng) : gaussianMatrix(m, k, rng: &rng)
                let b = transposeB ? gaussianMatrix(n, k, rng: &rng) : gaussianMatrix(k, n, rng: &rng)
                let c = BLAS.multiply(a, b, transposeA: transposeA, transposeB: transposeB)
                let reference = naiveProduct(a, b, transposeA: transposeA, transposeB: transposeB)
                let absA = Matrix(rows: a.rows, columns: a.columns, elements: a.elements.map(abs))
                let absB = Matrix(rows: b.rows, columns: b.columns, elements: b.elements.map(abs))
                let bound = naiveProduct(absA, absB, transposeA: transposeA, transposeB: transposeB)
                #expect(c.rows == m && c.columns == n)
                let ok = c.elements.indices.allSatisfy {
                    abs(c.elements[$0] - reference.elements[$0]) <= 2 * Double(k) * eps * bound.elements[$0]
                }
                #expect(ok, "\(m)×\(k)×\(n), transposeA \(transposeA), transposeB \(transposeB)")
            }
        }
    }

    @Test func alphaBetaAccumulate() {
        var rng = SplitMix64(seed: 7)
        let a = gaussianMatrix(4, 3, rng: &rng), b = gaussianMatrix(3, 5, rng: &rng)
        let c0 = gaussianMatrix(4, 5, rng: &rng)
        var c = c0
        BLAS.multiply(a, b, alpha: 2, beta: -0.5, into: &c)
        let ab = naiveProduct(a, b)
        let expected = zip(ab.elements, c0.elements).map { 2 * $0 - 0.5 * $1 }
        #expect(maxAbsDifference(c.elements, expected) <= 1e-14 * 20)
        // Empty inner dimension: C ← β C.
        var d = c0
        BLAS.multiply(Matrix(rows: 4, columns: 0), Matrix(rows: 0, columns: 5), alpha: 1, beta: 2, into: &d)
        #expect(d.elements == c0.elements.map { 2 * $0 })
    }

    @Test func identityIsNeutral() {
        var rng = SplitMix64(seed: 8)
        let a = gaussianMatrix(6, 6, rng: &rng)
        #expect(BLAS.multiply(a, .identity(6)) == a)
        #expect(BLAS.multiply(.identity(6), a, transposeB: true) == a.transposed())
    }
}
