import Foundation
import Testing
@testable import Fitting

@Suite("Gaussian fit, bootstrap and fit results")
struct GaussianBootstrapFitResultTests {
    // n = 1000 normal values, μ = −1, σ = 0.3: errors σ/√n ≈ 0.0095 and σ/√(2n) ≈ 0.0067;
    // tolerance 4 errors. χ² against a Freedman–Diaconis histogram: p below 10⁻³ with
    // probability ≈ 10⁻³ (approximately; parameters fitted, see BinnedChiSquared).
    @Test("Gaussian fit recovers (μ, σ); χ², KS and curve of the fit result", arguments: UInt64(1)...4)
    func gaussian(seed: UInt64) throws {
        var generator = SplitMix64(seed: 500 + seed)
        let x = (0..<1000).map { _ in -1 + 0.3 * generator.normal() }
        let fit = Gaussian.fit(x)
        let (m, s) = (fit.parameter("mean"), fit.parameter("standardDeviation"))
        #expect(abs(m.value + 1) < 4 * m.error, "seed \(seed): μ = \(m)")
        #expect(abs(s.value - 0.3) < 4 * s.error, "seed \(seed): σ = \(s)")
        #expect(abs(m.error - 0.3 / 1000.0.squareRoot()) < 0.1 * m.error)

        let histogram = Histogram(x)
        let chi2 = fit.chiSquared(against: histogram)
        #expect(chi2.degreesOfFreedom == chi2.groups - 3)
        #expect(chi2.pValue > 1e-3, "seed \(seed): χ²/dof = \(chi2.chiSquaredPerDegree)")
        #expect(fit.kolmogorovSmirnov.statistic < 1.63 / 1000.0.squareRoot())
        let grid = [-2.0, -1.0, -0.7]
        #expect(fit.curve(grid: grid) == grid.map { Gaussian.density($0, mean: m.value, standardDeviation: s.value) })

        let decoded = try JSONDecoder().decode(FitResult.self, from: JSONEncoder().encode(fit))
        #expect(decoded == fit)
    }

    @Test("χ² pooling: a wrong model is rejected, total expected equals the total")
    func chiSquaredRejects() {
        var generator = SplitMix64(seed: 9)
        let x = (0..<2000).map { _ in generator.semicircle(centre: 0, radius: 2) }
        let histogram = Histogram(x, rule: .count(30))
        let wrong = Gaussian.fit(x).chiSquared(against: histogram)
        let right = WignerSemicircle.fit(x).chiSquared(against: histogram)
        #expect(wrong.pValue < 1e-6, "Gaussian χ²/dof = \(wrong.chiSquaredPerDegree)")
        #expect(right.pValue > 1e-3, "semicircle χ²/dof = \(right.chiSquaredPerDegree)")
    }

    // n = 200 normal values, R = 2000 replicas: the bootstrap error of the mean estimates the
    // plug-in s·√((n − 1)/n)/√n with relative Monte Carlo error 1/√(2R) ≈ 1.6 %; tolerance 3 of
    // those (4.7 %).
    @Test("bootstrap of the mean matches s/√n within its Monte Carlo error", arguments: UInt64(1)...3)
    func bootstrapMean(seed: UInt64) {
        var generator = SplitMix64(seed: 700 + seed)
        let x = (0..<200).map { _ in 5 + 2 * generator.normal() }
        let n = Double(x.count)
        let mean = { (v: [Double]) in v.reduce(0, +) / Double(v.count) }
        let estimate = Bootstrap.estimate(x, replicas: 2000, using: &generator, statistic: mean)
        let plugIn = meanAndStandardDeviation(x).sd * ((n - 1) / n).squareRoot() / n.squareRoot()
        #expect(estimate.value == mean(x))
        #expect(abs(estimate.error / plugIn - 1) < 3 / (2 * 2000.0).squareRoot(), "seed \(seed): \(estimate.error) vs \(plugIn)")
        let interval = Bootstrap.percentileInterval(x, replicas: 2000, using: &generator, statistic: mean)
        #expect(interval.contains(mean(x)))
        // 95 % percentile interval ≈ ±1.96 standard errors, to ~10 % at R = 2000.
        #expect(abs((interval.upperBound - interval.lowerBound) / (2 * 1.96 * plugIn) - 1) < 0.1, "seed \(seed)")
    }
}
