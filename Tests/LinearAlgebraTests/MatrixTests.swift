import Testing
@testable import LinearAlgebra

@Suite("Matrix, MatrixBatch, SpectrumBatch and LAPACKError values")
struct MatrixTests {
    @Test func rowMajorIndexing() {
        var m = Matrix(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6])
        #expect(m[0, 2] == 3)
        #expect(m[1, 0] == 4)
        m[1, 2] = -1
        #expect(m.elements == [1, 2, 3, 4, 5, -1])
        #expect(Matrix(rows: 2, columns: 2, repeating: 7).elements == [7, 7, 7, 7])
        #expect(Matrix.identity(3).elements == [1, 0, 0, 0, 1, 0, 0, 0, 1])
    }

    @Test func transposeMatchesIndexSwap() {
        var rng = SplitMix64(seed: 1)
        for (m, n) in [(1, 1), (2, 3), (5, 4), (0, 3)] {
            let a = gaussianMatrix(m, n, rng: &rng)
            #expect(a.transposed() == naiveTranspose(a), "shape \(m)×\(n)")
            #expect(a.transposed().transposed() == a)
        }
    }

    @Test func batchLayoutIsContiguousRowMajor() {
        let elements = (0 ..< 12).map(Double.init)
        var batch = MatrixBatch(count: 2, rows: 2, columns: 3, elements: elements)
        #expect(batch[1] == Matrix(rows: 2, columns: 3, elements: [6, 7, 8, 9, 10, 11]))
        // elements[(k*rows + i)*columns + j]
        #expect(batch.elements[(1 * 2 + 1) * 3 + 2] == batch[1][1, 2])
        batch[0] = Matrix(rows: 2, columns: 3, repeating: -1)
        #expect(batch.elements == [-1, -1, -1, -1, -1, -1] + [6, 7, 8, 9, 10, 11])
        #expect(MatrixBatch([batch[0], batch[1]]) == batch)
    }

    @Test func errorFunnelSeparatesInfoSigns() {
        #expect(LAPACKError(routine: "dsyevd", info: 0) == nil)
        #expect(LAPACKError(routine: "dsyevd", info: -5) == .illegalArgument(routine: "dsyevd", position: 5))
        #expect(LAPACKError(routine: "dgesdd", info: 3) == .noConvergence(routine: "dgesdd", info: 3))
        #expect(LAPACKError(routine: "dgesdd", info: -1000) == .nonFiniteInput(routine: "dgesdd"))
        for status: Int32 in [-5, 3, -1000] {
            #expect(LAPACKError(routine: "x", info: status)?.status == status)
        }
        #expect(LAPACKError.illegalArgument(routine: "dsyevd", position: 5).description
            .hasPrefix("dsyevd: argument 5 had an illegal value"))
    }

    @Test func spectrumFailuresAndNaNAwareEquality() {
        let s = SpectrumBatch(count: 3, levels: 2, values: [1, 2, .nan, .nan, .nan, .nan],
                              status: [0, -1000, 7], routine: "dsyevd")
        #expect(s.failures.map(\.index) == [1, 2])
        #expect(s.failures.map(\.error) == [.nonFiniteInput(routine: "dsyevd"),
                                           .noConvergence(routine: "dsyevd", info: 7)])
        #expect(s == s)  // NaN rows compare equal to themselves
        #expect(s[0] == [1, 2])
        #expect(!s.isComplete)
        var t = s
        t.values[0] = 1.5
        #expect(s != t)
    }
}
