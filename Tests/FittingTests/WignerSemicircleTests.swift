import Testing
import LinearAlgebra
@testable import Fitting

@Suite("Wigner semicircle")
struct WignerSemicircleTests {
    @Test("density is normalised with mean c and variance R²/4; the CDF is its integral")
    func normalisation() {
        // Substituting x = c + R sin φ makes every integrand smooth: Simpson with 20 000
        // intervals is exact to ~1e-14, tolerance 1e-10.
        let (c, r) = (0.7, 2.5)
        func moment(_ k: Int) -> Double {
            simpson({ phi in
                let x = c + r * Double.sin(phi)
                return Double.pow(x - c, k) * WignerSemicircle.density(x, centre: c, radius: r) * r * Double.cos(phi)
            }, from: -Double.pi / 2, to: Double.pi / 2)
        }
        #expect(abs(moment(0) - 1) < 1e-10)
        #expect(abs(moment(1)) < 1e-10)
        #expect(abs(moment(2) - r * r / 4) < 1e-10)
        // F' = ρ inside the support (central difference, h = 1e-6: error ~1e-9).
        for t in [-0.9, -0.5, 0.0, 0.3, 0.8] {
            let x = c + r * t
            let derivative = (WignerSemicircle.cumulative(x + 1e-6, centre: c, radius: r)
                - WignerSemicircle.cumulative(x - 1e-6, centre: c, radius: r)) / 2e-6
            #expect(abs(derivative - WignerSemicircle.density(x, centre: c, radius: r)) < 1e-7, "t = \(t)")
        }
        #expect(WignerSemicircle.cumulative(c - r, centre: c, radius: r) == 0)
        #expect(WignerSemicircle.cumulative(c + r, centre: c, radius: r) == 1)
        #expect(WignerSemicircle.cumulative(c, centre: c, radius: r) == 0.5)
    }

    // Direct samples, n = 2000, c = 1, R = 3. Over 20 seeds (101–120) the spread of the MLE was
    // 0.013 (c) and 0.011 (R) against mean reported errors 0.0098 and 0.0100, with a bias of
    // R of −0.010 (the fit is non-regular, see the doc comment). Tolerance: 4 reported errors
    // (≈ 3 observed standard deviations plus the bias).
    @Test("maximum likelihood recovers (c, R) from semicircle samples", arguments: UInt64(1)...4)
    func directSamples(seed: UInt64) {
        var generator = SplitMix64(seed: 100 + seed)
        let x = (0..<2000).map { _ in generator.semicircle(centre: 1, radius: 3) }
        let fit = WignerSemicircle.fit(x)
        let c = fit.parameter("centre")
        let r = fit.parameter("radius")
        #expect(abs(c.value - 1) < 4 * c.error, "seed \(seed): c = \(c)")
        #expect(abs(r.value - 3) < 4 * r.error, "seed \(seed): R = \(r)")
        #expect(r.value > x.map { abs($0 - c.value) }.max()!, "seed \(seed): support does not cover the sample")
        #expect(fit.kolmogorovSmirnov.statistic < 1.63 / Double(x.count).squareRoot(), "seed \(seed)")
    }

    // GOE, N = 400, off-diagonal variance v = 1 (diagonal 2): R = 2√(N v) = 40. The edges of one
    // matrix fluctuate on the Tracy–Widom scale √v·N^{−1/6} ≈ 0.37; tolerance 2 such units
    // (0.74, i.e. 1.9 %). Seeds 1–5 gave R = 39.95 … 40.14.
    @Test("GOE eigenvalues (N = 400) fill a semicircle of radius 2√N", arguments: UInt64(1)...3)
    func goeSpectrum(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let n = 400
        let levels = goeEigenvalues(size: n, offDiagonalVariance: 1, generator: &generator)
        let fit = WignerSemicircle.fit(levels)
        let expected = 2 * Double(n).squareRoot()
        let tolerance = 2 * Double.pow(Double(n), -1.0 / 6)
        #expect(abs(fit.parameter("radius").value - expected) < tolerance, "seed \(seed): \(fit.parameter("radius"))")
        #expect(abs(fit.parameter("centre").value) < 3 * fit.parameter("centre").error, "seed \(seed): \(fit.parameter("centre"))")
    }
}
