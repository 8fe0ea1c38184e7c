import Testing
import LinearAlgebra
@testable import Simulation

private func rbmConfig(sites: Int = 4, hidden: Int = 4, chains: Int = 64, steps: Int = 2000) -> GaussianRBMConfig {
    var c = GaussianRBMConfig()
    c.sites = sites
    c.hiddenUnits = hidden
    c.batchSize = chains
    c.learningRate = 0.1
    c.steps = steps
    return c
}

@Suite("Gaussian RBM")
struct GaussianRBMTests {
    /// κ_k = m² + 2 − 2cos(2πk/N) are the eigenvalues of K; K K⁻¹ = 1.
    @Test func targetSpectrumAndCovariance() {
        let c = rbmConfig(sites: 6)
        let model = GaussianRBM(config: c, runSeed: 1)
        let spectrum = Diagonalisation.symmetricEigenvalues(MatrixBatch(count: 1, rows: 6, columns: 6, elements: c.targetPrecision), threads: 1)[0]
        for (a, b) in zip(spectrum, c.latticeEigenvalues.sorted()) { #expect(abs(a - b) < 1e-12) }
        let k = c.targetPrecision
        for i in 0..<6 {
            for j in 0..<6 {
                var sum = 0.0
                for l in 0..<6 { sum += k[i * 6 + l] * model.targetCovariance[l * 6 + j] }
                #expect(abs(sum - (i == j ? 1 : 0)) < 1e-13)
            }
        }
    }

    /// W K⁻¹ − σ_h² W A⁻¹ (the PCD update with the exact model covariance) is −∇_W KL: central
    /// differences with h = 1e-5 have truncation error O(h² ‖∂³KL‖) ≈ 1e-10 and rounding
    /// O(ε·KL/h) ≈ 1e-11; tolerance 1e-7. N = 5 sites, N_h = 3 (rectangular W).
    @Test(arguments: [UInt64(1), 2, 3])
    func exactUpdateIsMinusTheKLGradient(seed: UInt64) {
        var c = rbmConfig(sites: 5, hidden: 3)
        c.initialStd = 0.5   // ‖WᵀW‖ ≲ (√3 + √5)² · 0.25 ≈ 4 < μ² = 9: A positive definite
        let model = GaussianRBM(config: c, runSeed: seed)
        var state = [Double](repeating: 0, count: model.stateSize)
        state.withUnsafeMutableBufferPointer { model.initialise(seed: 0, state: $0) }
        let w = Array(state[0..<15])
        guard let update = model.exactUpdateDirection(weights: w) else {
            Issue.record("A = μ² − WᵀW is not positive definite for this draw")
            return
        }
        let h = 1e-5
        for k in 0..<15 {
            var plus = w, minus = w
            plus[k] += h
            minus[k] -= h
            let derivative = (model.klDivergence(weights: plus) - model.klDivergence(weights: minus)) / (2 * h)
            #expect(abs(update[k] + derivative) < 1e-7, "entry \(k): update \(update[k]), −dKL \(-derivative)")
        }
        #expect(model.klDivergence(weights: w) > 0)
    }

    /// At the optimum WᵀW = μ² − K the model equals the target: KL = 0 and the exact update is 0.
    @Test func theOptimumHasZeroLossAndGradient() {
        let c = rbmConfig(sites: 4, hidden: 4)
        let model = GaussianRBM(config: c, runSeed: 1)
        // W = (μ² − K)^{1/2} through the Fourier modes: K = Σ κ_k u_k u_kᵀ with real modes.
        let n = 4
        var target = c.targetPrecision.map { -$0 }
        for i in 0..<n { target[i * n + i] += 9 }
        // Symmetric square root by Denman–Beavers iteration (converges for SPD input).
        var y = target, z = [Double](repeating: 0, count: 16)
        for i in 0..<n { z[i * n + i] = 1 }
        for _ in 0..<30 {
            let yInverse = SmallSPDMatrix.inverse(y, n: n)!.inverse
            let zInverse = SmallSPDMatrix.inverse(z, n: n)!.inverse
            y = (0..<16).map { 0.5 * (y[$0] + zInverse[$0]) }
            z = (0..<16).map { 0.5 * (z[$0] + yInverse[$0]) }
        }
        #expect(abs(model.klDivergence(weights: y)) < 1e-12)
        #expect(model.exactUpdateDirection(weights: y)!.allSatisfy { abs($0) < 1e-12 })
    }

    /// With α = 0 the chains sample the fixed model p(φ) = N(0, A⁻¹). One seed, 4 000 chains,
    /// 20 updates × 3 sweeps from φ = 1 (contraction ‖WᵀW‖/μ² ≲ 0.5 per sweep, so burn-in is
    /// complete): each Ĉ_ij must be within 4 standard errors √((Σ_ii Σ_jj + Σ_ij²)/n) of A⁻¹.
    @Test func persistentChainsSampleTheModelDistribution() throws {
        var c = rbmConfig(sites: 4, hidden: 4, chains: 4000, steps: 20)
        c.learningRate = 0
        c.initialStd = 0.5
        let model = GaussianRBM(config: c, runSeed: 3)
        let last = try ensembleSnapshotsEvery(model, seeds: 1, threads: 1, every: 20).last!.states
        let n = 4
        let w = Array(last[0..<16])
        let sigma = model.modelPrecision(weights: w)!.0
        let phis = Array(last[16...])
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0
                for b in 0..<4000 { sum += phis[b * n + i] * phis[b * n + j] }
                let error = ((sigma[i * n + i] * sigma[j * n + j] + sigma[i * n + j] * sigma[i * n + j]) / 4000).squareRoot()
                #expect(abs(sum / 4000 - sigma[i * n + j]) < 4 * error, "C[\(i),\(j)]")
            }
        }
    }

    /// Trained to convergence, λ = μ² − x (x the eigenvalues of WᵀW) estimate κ. N = N_h = 4,
    /// m = 1.5, μ = 3: κ = 2.25, 4.25, 4.25, 6.25 (relaxation times 1/(2αΩ) ≤ 71 updates,
    /// Ω = (μ² − κ)/κ²; with m = 2 the κ = 8 mode needs ~2 000 updates to grow from W(0), too slow
    /// for a debug unit test). α = 0.1, |B| = 32, W(0) ~ N(0, 0.5²), 1 500 updates; per seed the levels are averaged over snapshots 700 … 1 500 (every 100),
    /// and each degenerate multiplet's levels are averaged together (the sorted levels of a
    /// repelling pair are biased by ∓⟨S⟩/2; their mean is not). Tolerance: 3 standard errors
    /// over 16 seeds plus 1 % of κ for the finite-T shift of the centres (λ_fit/κ → 1 only as
    /// α/|B| → 0; SPEC §2.2).
    @Test func trainedLevelsEstimateTheLatticeSpectrum() throws {
        var c = rbmConfig(chains: 32, steps: 1500)
        c.mass = 1.5
        c.initialStd = 0.5
        let seeds = 16
        let model = GaussianRBM(config: c, runSeed: 17)
        let clock = ContinuousClock()
        let start = clock.now
        let snapshots = try ensembleSnapshotsEvery(model, seeds: seeds, threads: 2, every: 100)
        print("RBM: \(seeds * c.steps) seed-steps (N = 4, |B| = 32) in \(clock.now - start)")
        let allOK = snapshots.last!.statuses.allSatisfy { $0.isOK }
        #expect(allOK)
        let later = snapshots.filter { $0.step >= 700 }
        let n = 4
        var matrices: [Double] = []
        for snapshot in later {
            for s in 0..<seeds {
                let w = Array(snapshot.states[(s * model.stateSize)..<(s * model.stateSize + 16)])
                for i in 0..<n {
                    for j in 0..<n {
                        var x = 0.0
                        for a in 0..<n { x += w[a * n + i] * w[a * n + j] }
                        matrices.append(x)
                    }
                }
            }
        }
        let spectra = Diagonalisation.symmetricEigenvalues(MatrixBatch(count: later.count * seeds, rows: n, columns: n,
                                                                     elements: matrices), threads: 1)
        let kappa = c.latticeEigenvalues.sorted()      // [2.25, 4.25, 4.25, 6.25]
        let multiplets = [[0], [1, 2], [3]]
        for multiplet in multiplets {
            let perSeed = (0..<seeds).map { s in
                var sum = 0.0
                for t in 0..<later.count {
                    let x = spectra[t * seeds + s]            // ascending x ↔ descending λ
                    for k in multiplet { sum += 9 - x[n - 1 - k] }
                }
                return sum / Double(later.count * multiplet.count)
            }
            let lambda = sampleMeanAndError(perSeed)
            let target = kappa[multiplet[0]]
            print("RBM: λ for κ = \(target): \(lambda.mean) ± \(lambda.error)")
            #expect(abs(lambda.mean - target) < 3 * lambda.error + 0.01 * target)
        }
        let loss = snapshots.last!.measurements.map(\.loss)
        print("RBM: final KL mean \(loss.reduce(0, +) / Double(seeds))")
    }

    /// The composed k-sweep kernel (one draw per chain and update) against explicit Gibbs sweeps
    /// h | φ ~ N(σ_h² Wφ, σ_h²), φ | h ~ N(Wᵀh/μ², 1/μ²) written out here with an independent
    /// stream: one update (α = 0, k = 1, 2, 3) of 20 000 chains from φ = 1 each way. N = 4, N_h = 3,
    /// W ~ N(0, 0.7²) (‖M‖ ≈ 0.4, so Mᵏφ is far from both 0 and 1). Every mean component and
    /// covariance entry agrees within 4 standard errors of the difference of two samples of
    /// n = 20 000: √(2Σ_ii/n) for means, √(2(Σ_ii Σ_jj + Σ_ij²)/n) for covariances.
    @Test(arguments: [1, 2, 3])
    func composedKernelMatchesExplicitGibbsSweeps(sweeps: Int) throws {
        var c = rbmConfig(sites: 4, hidden: 3, chains: 20_000, steps: 1)
        c.gibbsSweeps = sweeps
        c.learningRate = 0
        c.initialStd = 0.7
        let model = GaussianRBM(config: c, runSeed: 6)
        let n = 4, nh = 3, chains = 20_000
        let last = try ensembleSnapshotsEvery(model, seeds: 1, threads: 1, every: 1).last!.states
        let w = Array(last[0..<(nh * n)])
        let composed = Array(last[(nh * n)...])
        var stream = RandomStream(runSeed: 123, seedIndex: 0, purpose: .evaluation)
        var explicit = [Double](repeating: 1, count: chains * n)
        for b in 0..<chains {
            for _ in 0..<sweeps {
                let h = (0..<nh).map { a in (0..<n).map { w[a * n + $0] * explicit[b * n + $0] }.reduce(0, +) + stream.nextNormal() }
                for i in 0..<n { explicit[b * n + i] = (0..<nh).map { w[$0 * n + i] * h[$0] }.reduce(0, +) / 9 + stream.nextNormal() / 3 }
            }
        }
        func moments(_ x: [Double]) -> (mean: [Double], covariance: [Double]) {
            let mean = (0..<n).map { i in (0..<chains).map { x[$0 * n + i] }.reduce(0, +) / Double(chains) }
            var cov = [Double](repeating: 0, count: n * n)
            for b in 0..<chains { for i in 0..<n { for j in 0..<n { cov[i * n + j] += (x[b * n + i] - mean[i]) * (x[b * n + j] - mean[j]) } } }
            return (mean, cov.map { $0 / Double(chains - 1) })
        }
        let (a, e) = (moments(composed), moments(explicit))
        let count = Double(chains)
        for i in 0..<n {
            let sii = e.covariance[i * n + i]
            #expect(abs(a.mean[i] - e.mean[i]) < 4 * (2 * sii / count).squareRoot(), "mean \(i): \(a.mean[i]) vs \(e.mean[i])")
            for j in 0..<n {
                let sij = e.covariance[i * n + j], sjj = e.covariance[j * n + j]
                let error = (2 * (sii * sjj + sij * sij) / count).squareRoot()
                #expect(abs(a.covariance[i * n + j] - sij) < 4 * error, "covariance [\(i),\(j)]")
            }
        }
        // The start φ = 1 is not forgotten in k ≤ 3 sweeps: the test sees the mean Mᵏ·1.
        #expect(e.mean.map { abs($0) }.max()! > 10 * (2 * e.covariance[0] / count).squareRoot())
    }

    /// Seeds advanced four to a group (the lane kernel), in any grouping and order, end exactly
    /// where each ends alone; a lane whose state is NaN fails at its first step (no Cholesky
    /// factor) and leaves its companions' results untouched.
    @Test func aSeedsResultDoesNotDependOnItsLaneGroup() {
        let c = rbmConfig(sites: 5, hidden: 3, chains: 3, steps: 30)   // odd |B|·N: a half-used block
        let model = GaussianRBM(config: c, runSeed: 12)
        func initial(_ seed: Int) -> [Double] {
            var x = [Double](repeating: 0, count: model.stateSize)
            x.withUnsafeMutableBufferPointer { model.initialise(seed: seed, state: $0) }
            return x
        }
        let alone = (0..<5).map { seed -> [Double] in
            var x = initial(seed)
            #expect(x.withUnsafeMutableBufferPointer { model.advance(seed: seed, state: $0, from: 2, count: 25) } == .ok)
            return x
        }
        for group in [[4, 0, 2, 1], [3, 1], [2, 3, 4]] {
            var states = group.map { initial($0) }
            let statuses = states.withUnsafeMutableBufferPointers { model.advance(seeds: group, states: $0, from: 2, count: 25) }
            #expect(statuses == Array(repeating: .ok, count: group.count))
            for (i, seed) in group.enumerated() { #expect(states[i] == alone[seed], "seed \(seed) in \(group)") }
        }
        var states = [initial(0), [Double](repeating: .nan, count: model.stateSize), initial(3)]
        let statuses = states.withUnsafeMutableBufferPointers { model.advance(seeds: [0, 1, 3], states: $0, from: 2, count: 25) }
        #expect(statuses == [.ok, .failed(step: 2), .ok])
        #expect(states[0] == alone[0] && states[2] == alone[3])
    }

    /// One update of the lane kernel against the same update written out plainly (scalar sums,
    /// `SmallSPDMatrix`'s Cholesky) from the same deviates: M = (σ_h²/μ²) WᵀW, P = Mᵏ,
    /// Σ = (1/μ²) Σ_{j<2k} Mʲ = L Lᵀ, φ' = Pφ + Lξ, W' = W + αW(K⁻¹ − (σ_h²/|B|) Σ_b φ'_b φ'_bᵀ).
    /// The sizes take every path of the kernels' column chunks: N < 5 (one short chunk), N = 5
    /// and 10 (whole chunks), N = 7 and 12 (a last chunk moved back over its neighbour), odd |B|
    /// (a chain pair that repeats its chain), N_h ≠ N. Only the order of the sums differs, so the
    /// two agree to rounding: 1e-12 of the largest entry.
    @Test(arguments: [(3, 2, 3, 1), (5, 5, 4, 2), (7, 4, 5, 3), (10, 10, 16, 3), (12, 9, 7, 2)])
    func oneUpdateEqualsTheUpdateWrittenOutPlainly(sites n: Int, hidden nh: Int, chains: Int, sweeps: Int) {
        var c = rbmConfig(sites: n, hidden: nh, chains: chains, steps: 2)
        c.gibbsSweeps = sweeps
        c.initialStd = 0.3
        let model = GaussianRBM(config: c, runSeed: 21)
        var state = [Double](repeating: 0, count: model.stateSize)
        state.withUnsafeMutableBufferPointer { model.initialise(seed: 2, state: $0) }
        // Step 0 moves the chains away from φ = 1; step 1 is checked.
        #expect(state.withUnsafeMutableBufferPointer { model.advance(seed: 2, state: $0, from: 0, count: 1) } == .ok)
        let w = Array(state[0..<(nh * n)]), phi = Array(state[(nh * n)...])
        #expect(state.withUnsafeMutableBufferPointer { model.advance(seed: 2, state: $0, from: 1, count: 1) } == .ok)

        var stream = RandomStream(runSeed: 21, seedIndex: 2, purpose: .training, block: 1 << 32)
        var overflow = RandomWords(RandomStream(runSeed: 21, seedIndex: 2, purpose: .training, block: 1 << 32 | 1 << 31))
        var xi = [Double](repeating: 0, count: chains * n)
        xi.withUnsafeMutableBufferPointer { stream.fillNormals($0.baseAddress!, count: chains * n, overflow: &overflow) }

        let hScale = GaussianRBMConfig.hiddenVariance, muSquared = c.visibleMass * c.visibleMass
        func product(_ a: [Double], _ b: [Double]) -> [Double] {
            (0..<(n * n)).map { k -> Double in
                let (i, j) = (k / n, k % n)
                return (0..<n).map { a[i * n + $0] * b[$0 * n + j] }.reduce(0, +)
            }
        }
        let m = (0..<(n * n)).map { k -> Double in
            let gram: Double = (0..<nh).map { w[$0 * n + k / n] * w[$0 * n + k % n] }.reduce(0, +)
            return hScale / muSquared * gram
        }
        var powers: [[Double]] = [(0..<(n * n)).map { $0 / n == $0 % n ? 1 : 0 }]
        for _ in 1..<(2 * sweeps) { powers.append(product(powers.last!, m)) }
        var l = (0..<(n * n)).map { k in powers.map { $0[k] }.reduce(0, +) / muSquared }
        #expect(l.withUnsafeMutableBufferPointer { SmallSPDMatrix.factor($0, n: n) })
        var newPhi = [Double](repeating: 0, count: chains * n)
        for b in 0..<chains {
            for i in 0..<n {
                let drift: Double = (0..<n).map { powers[sweeps][i * n + $0] * phi[b * n + $0] }.reduce(0, +)
                let noise: Double = (0...i).map { l[i * n + $0] * xi[b * n + $0] }.reduce(0, +)
                newPhi[b * n + i] = drift + noise
            }
        }
        let d = (0..<(n * n)).map { k -> Double in
            let chainTerm: Double = (0..<chains).map { newPhi[$0 * n + k / n] * newPhi[$0 * n + k % n] }.reduce(0, +)
            return model.targetCovariance[k] - hScale / Double(chains) * chainTerm
        }
        let newW = (0..<(nh * n)).map { k -> Double in
            let direction: Double = (0..<n).map { w[k / n * n + $0] * d[$0 * n + k % n] }.reduce(0, +)
            return w[k] + c.learningRate * direction
        }
        let expected = newW + newPhi
        let tolerance = 1e-12 * expected.map(abs).max()!
        #expect(zip(state, expected).allSatisfy { abs($0 - $1) <= tolerance },
                "max deviation \(zip(state, expected).map { abs($0 - $1) }.max()!)")
    }

    @Test func resultsDoNotDependOnThreads() throws {
        let c = rbmConfig(chains: 8, steps: 60)
        let model = GaussianRBM(config: c, runSeed: 42)
        let one = try ensembleSnapshotsEvery(model, seeds: 5, threads: 1, every: 20).map(\.states)
        let two = try ensembleSnapshotsEvery(model, seeds: 5, threads: 2, every: 20).map(\.states)
        #expect(one == two)
    }

    @Test func continuingFromACheckpointReproducesTheRun() throws {
        let model = GaussianRBM(config: rbmConfig(chains: 8, steps: 80), runSeed: 5)
        try expectResumeReproducesRun(model, seeds: 4, schedule: .every(20, totalSteps: 80), cut: 2)
    }

    /// μ below the lattice scale makes A = μ² − WᵀW indefinite as W grows: chains run away and
    /// the seed is stopped as failed instead of producing NaN forever.
    @Test func runawayChainsMarkTheSeedFailed() throws {
        var c = rbmConfig(chains: 8, steps: 400)
        c.visibleMass = 1
        c.learningRate = 0.5
        c.initialStd = 1.5
        let model = GaussianRBM(config: c, runSeed: 9)
        let last = try ensembleSnapshotsEvery(model, seeds: 3, threads: 1, every: 400).last!
        for status in last.statuses {
            guard case .failed = status else { Issue.record("expected failure, got \(status)"); continue }
        }
    }
}
