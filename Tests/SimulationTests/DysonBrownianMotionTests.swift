import Testing
import Foundation
import LinearAlgebra
@testable import Simulation

private func dbmConfig(beta: Double, n: Int = 16, dt: Double = 0.005, steps: Int = 1200) -> DysonBrownianMotionConfig {
    var c = DysonBrownianMotionConfig()
    c.centres = Array(repeating: 0, count: n)
    c.beta = beta
    c.confinement = 1
    c.temperature = 1
    c.timeStep = dt
    c.steps = steps
    return c
}

private func levelsOf(_ snapshot: EnsembleSnapshot, seed: Int, n: Int) -> [Double] {
    (0..<n).map { snapshot.states[seed * n * n + $0 * (n + 1)] }
}

private func spacingRatios(_ x: [Double], bulk range: Range<Int>) -> [Double] {
    let s = range.dropLast().map { x[$0 + 1] - x[$0] }
    return zip(s, s.dropFirst()).map { min($0, $1) / max($0, $1) }
}

@Suite("Dyson Brownian motion")
struct DysonBrownianMotionTests {
    /// Bulk ⟨r̃⟩ of the stationary gas against the large-N Gaussian-ensemble values of Atas et al.
    /// (PRL 110 (2013) 084101, Table I: 0.5307(1), 0.5996(1), 0.6744(1); their Wigner-like
    /// surmise gives 0.5359, 0.6027, 0.6762). N = 16, κ = T = 1, dt = 0.005 (dt × the
    /// nearest-neighbour rate βT·Σ1/S² ≈ 11 is 0.05); start at the semicircle quantiles, burn-in
    /// t = 1.5 (global relaxation time 1/κ = 1), then 15 snapshots every Δt = 0.25; ratios of
    /// the middle 8 levels. Per seed the ratios are averaged; the error is the standard error
    /// over 48 seeds (≈ 0.004), which accounts for correlations within a seed. Tolerance 3σ.
    @Test(arguments: [(1.0, 0.5307), (2.0, 0.5996), (4.0, 0.6744)])
    func bulkSpacingRatioMatchesTheGaussianEnsemble(beta: Double, expected: Double) throws {
        let c = dbmConfig(beta: beta, steps: 1050)
        let seeds = 48
        let n = c.size
        let model = DysonBrownianMotion(config: c, runSeed: 7, seeds: seeds)
        let clock = ContinuousClock()
        let start = clock.now
        let snapshots = try ensembleSnapshots(model, seeds: seeds, threads: 2, schedule: .every(50, totalSteps: c.steps))
        print("DBM β=\(beta): \(seeds * c.steps) seed-steps (N = \(n)) in \(clock.now - start)")
        let bulk = (n / 4)..<(3 * n / 4)
        var perSeed: [Double] = []
        for seed in 0..<seeds {
            var ratios: [Double] = []
            for snapshot in snapshots where snapshot.step >= 300 {
                ratios += spacingRatios(levelsOf(snapshot, seed: seed, n: n), bulk: bulk)
            }
            perSeed.append(ratios.reduce(0, +) / Double(ratios.count))
        }
        let r = sampleMeanAndError(perSeed)
        print("DBM β=\(beta): ⟨r̃⟩ = \(r.mean) ± \(r.error) (expected \(expected))")
        #expect(abs(r.mean - expected) < 3 * r.error)
    }

