@testable import LinearAlgebra
import Foundation
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
        let dqds = Diagonalisation.singularValues(batch, threads: 2, driver: .householderDQDS)
        #expect(small.isComplete && small.routine == "dgebd2_swift+dbdsqr")
        #expect(dqds.isComplete && dqds.routine == "dgebd2_swift+dqds_swift")
        #expect(Self.maxDeviation(small, reference, batch: batch) < 10 * Double(max(rows, columns)) * eps)
        #expect(Self.maxDeviation(dqds, reference, batch: batch) < 10 * Double(max(rows, columns)) * eps)
    }

    /// `A = U diag(σ) Vᵀ` with σ log-spaced over 1e-12 … 1 (condition number 1e12) and Haar-like
    /// U, V: the computed σ must match the constructed ones to the backward-error bound
    /// `c · max(m, n) ε ‖A‖₂` (‖A‖₂ = 1; forming A in floating point adds `O(n ε)`), c = 10. A
    /// Gram-matrix method (`√λ(AᵀA)`) would miss every σ below ≈ 1e-8 (`√ε`) by far more.
    @Test(arguments: [(32, 16, UInt64(301)), (16, 32, 302), (20, 20, 303), (64, 40, 304)])
    func illConditionedSingularValues(rows: Int, columns: Int, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let levels = min(rows, columns)
        var matrices: [Matrix] = []
        var expected: [[Double]] = []
        for _ in 0..<5 {
            let u = householderOrthogonal(rows, rng: &rng), v = householderOrthogonal(columns, rng: &rng)
            let sigma = (0..<levels).map { levels == 1 ? 1 : pow(10, -12 * Double(levels - 1 - $0) / Double(levels - 1)) }
            var us = Matrix(rows: rows, columns: columns)
            for i in 0..<rows { for j in 0..<levels { us[i, j] = u[i, j] * sigma[j] } }
            matrices.append(naiveProduct(us, v, transposeB: true))
            expected.append(sigma)
        }
        let batch = MatrixBatch(matrices)
        let tolerance = 10 * Double(max(rows, columns)) * eps
        for driver in Diagonalisation.SingularDriver.allCases
        where driver != .tsqrDbdsqr || SplitQRSingularValueSolver.applies(rows: rows, columns: columns) {
            let spectrum = Diagonalisation.singularValues(batch, threads: 2, driver: driver)
            #expect(spectrum.isComplete)
            for k in 0..<batch.count {
                let deviation = maxAbsDifference(spectrum[k], expected[k])
                #expect(deviation < tolerance, "\(driver.rawValue) seed \(seed) matrix \(k): \(deviation)")
            }
        }
    }

    /// The two-block QR path against `dgesdd` to `10 max(m, n) ε ‖A‖_F` (both backward stable),
    /// on tall and wide shapes including odd halves (257 rows: blocks of 128 and 129).
    @Test(arguments: [(2, 1), (1, 5), (300, 100), (100, 300), (257, 128), (90, 3)])
    func splitQRMatchesDgesdd(rows: Int, columns: Int) {
        let batch = gaussianBatch(count: 3, rows: rows, columns: columns, seed: UInt64(rows * 1000 + columns))
        let reference = Diagonalisation.singularValues(batch, threads: 1, driver: .dgesdd)
        let split = Diagonalisation.singularValues(batch, threads: 2, driver: .tsqrDbdsqr)
        #expect(split.isComplete && split.routine == "dgeqrf2+dtpqrt+dgebrd+dbdsqr")
        #expect(Self.maxDeviation(split, reference, batch: batch) < 10 * Double(max(rows, columns)) * eps)
    }

    /// One matrix with 2 threads factorises its halves concurrently; with 1 thread in turn: the
    /// bits must agree, as they must for a batch split over workers.
    @Test func splitQRIsThreadDeterministic() {
        let one = gaussianBatch(count: 1, rows: 400, columns: 150, seed: 11)
        #expect(bits(Diagonalisation.singularValues(one, threads: 1, driver: .tsqrDbdsqr).values)
                == bits(Diagonalisation.singularValues(one, threads: 2, driver: .tsqrDbdsqr).values))
        let three = gaussianBatch(count: 3, rows: 150, columns: 400, seed: 12)
        #expect(bits(Diagonalisation.singularValues(three, threads: 1, driver: .tsqrDbdsqr).values)
                == bits(Diagonalisation.singularValues(three, threads: 2, driver: .tsqrDbdsqr).values))
        #expect(Diagonalisation.defaultSingularDriver(rows: 1536, columns: 384) == .tsqrDbdsqr)
        #expect(Diagonalisation.defaultSingularDriver(rows: 300, columns: 200) == .dgesdd)
        #expect(Diagonalisation.defaultSingularDriver(rows: 32, columns: 16) == .householderDQDS)
    }

    /// The Swift dqds directly on bidiagonals that exercise splits, zeros and grading, against
    /// `dgesdd` on the same bidiagonal as a dense matrix (independent algorithm): agreement to
    /// `10 n ε ‖B‖_F` (backward-error bounds of both). 200 problems per kind, n = 1…24.
    @Test(arguments: ["gaussian", "graded", "wild", "zeros"])
    func dqdsOnBidiagonals(kind: String) {
        var rng = SplitMix64(seed: UInt64(kind.utf8.reduce(0) { $0 * 31 + UInt64($1) }))
        var work = [Double](repeating: 0, count: DQDSProblem.workspace(24))
        for trial in 0..<200 {
            let n = 1 + trial % 24
            var d = [Double](repeating: 0, count: n), e = [Double](repeating: 0, count: n)
            for i in 0..<n {
                switch kind {
                case "graded":  // entries fall by 10 per row: σ from 1 down to ~1e-23
                    d[i] = pow(10, -Double(i)) * rng.normal()
                    e[i] = pow(10, -Double(i)) * rng.normal()
                case "wild":  // each entry's magnitude log-uniform over 1e-12 … 1
                    d[i] = pow(10, -12 * rng.uniform()) * rng.normal()
                    e[i] = pow(10, -12 * rng.uniform()) * rng.normal()
                case "zeros":  // a quarter of the entries exactly zero: splits and zero σ
                    d[i] = rng.uniform() < 0.25 ? 0 : rng.normal()
                    e[i] = rng.uniform() < 0.25 ? 0 : rng.normal()
                default:
                    d[i] = rng.normal()
                    e[i] = rng.normal()
                }
            }
            e[n - 1] = 0
            var dense = Matrix(rows: n, columns: n)
            for i in 0..<n {
                dense[i, i] = d[i]
                if i + 1 < n { dense[i, i + 1] = e[i] }
            }
            let reference = Diagonalisation.singularValues(MatrixBatch([dense]), threads: 1, driver: .dgesdd)[0]
            var values = [Double](repeating: .nan, count: n)
            let info = bidiagonalSingularValues(d, e, count: n, work: &work, values: &values)
            #expect(info == 0, "\(kind) trial \(trial)")
            let deviation = maxAbsDifference(values, reference)
            #expect(deviation <= 10 * Double(n) * eps * frobeniusNorm(dense), "\(kind) trial \(trial) n \(n): \(deviation)")
        }
    }

    /// Extreme scales: σ(cA) = |c| σ(A). The reflectors and dqds scale by the largest entry, so
    /// 1e±300 neither overflows nor underflows; relative agreement to `10 max(m, n) ε` with the
    /// unscaled result (the scaling by a power of ten itself rounds each entry once).
    @Test(arguments: [1e300, 1e-300, -1e150])
    func extremeScalesAreExact(factor: Double) {
        let batch = gaussianBatch(count: 6, rows: 32, columns: 16, seed: 21)
        var scaled = batch
        scaled.elements = batch.elements.map { $0 * factor }
        for driver in [Diagonalisation.SingularDriver.householderDQDS, .householderDbdsqr] {
            let reference = Diagonalisation.singularValues(batch, threads: 1, driver: driver)
            let big = Diagonalisation.singularValues(scaled, threads: 1, driver: driver)
            #expect(big.isComplete, "\(driver.rawValue) × \(factor)")
            for k in 0..<batch.count {
                let largest = reference[k].last!
                for (x, y) in zip(big[k], reference[k]) {
                    #expect(abs(x / abs(factor) - y) <= 10 * 32 * eps * largest, "\(driver.rawValue) × \(factor) matrix \(k)")
                }
            }
        }
    }

    /// The pair path interleaves two dqds problems and two bidiagonalisations in SIMD lanes:
    /// with 3 threads the chunks pair the matrices differently from 1 thread, and a matrix alone
    /// must get the same bits as in a pair.
    @Test func swiftDQDSIsThreadDeterministic() {
        let batch = gaussianBatch(count: 33, rows: 32, columns: 16, seed: 7)
        let one = Diagonalisation.singularValues(batch, threads: 1, driver: .householderDQDS)
        let three = Diagonalisation.singularValues(batch, threads: 3, driver: .householderDQDS)
        #expect(bits(one.values) == bits(three.values))
        let alone = Diagonalisation.singularValues(MatrixBatch([batch[11]]), threads: 1, driver: .householderDQDS)
        #expect(bits(alone[0]) == bits(one[11]))
    }

    /// Exact cases: zero matrix, diagonal, rank one, and a column of zeros mid-reduction.
    @Test func exactSpectra() {
        let zero = MatrixBatch(count: 1, rows: 4, columns: 4, repeating: 0)
        #expect(Diagonalisation.symmetricEigenvalues(zero, threads: 1, driver: .householderQL)[0] == [0, 0, 0, 0])
        for driver in [Diagonalisation.SingularDriver.householderDbdsqr, .householderDQDS] {
            #expect(Diagonalisation.singularValues(zero, threads: 1, driver: driver)[0] == [0, 0, 0, 0])
        }
        var diagonal = Matrix(rows: 3, columns: 3)
        diagonal[0, 0] = 3; diagonal[1, 1] = -1; diagonal[2, 2] = 2
        #expect(Diagonalisation.symmetricEigenvalues(MatrixBatch([diagonal]), threads: 1, driver: .householderQL)[0] == [-1, 2, 3])
        for driver in [Diagonalisation.SingularDriver.householderDbdsqr, .householderDQDS] {
            #expect(Diagonalisation.singularValues(MatrixBatch([diagonal]), threads: 1, driver: driver)[0] == [1, 2, 3])
            // u vᵀ with ‖u‖ = 3 (u = (1, 2, 2)), ‖v‖ = 5 (v = (3, 4)): one singular value 15.
            let rankOne = Matrix(rows: 3, columns: 2, elements: [3, 4, 6, 8, 6, 8])
            let sigma = Diagonalisation.singularValues(MatrixBatch([rankOne]), threads: 1, driver: driver)[0]
            #expect(abs(sigma[0]) < 1e-14 && abs(sigma[1] - 15) < 15 * 8 * eps, "\(driver.rawValue): \(sigma)")
        }
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
