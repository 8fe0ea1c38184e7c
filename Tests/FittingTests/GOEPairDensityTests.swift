import Foundation
import Testing
@testable import Fitting

@Suite("2×2 GOE pair density")
struct GOEPairDensityTests {
    /// One level, chosen by a fair coin, of [[a, b], [b, d]] with a, d ~ N(x₀, σ²) and
    /// b ~ N(0, σ²/2); eigenvalues (a + d)/2 ± √(((a − d)/2)² + b²).
    static func level(centre: Double, width sigma: Double, generator: inout SplitMix64) -> Double {
        let a = centre + sigma * generator.normal()
        let d = centre + sigma * generator.normal()
        let b = sigma / 2.0.squareRoot() * generator.normal()
        let mid = (a + d) / 2
        let half = (((a - d) / 2) * ((a - d) / 2) + b * b).squareRoot()
        return generator.uniform() < 0.5 ? mid - half : mid + half
    }

    @Test("density is normalised with variance 3σ²/2; the CDF is its integral")
    func normalisation() {
        // Simpson with 20 000 intervals on x₀ ± 12σ (tails below e^{−72}): error ~1e-13.
        let (x0, sigma) = (1.3, 0.4)
        let (a, b) = (x0 - 12 * sigma, x0 + 12 * sigma)
        let rho = { GOEPairDensity.density($0, centre: x0, width: sigma) }
        #expect(abs(simpson(rho, from: a, to: b) - 1) < 1e-10)
        #expect(abs(simpson({ $0 * rho($0) }, from: a, to: b) - x0) < 1e-10)
        #expect(abs(simpson({ ($0 - x0) * ($0 - x0) * rho($0) }, from: a, to: b) - 1.5 * sigma * sigma) < 1e-10)
        for u in [-3.0, -1.0, -0.2, 0.0, 0.5, 2.0, 4.0] {
            let x = x0 + u * sigma
            let integral = simpson(rho, from: a, to: x)
            #expect(abs(GOEPairDensity.cumulative(x, centre: x0, width: sigma) - integral) < 1e-10, "u = \(u)")
        }
    }

    // n = 20 000 levels (one per matrix, so independent) against the exact CDF: the KS p-value
    // is valid (nothing fitted) and falls below 10⁻³ with probability 10⁻³ per seed.
    @Test("matches sampled 2×2 GOE matrices", arguments: UInt64(1)...3)
    func sampledMatrices(seed: UInt64) {
        var generator = SplitMix64(seed: 300 + seed)
        let x = (0..<20_000).map { _ in Self.level(centre: -0.5, width: 2, generator: &generator) }
        let test = KolmogorovSmirnovTest(sample: x) { GOEPairDensity.cumulative($0, centre: -0.5, width: 2) }
        #expect(test.pValue > 1e-3, "seed \(seed): D = \(test.statistic)")
        // Mean −0.5, variance 3σ²/2 = 6: the mean of 20 000 levels within 4 standard errors.
        let mean: Double = x.reduce(0, +) / 20_000
        let standardError: Double = (6.0 / 20_000).squareRoot()
        #expect(abs(mean + 0.5) < 4 * standardError, "seed \(seed): mean \(mean)")
    }

    // 50 repetitions of n = 500 levels, x₀ = 2, σ = 0.5. The standard deviation of 50 estimates
    // has a relative sampling error 1/√(2·49) ≈ 10 %, so the mean reported (observed-information)
    // error must match it within 25 % (2.5 of those errors). Observed: spread 0.0274 vs error
    // 0.0262 (x₀), 0.0128 vs 0.0138 (σ). Each fit must also lie within 4 errors of the truth.
    @Test("fit recovers (x₀, σ) and its errors match the spread over 50 repetitions")
    func repetitions() {
        var centres = [Double](), widths = [Double](), centreErrors = [Double](), widthErrors = [Double]()
        for seed in UInt64(1)...50 {
            var generator = SplitMix64(seed: 1000 + seed)
            let x = (0..<500).map { _ in Self.level(centre: 2, width: 0.5, generator: &generator) }
            let fit = GOEPairDensity.fit(x)
            let (c, s) = (fit.parameter("centre"), fit.parameter("width"))
            #expect(abs(c.value - 2) < 4 * c.error, "seed \(1000 + seed): x₀ = \(c)")
            #expect(abs(s.value - 0.5) < 4 * s.error, "seed \(1000 + seed): σ = \(s)")
            centres.append(c.value); widths.append(s.value)
            centreErrors.append(c.error); widthErrors.append(s.error)
        }
        let centreSpread = meanAndStandardDeviation(centres).sd
        let widthSpread = meanAndStandardDeviation(widths).sd
        let centreError = centreErrors.reduce(0, +) / 50
        let widthError = widthErrors.reduce(0, +) / 50
        #expect(abs(centreSpread / centreError - 1) < 0.25, "x₀: spread \(centreSpread), error \(centreError)")
        #expect(abs(widthSpread / widthError - 1) < 0.25, "σ: spread \(widthSpread), error \(widthError)")
        // The mean of 50 estimates is unbiased within 4 standard errors of that mean.
        #expect(abs(meanAndStandardDeviation(widths).mean - 0.5) < 4 * widthSpread / 50.0.squareRoot())
    }
}