    /// For equal centres the stationary ⟨(1/N) Σ x_i²⟩ = (T/κ)(1 + β(N − 1)/2) exactly, any N
    /// (the semicircle's second moment R²/4 at large N). N = 32, β = 2: 32. dt = 0.01; the
    /// backward-Euler bias is O(κdt) ≈ 1 % on the global modes, allowed for on top of 3 standard
    /// errors over 16 seeds × 10 snapshots (t = 1.5 … 6). Also the mean largest level against
    /// the Tracy–Widom (β = 2) edge R − 1.7711 σ N^{−1/6} = 10.32 (σ² = βT/(2κ) = 1, R = 2σ√N;
    /// Tracy & Widom, CMP 159 (1994) 151), within 2 % (finite-N corrections are O(N^{−2/3})
    /// on the Tracy–Widom scale).
    @Test func secondMomentMatchesTheCoulombGas() throws {
        var c = dbmConfig(beta: 2, n: 32, dt: 0.01, steps: 600)
        c.confinement = 1
        let seeds = 16
        let n = c.size
        let model = DysonBrownianMotion(config: c, runSeed: 3, seeds: seeds)
        let snapshots = try ensembleSnapshots(model, seeds: seeds, threads: 2, schedule: .every(50, totalSteps: c.steps))
        var perSeed: [Double] = [], edges: [Double] = []
        for seed in 0..<seeds {
            var sum = 0.0, count = 0.0
            for snapshot in snapshots where snapshot.step >= 150 {
                let x = levelsOf(snapshot, seed: seed, n: n)
                sum += x.map { $0 * $0 }.reduce(0, +) / Double(n)
                count += 1
                edges.append(x.last!)
            }
            perSeed.append(sum / count)
        }
        let m2 = sampleMeanAndError(perSeed)
        let edge = edges.reduce(0, +) / Double(edges.count)
        print("DBM second moment: \(m2.mean) ± \(m2.error) (exact \(c.stationarySecondMoment)); mean top level \(edge) (R = \(c.semicircleRadius))")
        #expect(abs(m2.mean - c.stationarySecondMoment) < 3 * m2.error + 0.01 * c.stationarySecondMoment)
        let sigma = (c.beta * c.temperature / (2 * c.confinement)).squareRoot()
        let tracyWidomEdge = c.semicircleRadius - 1.7711 * sigma * pow(Double(n), -1.0 / 6)
        #expect(abs(edge / tracyWidomEdge - 1) < 0.02)
    }

    /// The Coulomb forces cancel in Σ_i x_i, so S = Σ(x_i − c_i) is a discrete OU process under
    /// the implicit scheme: S' = (S + √(2Tdt) Σξ)/(1 + κdt), stationary mean 0 and variance
    /// NT/(κ(1 + κdt/2)) exactly for every dt. N = 6 with degenerate centres (−2, −2, 0, 0, 2, 2),
    /// β = 1, T = 0.5, dt = 0.05 (large on purpose); 100 seeds × 45 snapshots Δt = 1 apart
    /// (correlation e^{−1}); per-seed averages, 3 standard errors over seeds.
    @Test func centreOfMassIsAnExactOrnsteinUhlenbeckProcess() throws {
        var c = dbmConfig(beta: 1, n: 6, dt: 0.05, steps: 1000)
        c.centres = [-2, -2, 0, 0, 2, 2]
        c.temperature = 0.5
        let seeds = 100
        let n = c.size
        let model = DysonBrownianMotion(config: c, runSeed: 21, seeds: seeds)
        let snapshots = try ensembleSnapshots(model, seeds: seeds, threads: 2, schedule: .every(20, totalSteps: c.steps))
        var means: [Double] = [], squares: [Double] = []
        for seed in 0..<seeds {
            var sum = 0.0, square = 0.0, count = 0.0
            for snapshot in snapshots where snapshot.step >= 100 {
                let x = levelsOf(snapshot, seed: seed, n: n)
                let s = zip(x, c.centres).map { $0 - $1 }.reduce(0, +)
                sum += s
                square += s * s
                count += 1
            }
            means.append(sum / count)
            squares.append(square / count)
        }
        let mean = sampleMeanAndError(means), variance = sampleMeanAndError(squares)
        let exact = Double(n) * c.temperature / (c.confinement * (1 + c.confinement * c.timeStep / 2))
        print("DBM centre of mass: mean \(mean.mean) ± \(mean.error), variance \(variance.mean) ± \(variance.error) (exact \(exact))")
        #expect(abs(mean.mean) < 3 * mean.error)
        #expect(abs(variance.mean - exact) < 3 * variance.error)
    }

