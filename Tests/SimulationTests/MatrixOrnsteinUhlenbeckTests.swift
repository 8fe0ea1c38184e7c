import Testing
import LinearAlgebra
@testable import Simulation

private func ouConfig(_ ensemble: MatrixOrnsteinUhlenbeckConfig.Ensemble, n: Int = 4, steps: Int = 100) -> MatrixOrnsteinUhlenbeckConfig {
    var c = MatrixOrnsteinUhlenbeckConfig()
    c.centre = (0..<n).map { Double($0) }
    c.ensemble = ensemble
    c.temperature = 0.5
    c.timeStep = 0.1
    c.steps = steps
    return c
}

@Suite("Matrix Ornstein-Uhlenbeck")
struct MatrixOrnsteinUhlenbeckTests {
    /// After t = 10 (e^{−20} of the start remains) every seed is an independent draw from the
    /// stationary law: E|W_ij − W*_ij|² = T off the diagonal, Var W_ii = 2T (GOE) or T (GUE).
    /// 2 000 seeds × 6 off-diagonal (8 000 diagonal) squared deviations per ensemble; the
    /// tolerance is 3 standard errors of the mean squared deviation, estimated from the sample.
    @Test(arguments: MatrixOrnsteinUhlenbeckConfig.Ensemble.allCases)
    func stationaryVariancesMatchTheClosedForm(ensemble: MatrixOrnsteinUhlenbeckConfig.Ensemble) throws {
        let c = ouConfig(ensemble)
        let seeds = 2000
        let model = MatrixOrnsteinUhlenbeck(config: c, runSeed: 11, seeds: seeds)
        let last = try ensembleSnapshotsEvery(model, seeds: seeds, threads: 2, every: 100).last!.states
        let n = c.size, m = model.storedOrder, size = model.stateSize
        var offDiagonal: [Double] = [], diagonal: [Double] = []
        for s in 0..<seeds {
            let w = last[(s * size)..<((s + 1) * size)].map { $0 }
            for i in 0..<n {
                let d = w[i * m + i] - c.centre[i]
                diagonal.append(d * d)
                for j in (i + 1)..<n {
                    var square = w[i * m + j] * w[i * m + j]
                    if ensemble == .gue { square += w[(n + i) * m + j] * w[(n + i) * m + j] }
                    offDiagonal.append(square)
                }
            }
        }
        let off = sampleMeanAndError(offDiagonal), diag = sampleMeanAndError(diagonal)
        print("OU \(ensemble): off-diagonal E|d|² = \(off.mean) ± \(off.error) (expected \(c.offDiagonalVariance)), diagonal \(diag.mean) ± \(diag.error) (expected \(c.diagonalVariance))")
        #expect(abs(off.mean - c.offDiagonalVariance) < 3 * off.error)
        #expect(abs(diag.mean - c.diagonalVariance) < 3 * diag.error)
    }

    /// The GUE state is the embedding [[A, −B], [B, A]]: symmetric, with B antisymmetric and
    /// every eigenvalue of the Hermitian W doubled, so diagonalising the snapshot gives each
    /// level twice (to rounding, 1e-12 on levels of size ~3).
    @Test func gueEmbeddingIsConsistentAndDoublesEveryLevel() throws {
        let c = ouConfig(.gue, n: 5, steps: 20)
        let model = MatrixOrnsteinUhlenbeck(config: c, runSeed: 4, seeds: 3)
        let last = try ensembleSnapshotsEvery(model, seeds: 3, threads: 1, every: 20).last!.states
        let m = model.storedOrder, n = c.size
        for s in 0..<3 {
            let w = Array(last[(s * m * m)..<((s + 1) * m * m)])
            for i in 0..<n {
                for j in 0..<n {
                    #expect(w[i * m + j] == w[(n + i) * m + n + j])
                    #expect(w[(n + i) * m + j] == -w[i * m + n + j])
                    #expect(w[(n + i) * m + j] == -w[(n + j) * m + i])
                    #expect(w[i * m + j] == w[j * m + i])
                }
            }
        }
        let spectra = Diagonalisation.symmetricEigenvalues(MatrixBatch(count: 3, rows: m, columns: m, elements: last), threads: 1)
        for s in 0..<3 {
            let levels = spectra[s]
            for k in 0..<n { #expect(abs(levels[2 * k] - levels[2 * k + 1]) < 1e-12) }
        }
    }

    /// The transition law is exact: from W(0) = W*, E[W_ij(t)²] = T(1 − e^{−2t}) at t = 0.3
    /// (three steps). 4 000 seeds × 6 entries, GOE; tolerance 3 standard errors.
    @Test func transientVarianceFollowsTheExactTransitionLaw() throws {
        var c = ouConfig(.goe, steps: 3)
        let seeds = 4000
        c.steps = 3
        let model = MatrixOrnsteinUhlenbeck(config: c, runSeed: 8, seeds: seeds)
        let last = try ensembleSnapshotsEvery(model, seeds: seeds, threads: 2, every: 3).last!.states
        let n = c.size
        var squares: [Double] = []
        for s in 0..<seeds {
            for i in 0..<n { for j in (i + 1)..<n { squares.append(last[s * n * n + i * n + j] * last[s * n * n + i * n + j]) } }
        }
        let expected = c.temperature * (1 - 0.548_811_636_094_026_4)  // 1 − e^{−0.6}
        let measured = sampleMeanAndError(squares)
        #expect(abs(measured.mean - expected) < 3 * measured.error)
    }

    @Test(arguments: MatrixOrnsteinUhlenbeckConfig.Ensemble.allCases)
    func resultsDoNotDependOnThreads(ensemble: MatrixOrnsteinUhlenbeckConfig.Ensemble) throws {
        var c = ouConfig(ensemble, steps: 30)
        c.initialStd = 0.3
        let model = MatrixOrnsteinUhlenbeck(config: c, runSeed: 42, seeds: 7)
        let one = try ensembleSnapshotsEvery(model, seeds: 7, threads: 1, every: 10).map(\.states)
        let two = try ensembleSnapshotsEvery(model, seeds: 7, threads: 2, every: 10).map(\.states)
        #expect(one == two)
    }

    @Test(arguments: MatrixOrnsteinUhlenbeckConfig.Ensemble.allCases)
    func continuingFromACheckpointReproducesTheRun(ensemble: MatrixOrnsteinUhlenbeckConfig.Ensemble) throws {
        let model = MatrixOrnsteinUhlenbeck(config: ouConfig(ensemble, steps: 40), runSeed: 5, seeds: 6)
        try expectResumeReproducesRun(model, seeds: 6, schedule: .every(10, totalSteps: 40), cut: 2)
    }

    /// Loss ½ tr(W − W*)² is 0 at the start (W = W*) and the gradient norm is √(2·loss).
    @Test func measurementIsTheQuadraticPotential() throws {
        let c = ouConfig(.gue, steps: 5)
        let model = MatrixOrnsteinUhlenbeck(config: c, runSeed: 1, seeds: 2)
        let snapshots = try ensembleSnapshotsEvery(model, seeds: 2, threads: 1, every: 5)
        #expect(snapshots[0].measurements.allSatisfy { $0.loss == 0 })
        for m in snapshots[1].measurements {
            #expect(m.loss > 0 && abs(m.gradientNorm - (2 * m.loss).squareRoot()) < 1e-12)
        }
    }
}
