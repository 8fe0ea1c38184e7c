import Foundation
import Testing
@testable import Fitting

@Suite("Lilliefors-type KS test of mean-normalised spacings")
struct LillieforsTestTests {
    @Test("surmise variates follow P_β", arguments: [1, 2, 4])
    func surmiseVariates(beta: Int) {
        // n = 20 000; Var s = 4/π − 1 = 0.273 (β = 1, the largest of the three), so the mean
        // has σ = 0.0037 and 4σ = 0.015. KS with the exact CDF: p > 1e-4 (seeded, deterministic).
        var generator = SplitMix64(seed: UInt64(100 + beta))
        let s = (0..<20_000).map { _ in LillieforsTest.surmiseVariate(beta: beta, using: &generator) }
        let mean = s.reduce(0, +) / Double(s.count)
        #expect(abs(mean - 1) < 0.015, "β = \(beta): mean \(mean)")
        let test = KolmogorovSmirnovTest(sample: s) { WignerSurmise.cumulative($0, beta: beta) }
        #expect(test.pValue > 1e-4, "β = \(beta): D = \(test.statistic)")
    }

    @Test("the calibrated 95 % point agrees with an independent simulation")
    func criticalValue() {
        // numpy simulation (20 000 samples of n = 100 Rayleigh variates divided by their mean,
        // KS against 1 − e^{−πs²/4}): 95 % quantile of √n·D = 0.962. So D = 0.0962 must get
        // p ≈ 0.05; Monte Carlo σ = √(0.05·0.95/2000) = 0.0049 here plus 0.0015 from numpy's
        // quantile, 4σ ≈ 0.02. The uncalibrated Kolmogorov p for the same D is ≈ 0.30.
        var generator = SplitMix64(seed: 7)
        let test = LillieforsTest(statistic: 0.0962, sampleSize: 100, beta: 1, replicas: 2000, using: &generator)
        #expect(abs(test.pValue.value - 0.05) < 0.02, "p = \(test.pValue)")
        #expect(KolmogorovSmirnovTest(statistic: 0.0962, sampleSize: 100).pValue > 0.25)
    }

    @Test("Wigner spacings of any scale pass, Poisson spacings fail", arguments: [1, 2, 3] as [UInt64])
    func acceptsAndRejects(seed: UInt64) {
        // n = 200, R = 200. Wigner at scale 3.7: p uniform on {1/201, …, 1}, so p > 0.005 fails
        // only if the observed D beats all 200 replicas (probability 1/201 per seed). Poisson:
        // calibrated power at n = 200 is ≈ 1 (numpy simulation), so p = 1/201 is expected.
        var generator = SplitMix64(seed: seed)
        let wigner = (0..<200).map { _ in 3.7 * LillieforsTest.surmiseVariate(beta: 1, using: &generator) }
        let accepted = LillieforsTest(spacings: wigner, beta: 1, replicas: 200, using: &generator)
        #expect(accepted.pValue.value > 0.005, "seed \(seed): D = \(accepted.statistic)")
        var uniform = SplitMix64(seed: seed + 50)
        let poisson = (0..<200).map { _ in -log1p(-uniform.uniform()) }
        let rejected = LillieforsTest(spacings: poisson, beta: 1, replicas: 200, using: &generator)
        #expect(rejected.pValue.value < 0.01, "seed \(seed): D = \(rejected.statistic)")
    }

    @Test("the sorted β = 1 replicas have the law of sorting surmise samples", arguments: [5, 61])
    func sortedReplicasMatchTheDirectSimulation(sampleSize n: Int) {
        // 4 000 replicas of D_n each way, compared by the two-sample KS test: under a common
        // law p is uniform, so p > 1e-3 fails with probability 0.001 (deterministic seeds).
        // n = 61 leaves one lane of the last SIMD block empty; n = 5 is nearly all edge.
        var generator = SplitMix64(seed: UInt64(200 + n))
        var replica = SortedRayleighReplica(sampleSize: n)
        let fast = (0..<4_000).map { _ in replica.statistic(using: &generator) }.sorted()
        let direct = (0..<4_000).map { _ in
            LillieforsTest.meanNormalisedStatistic((0..<n).map { _ in LillieforsTest.surmiseVariate(beta: 1, using: &generator) }, beta: 1)
        }.sorted()
        var d = 0.0, i = 0, j = 0
        while i < fast.count && j < direct.count {
            if fast[i] <= direct[j] { i += 1 } else { j += 1 }
            d = max(d, abs(Double(i) / Double(fast.count) - Double(j) / Double(direct.count)))
        }
        let p = Kolmogorov.survival(d * (Double(fast.count) / 2).squareRoot())
        #expect(p > 1e-3, "n = \(n): two-sample D = \(d), p = \(p)")
    }
}
