import Foundation
import Testing
@testable import Fitting

@Suite("Jackknife")
struct JackknifeTests {
    /// n values, uniform in [offset, offset + 1) from SplitMix64.
    static func sample(seed: UInt64, count: Int, offset: Double = 0) -> [Double] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in offset + generator.uniform() }
    }

    static func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }

    /// The unbiased sample standard deviation, two-pass.
    static func standardDeviation(_ x: [Double]) -> Double {
        let m = mean(x)
        return (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot()
    }

    @Test("mean: error is s/√n", arguments: [11, 12, 13] as [UInt64])
    func meanError(seed: UInt64) {
        let x = Self.sample(seed: seed, count: 1000)
        let estimate = Jackknife.mean(x)
        // Same two-pass sums in a different order: agreement to rounding, 1e-13 relative.
        #expect(abs(estimate.value - Self.mean(x)) < 1e-15)
        #expect(abs(estimate.error / (Self.standardDeviation(x) / 1000.0.squareRoot()) - 1) < 1e-13, "seed \(seed)")
    }

    @Test("generic estimate of the mean equals the O(n) one", arguments: [21, 22] as [UInt64])
    func genericMean(seed: UInt64) {
        // Offset 100 makes Σx − x_i style cancellation visible if it were present.
        let x = Self.sample(seed: seed, count: 300, offset: 100)
        let fast = Jackknife.mean(x)
        let generic = Jackknife.estimate(x, statistic: Self.mean)
        #expect(generic.value == fast.value)
        // Replicas of a mean near 100 carry ~1e-14 absolute rounding; the error is ~0.017.
        #expect(abs(generic.error / fast.error - 1) < 1e-10, "seed \(seed)")
    }

    @Test("replica i is the sample without element i, in order")
    func replicas() {
        let x = [3.0, 1, 4, 1, 5, 9]
        var seen = [[Double]]()
        _ = Jackknife.estimate(x) { replica in
            if replica.count == x.count - 1 { seen.append(replica) }
            return replica.reduce(0, +)
        }
        #expect(seen.count == x.count)
        for (i, replica) in seen.enumerated() {
            var expected = x
            expected.remove(at: i)
            #expect(replica == expected, "replica \(i)")
        }
    }

    @Test("bias correction turns the plug-in variance into the unbiased one")
    func biasCorrection() {
        // A classical identity (Efron 1982, §2.3): jackknifing Σ(x − x̄)²/n gives exactly s².
        let x = Self.sample(seed: 31, count: 50)
        let plugIn: ([Double]) -> Double = { v in
            let m = Self.mean(v)
            return v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)
        }
        let corrected = Jackknife.estimate(x, biasCorrected: true, statistic: plugIn)
        let s = Self.standardDeviation(x)
        #expect(abs(corrected.value / (s * s) - 1) < 1e-12)
        #expect(Jackknife.estimate(x, statistic: plugIn).value == plugIn(x))
    }

    @Test("ratio of means equals the generic jackknife of mean(a)/mean(b)", arguments: [41, 42, 43] as [UInt64])
    func ratioOfMeans(seed: UInt64) {
        let a = Self.sample(seed: seed, count: 400, offset: 1)
        let b = Self.sample(seed: seed + 1000, count: 400, offset: 2)
        let fast = Jackknife.ratioOfMeans(a, b)
        // The generic jackknife over indices 0..<n: each replica selects a and b at the kept indices.
        let indices = a.indices.map(Double.init)
        let generic = Jackknife.estimate(indices) { kept in
            let keptA = kept.map { a[Int($0)] }
            let keptB = kept.map { b[Int($0)] }
            return Self.mean(keptA) / Self.mean(keptB)
        }
        #expect(abs(fast.value - generic.value) < 1e-12, "seed \(seed)")
        #expect(abs(fast.error - generic.error) < 1e-12, "seed \(seed)")
        // Delta method cross-check: error ≈ (ā/b̄)·√(var(a/ā − b/b̄)/n) to O(1/n), here 1 %.
        let (ma, mb) = (Self.mean(a), Self.mean(b))
        let linear = zip(a, b).map { $0 / ma - $1 / mb }
        let delta = ma / mb * Self.standardDeviation(linear) / 400.0.squareRoot()
        #expect(abs(fast.error / delta - 1) < 0.01, "seed \(seed)")
    }

    @Test("combine with explicit replicas")
    func combine() {
        // Replicas 1, 2, 3 (mean 2): error² = (2/3)·(1 + 0 + 1) = 4/3; bias-corrected 3·2.5 − 2·2.
        let estimate = Jackknife.combine(full: 2.5, replicas: [1, 2, 3])
        #expect(estimate.value == 2.5)
        #expect(abs(estimate.error - (4.0 / 3).squareRoot()) < 1e-15)
        #expect(Jackknife.combine(full: 2.5, replicas: [1, 2, 3], biasCorrected: true).value == 3.5)
    }

    @Test("blocked mean of a series with constant blocks")
    func blockedMean() {
        // Blocks of 4 equal values: the block means are 0, 1, 2, 3 (s = √(5/3)), a trailing
        // partial block is dropped; with blockSize 1 it is the plain jackknife mean.
        let x = [0.0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 99]
        let blocked = Jackknife.blockedMean(x, blockSize: 4)
        #expect(blocked.value == 1.5)
        #expect(abs(blocked.error - (5.0 / 3 / 4).squareRoot()) < 1e-15)
        #expect(Jackknife.blockedMean(x, blockSize: 1) == Jackknife.mean(x))
    }

    /// The jackknife errors are the spread over independent repetitions. 400 repetitions of
    /// (a) the ratio of means of 200 pairs (a, b) with b = 1 + a/2 + noise, and (b) the blocked mean
    /// of an AR(1) series x_t = 0.9 x_{t−1} + ξ_t of 4 000 steps in blocks of 200 (τ ≈ 19 steps, so
    /// the blocks are nearly independent while the plain jackknife would be ≈ √19 ≈ 4.4× too small).
    /// The standard deviation of 400 estimates has a relative error ≈ 1/√800 = 3.5 %; the mean quoted
    /// error must agree within 15 % (≈ 4σ, with room for the jackknife's own O(1/blocks) bias).
    @Test("jackknife errors match the spread over repetitions, independent and correlated data")
    func errorsMatchSpread() {
        var generator = SplitMix64(seed: 91)
        var ratios: [Estimate] = [], blocked: [Estimate] = [], plain: [Estimate] = []
        for _ in 0..<400 {
            let a = (0..<200).map { _ in 1 + generator.uniform() }
            let b = a.map { 1 + $0 / 2 + 0.3 * (generator.uniform() - 0.5) }
            ratios.append(Jackknife.ratioOfMeans(a, b))
            var x = 0.0
            let series = (0..<4000).map { _ -> Double in
                x = 0.9 * x + (generator.uniform() - 0.5)
                return x
            }
            blocked.append(Jackknife.blockedMean(series, blockSize: 200))
            plain.append(Jackknife.mean(series))
        }
        for (name, estimates) in [("ratio of means", ratios), ("blocked AR(1) mean", blocked)] {
            let spread = Self.standardDeviation(estimates.map(\.value))
            let quoted = Self.mean(estimates.map(\.error))
            #expect(abs(quoted / spread - 1) < 0.15, "\(name): quoted \(quoted), spread \(spread)")
        }
        // The plain jackknife ignores the correlation: far too small.
        #expect(Self.mean(plain.map(\.error)) < 0.4 * Self.standardDeviation(blocked.map(\.value)))
    }
}
