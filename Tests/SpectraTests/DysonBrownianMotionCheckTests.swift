import Fitting
import Testing
@testable import Spectra

// The time-resolved DBM check (SPEC §4.6) on a directly simulated eigenvalue SDE.

/// Euler–Maruyama for dx_i = −x_i dt + (β/2) Σ_{j≠i} 1/(x_i − x_j) dt + dB_i (diffusion D = ½,
/// Coulomb coefficient a = β/2, confinement b = −1, no constant), started in its stationary
/// state P ∝ Π|x_i − x_j|^β e^{−Σx²} (β-Hermite eigenvalues divided by √2). Returns
/// [snapshot][sample][level] with a snapshot every `dt`.
///
/// Plain Euler fails near collisions (a/s·dt can fling a level across the spectrum), so a step
/// whose drift moves a level by more than 20 % of its nearest spacing is split in two with the
/// Brownian increment divided by the Brownian bridge, dW₁ = dW/2 + √(h/4)ξ, dW₂ = dW − dW₁
/// (exact in law for the driving path), recursively up to 2¹² substeps; levels are sorted after
/// every step as ordered eigenvalues would be.
func simulateDysonBrownianMotion(levels n: Int, beta: Double, samples: Int, snapshots: Int, dt: Double,
                                 generator g: inout SplitMix64) -> [Double] {
    let start = betaHermiteSpectra(size: n, beta: beta, samples: samples, generator: &g).map { $0 / 2.0.squareRoot() }
    var out = [Double](repeating: 0, count: snapshots * samples * n)
    func step(_ x: [Double], _ h: Double, _ dW: [Double], _ depth: Int, _ g: inout SplitMix64) -> [Double] {
        var next = x
        var refine = false
        for i in 0..<n {
            var coulomb = 0.0
            var nearest = Double.infinity
            for j in 0..<n where j != i {
                coulomb += 1 / (x[i] - x[j])
                nearest = min(nearest, abs(x[i] - x[j]))
            }
            let drift = -x[i] + beta / 2 * coulomb
            if abs(drift) * h > 0.2 * nearest { refine = true }
            next[i] = x[i] + drift * h + dW[i]
        }
        guard refine && depth < 12 else { return next.sorted() }
        let dW1 = dW.map { $0 / 2 + (h / 4).squareRoot() * g.normal() }
        let dW2 = zip(dW, dW1).map { $0 - $1 }
        let middle = step(x, h / 2, dW1, depth + 1, &g)
        return step(middle, h / 2, dW2, depth + 1, &g)
    }
    for s in 0..<samples {
        var x = Array(start[(s * n)..<((s + 1) * n)])
        for k in 0..<snapshots {
            if k > 0 { x = step(x, dt, (0..<n).map { _ in dt.squareRoot() * g.normal() }, 0, &g) }
            for i in 0..<n { out[(k * samples + s) * n + i] = x[i] }
        }
    }
    return out
}

/// N = 4, β = 1, 500 samples, dt = 10⁻³, a snapshot every dt (400 intervals, 8·10⁵
/// observations). The regression leaves out observations with a neighbour closer than 0.1 ≈
/// 3√(2DΔt) (about 1.5 % of them): without the cut the near-collision steps, where the Coulomb
/// drift changes within the step and C has the largest leverage, pull â to ≈ 0 (seen: 0.01 ±
/// 0.01 and 0.03 ± 0.03 at 200 samples). Checks, each within 3σ (jackknife over samples):
/// a = ½, b = −1, c = 0, residual D_i = ½, a/D̄ = β = 1, stationary drifts 0. The model-free
/// diffusion (variance over samples) carries the bias Var(drift)·dt/2, below 1 % here, and is
/// allowed 3σ + 0.02.
@Test(arguments: [UInt64(101), 102])
func theDysonBrownianMotionCheckRecoversTheSimulatedCoefficients(seed: UInt64) throws {
    var g = SplitMix64(seed: seed)
    let n = 4, samples = 500, snapshots = 401, dt = 1e-3
    let levels = simulateDysonBrownianMotion(levels: n, beta: 1, samples: samples, snapshots: snapshots, dt: dt, generator: &g)
    let check = try DysonBrownianMotionCheck(levels: levels, snapshots: snapshots, samples: samples, levelCount: n,
                                         steps: Array(0..<snapshots), timePerStep: dt, minimumSpacing: 0.1)
    let all = try DysonBrownianMotionCheck(levels: levels, snapshots: snapshots, samples: samples, levelCount: n,
                                       steps: Array(0..<snapshots), timePerStep: dt)
    print("DBM seed \(seed), no spacing cut (\(all.regressionCount) observations): a \(all.coulombCoefficient), b \(all.confinementCoefficient), beta \(all.effectiveBeta)")
    print("DBM seed \(seed), cut 0.1 (\(check.regressionCount) observations):", terminator: " ")
    print("DBM seed \(seed): a \(check.coulombCoefficient), b \(check.confinementCoefficient), c \(check.constantDrift), beta \(check.effectiveBeta)")
    print("DBM seed \(seed): residual D \(check.residualDiffusion), D \(check.diffusion), drift \(check.drift)")
    #expect(check.sampleCount == samples && check.intervalCount == snapshots - 1)
    #expect(abs(check.coulombCoefficient.value - 0.5) < 3 * check.coulombCoefficient.error)
    #expect(abs(check.confinementCoefficient.value + 1) < 3 * check.confinementCoefficient.error)
    #expect(abs(check.constantDrift.value) < 3 * check.constantDrift.error)
    #expect(abs(check.effectiveBeta.value - 1) < 3 * check.effectiveBeta.error)
    for d in check.residualDiffusion { #expect(abs(d.value - 0.5) < 3 * d.error) }
    for d in check.diffusion { #expect(abs(d.value - 0.5) < 3 * d.error + 0.02) }
    for v in check.drift { #expect(abs(v.value) < 3 * v.error) }
}

/// A 3×3 solve and the exact drift of a deterministic linear motion: levels x_i(t) = x_i(0)e^{−t}
/// sampled at t = 0, 0.001 — no noise, so drift_i = Δx/Δt exactly and the diffusion is ~0.
@Test func deterministicMotionHasItsExactDriftAndNoDiffusion() throws {
    let samples = 5, n = 3
    var levels = [Double]()
    for k in 0..<2 {
        for s in 0..<samples {
            for i in 0..<n { levels.append((Double(i) + 0.1 * Double(s)) * (1 - 0.001 * Double(k))) }
        }
    }
    let check = try DysonBrownianMotionCheck(levels: levels, snapshots: 2, samples: samples, levelCount: n, steps: [0, 1], timePerStep: 0.001)
    for i in 0..<n {
        let exact = (0..<samples).map { -(Double(i) + 0.1 * Double($0)) }.reduce(0, +) / Double(samples)
        #expect(abs(check.drift[i].value - exact) < 1e-9)
    }
    // The motion is x' = −x exactly: b = −1, a = c = 0, zero residual.
    #expect(abs(check.confinementCoefficient.value + 1) < 1e-6 && abs(check.coulombCoefficient.value) < 1e-6)
    #expect(check.residualDiffusion.allSatisfy { abs($0.value) < 1e-9 })
    #expect(DysonBrownianMotionCheck.solve([2, 0, 0, 0, 3, 0, 0, 0, 4, 2, 3, 4]) == [1, 1, 1])
}
