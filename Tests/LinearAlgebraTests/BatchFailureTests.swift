import Testing
import LinearAlgebra

/// A bad matrix must not abort its batch: it is flagged and NaN-filled, the others are exact.
@Suite("Failures inside a batch")
struct BatchFailureTests {
    /// A batch of `count` matrices with a NaN in matrix `nanIndex` and +∞ in `infIndex`.
    func poisoned(_ batch: MatrixBatch, nanIndex: Int, infIndex: Int) -> MatrixBatch {
        var poisoned = batch
        poisoned.elements[nanIndex * batch.matrixSize + 1] = .nan
        poisoned.elements[infIndex * batch.matrixSize + batch.matrixSize - 1] = .infinity
        return poisoned
    }

    @Test(arguments: [1, 2])
    func nonFiniteMatrixIsFlaggedOthersUnchanged(threads: Int) {
        let clean = symmetricBatch(count: 7, n: 6, seed: 61)
        let batch = poisoned(clean, nanIndex: 3, infIndex: 5)
        let reference = Diagonalisation.symmetricEigenvalues(clean, threads: threads)
        let spectrum = Diagonalisation.symmetricEigenvalues(batch, threads: threads)
        #expect(spectrum.status == [0, 0, 0, -1000, 0, -1000, 0])
        #expect(LAPACKError.nonFiniteInputStatus == -1000)
        #expect(spectrum.failures.map(\.index) == [3, 5])
        #expect(spectrum.failures.map(\.error) == [.nonFiniteInput(routine: "dsyevd"), .nonFiniteInput(routine: "dsyevd")])
        for k in 0 ..< 7 {
            if k == 3 || k == 5 {
                #expect(spectrum[k].allSatisfy { $0.isNaN }, "matrix \(k) should be NaN")
            } else {
                // Each matrix is solved independently, so neighbours are bit-for-bit unaffected.
                #expect(bits(spectrum[k]) == bits(reference[k]), "matrix \(k)")
            }
        }
    }

    @Test func eigensystemAndSingularValuesFlagToo() {
        let clean = gaussianBatch(count: 4, rows: 5, columns: 5, seed: 62)
        let batch = poisoned(clean, nanIndex: 1, infIndex: 2)
        let (values, vectors) = Diagonalisation.symmetricEigensystem(batch)
        #expect(values.status == [0, -1000, -1000, 0])
        #expect(vectors[1].elements.allSatisfy { $0.isNaN } && vectors[2].elements.allSatisfy { $0.isNaN })
        #expect(vectors[0].elements.allSatisfy { $0.isFinite } && vectors[3].elements.allSatisfy { $0.isFinite })
        let sigma = Diagonalisation.singularValues(batch)
        #expect(sigma.status == [0, -1000, -1000, 0])
        #expect(sigma.failures.map(\.error) == [.nonFiniteInput(routine: "dgesdd"), .nonFiniteInput(routine: "dgesdd")])
        let reference = Diagonalisation.singularValues(clean)
        #expect(bits(sigma[3]) == bits(reference[3]))
    }

    @Test func emptyBatchesAndEmptyMatrices() {
        let none = Diagonalisation.symmetricEigenvalues(MatrixBatch(count: 0, rows: 4, columns: 4))
        #expect(none.count == 0 && none.values.isEmpty && none.status.isEmpty)
        let zeroByZero = Diagonalisation.symmetricEigensystem(MatrixBatch(count: 3, rows: 0, columns: 0))
        #expect(zeroByZero.values.levels == 0 && zeroByZero.values.status == [0, 0, 0])
        let flat = Diagonalisation.singularValues(MatrixBatch(count: 2, rows: 0, columns: 5))
        #expect(flat.levels == 0 && flat.status == [0, 0])
    }
}
