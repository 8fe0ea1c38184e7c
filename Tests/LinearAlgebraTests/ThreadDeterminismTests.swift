import Testing
@testable import LinearAlgebra

/// Results must not depend on how the batch is split over threads: every matrix is solved by
/// the same single-threaded code on its own aligned copy, so the bits agree exactly.
@Suite("Bit-identical results for any thread count")
struct ThreadDeterminismTests {
    @Test(arguments: [(137, 2), (101, 10), (40, 33)])
    func symmetricEigenvalues(count: Int, n: Int) {
        let batch = symmetricBatch(count: count, n: n, seed: UInt64(71 + n))
        let one = Diagonalisation.symmetricEigenvalues(batch, threads: 1)
        for threads in [2, 3, count + 5] {
            let other = Diagonalisation.symmetricEigenvalues(batch, threads: threads)
            #expect(bits(other.values) == bits(one.values), "\(count)×\(n)×\(n), threads \(threads)")
            #expect(other.status == one.status)
        }
    }

    @Test func symmetricEigensystem() {
        let batch = symmetricBatch(count: 50, n: 12, seed: 81)
        let one = Diagonalisation.symmetricEigensystem(batch, threads: 1)
        let two = Diagonalisation.symmetricEigensystem(batch, threads: 2)
        #expect(bits(two.values.values) == bits(one.values.values))
        #expect(bits(two.vectors.elements) == bits(one.vectors.elements))
    }

    @Test(arguments: [(3000, 2, 2), (100, 32, 16), (100, 16, 32)])
    func singularValues(count: Int, rows: Int, columns: Int) {
        let batch = gaussianBatch(count: count, rows: rows, columns: columns, seed: 91)
        let one = Diagonalisation.singularValues(batch, threads: 1)
        let two = Diagonalisation.singularValues(batch, threads: 2)
        #expect(bits(two.values) == bits(one.values), "\(count)×\(rows)×\(columns)")
    }

    @Test func singleLargeMatrixIsReproducibleByDefault() {
        // count < threads and n ≥ 256: the default still uses single-threaded BLAS.
        let batch = symmetricBatch(count: 1, n: 256, seed: 95)
        let one = Diagonalisation.symmetricEigenvalues(batch, threads: 1)
        let two = Diagonalisation.symmetricEigenvalues(batch, threads: 2)
        #expect(bits(two.values) == bits(one.values))
    }

    @Test func threadedBLASRegimeAgreesToRounding() {
        // Opt-in multi-threaded BLAS changes the last bits only: Weyl's bound with p(n) = n.
        let n = 256
        let batch = symmetricBatch(count: 1, n: n, seed: 96)
        let reference = Diagonalisation.symmetricEigenvalues(batch, threads: 1)
        let threaded = Diagonalisation.symmetricEigenvalues(
            batch, threads: 2, scheduling: .threadedBLASForFewLargeMatrices)
        let norm = frobeniusNorm(batch[0])
        #expect(threaded.isComplete)
        #expect(maxAbsDifference(threaded.values, reference.values) <= Double(n) * eps * norm)
    }

    @Test func openBLASThreadCountIsRestored() {
        OpenBLASThreads.with(3) { #expect(OpenBLASThreads.current == 3) }
        OpenBLASThreads.with(1) { #expect(OpenBLASThreads.current == 1) }
    }
}