    /// Levels stay strictly ascending even for a huge dt with strong noise, the state is diag(x),
    /// and diagonalising the recorded matrix returns x (dsyevd on a diagonal matrix).
    @Test func levelsStayOrderedAndDiagonalisationReproducesThem() throws {
        var c = dbmConfig(beta: 1, n: 8, dt: 0.5, steps: 40)
        c.centres = [0, 0, 0, 1, 1, 1, 3, 3]
        c.temperature = 5
        let seeds = 10
        let n = c.size
        let model = DysonBrownianMotion(config: c, runSeed: 2, seeds: seeds)
        let snapshots = try ensembleSnapshots(model, seeds: seeds, threads: 2, schedule: .every(10, totalSteps: c.steps))
        for snapshot in snapshots {
            #expect(snapshot.statuses.allSatisfy { $0 == .ok })
            let spectra = Diagonalisation.symmetricEigenvalues(MatrixBatch(count: seeds, rows: n, columns: n,
                                                                           elements: snapshot.states), threads: 1)
            for seed in 0..<seeds {
                let x = levelsOf(snapshot, seed: seed, n: n)
                #expect(zip(x, x.dropFirst()).allSatisfy { $0 < $1 })
                for i in 0..<n { for j in 0..<n where i != j { #expect(snapshot.states[seed * n * n + i * n + j] == 0) } }
                for (a, b) in zip(spectra[seed], x) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b))) }
            }
        }
    }

    /// One step returns the solution of the backward-Euler equation
    /// z − x − √(2Tdt) ξ + dt(κ(z − c) − βT Σ_j 1/(z_i − z_j)) = 0, with ξ redrawn here from the
    /// step's `.training` block; residual below 1e-10 (levels O(1), dt = 0.2 is large).
    @Test func implicitStepSolvesItsEquation() {
        var c = dbmConfig(beta: 4, n: 5, dt: 0.2, steps: 1)
        c.centres = [0, 0.1, 0.2, 0.3, 0.4]
        let model = DysonBrownianMotion(config: c, runSeed: 1, seeds: 1)
        var state = [Double](repeating: 0, count: 25)
        state.withUnsafeMutableBufferPointer { model.initialise(seed: 0, state: $0) }
        let x0 = (0..<5).map { state[$0 * 6] }
        let status = state.withUnsafeMutableBufferPointer { model.advance(seed: 0, state: $0, from: 0, count: 1) }
        #expect(status == .ok)
        var stream = RandomStream(runSeed: 1, seedIndex: 0, purpose: .training, block: 0)
        let noise = (0..<5).map { _ in (2 * c.temperature * c.timeStep).squareRoot() * stream.nextNormal() }
        let z = (0..<5).map { state[$0 * 6] }
        for i in 0..<5 {
            var force = 0.0
            for j in 0..<5 where j != i { force += 1 / (z[i] - z[j]) }
            let f = z[i] - x0[i] - noise[i] + c.timeStep * (c.confinement * (z[i] - c.centres[i]) - c.beta * c.temperature * force)
            #expect(abs(f) < 1e-10)
        }
    }

    @Test(arguments: [1.0, 4.0])
    func resultsDoNotDependOnThreads(beta: Double) throws {
        let c = dbmConfig(beta: beta, n: 7, dt: 0.01, steps: 60)
        let model = DysonBrownianMotion(config: c, runSeed: 42, seeds: 7)
        let one = try ensembleSnapshots(model, seeds: 7, threads: 1, schedule: .every(20, totalSteps: 60)).map(\.states)
        let two = try ensembleSnapshots(model, seeds: 7, threads: 2, schedule: .every(20, totalSteps: 60)).map(\.states)
        #expect(one == two)
    }

    @Test func continuingFromACheckpointReproducesTheRun() throws {
        let model = DysonBrownianMotion(config: dbmConfig(beta: 2, n: 7, dt: 0.01, steps: 80), runSeed: 5, seeds: 6)
        try expectResumeReproducesRun(model, seeds: 6, schedule: .every(20, totalSteps: 80), cut: 2)
    }
}
