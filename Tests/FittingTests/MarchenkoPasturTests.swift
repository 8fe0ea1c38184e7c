import Testing
import LinearAlgebra
@testable import Fitting

@Suite("Marchenko–Pastur")
struct MarchenkoPasturTests {
    /// ∫ g(x) ρ(x) dx by Simpson in θ, x = m − h cos θ: the integrand is smooth (no square-root
    /// endpoints), so 20 000 intervals give ~1e-13; tolerance 1e-9.
    static func expectation(_ g: (Double) -> Double, ratio q: Double, variance v: Double) -> Double {
        let m = v * (1 + q)
        let h = 2 * v * q.squareRoot()
        // At q = 1 the θ = 0 end is x = 0, where ρ·dx/dθ has a finite limit but 0/0 in
        // floating point: evaluate it at θ = 10⁻⁶ instead (error ~ 10⁻⁶ · h/3 · |f'| ≲ 10⁻¹⁰).
        return simpson({ angle in
            let theta = Swift.max(angle, 1e-6)
            let x = m - h * Double.cos(theta)
            return x > 0 ? g(x) * MarchenkoPastur.density(x, ratio: q, variance: v) * h * Double.sin(theta) : 0
        }, from: 0, to: Double.pi)
    }

    @Test("normalised, mean σ², variance qσ⁴; closed-form CDF has F' = ρ",
          arguments: [(0.5, 2.0), (0.1, 1.0), (1.0, 0.3)])
    func moments(q: Double, v: Double) {
        #expect(abs(Self.expectation({ _ in 1 }, ratio: q, variance: v) - 1) < 1e-9)
        #expect(abs(Self.expectation({ $0 }, ratio: q, variance: v) - v) < 1e-9 * v)
        #expect(abs(Self.expectation({ ($0 - v) * ($0 - v) }, ratio: q, variance: v) - q * v * v) < 1e-9 * v * v)
        let (lower, upper) = MarchenkoPastur.edges(ratio: q, variance: v)
        #expect(MarchenkoPastur.cumulative(lower, ratio: q, variance: v) == 0)
        #expect(MarchenkoPastur.cumulative(upper, ratio: q, variance: v) == 1)
        #expect(abs(MarchenkoPastur.cumulative(upper * (1 - 1e-12), ratio: q, variance: v) - 1) < 1e-5)
        for t in [0.05, 0.2, 0.5, 0.8, 0.95] {
            let x = lower + t * (upper - lower)
            let step = 1e-6 * (upper - lower)
            let derivative = (MarchenkoPastur.cumulative(x + step, ratio: q, variance: v)
                - MarchenkoPastur.cumulative(x - step, ratio: q, variance: v)) / (2 * step)
            let rho = MarchenkoPastur.density(x, ratio: q, variance: v)
            #expect(abs(derivative - rho) < 1e-6 * Swift.max(1, rho), "q = \(q), t = \(t)")
            // F(x) = ∫_{λ₋}^x ρ, by the θ-substitution integral of the indicator's smooth part.
            let integral = Self.expectation({ $0 <= x ? 1 : 0 }, ratio: q, variance: v)
            #expect(abs(integral - MarchenkoPastur.cumulative(x, ratio: q, variance: v)) < 1e-3, "q = \(q), t = \(t)")
        }
    }

    // Acceptance criterion of the issue: 400 × 800 Wishart (p = 400, n = 800, q = 0.5,
    // σ² = 2) → q and σ² within 1 %. Over 200 numpy matrices the moment estimator of q has
    // mean 0.5002 and relative standard deviation 0.49–0.54 % (linear spectral statistics
    // fluctuate O(1/p)), σ² 0.23 %: 1 % is ≈ 2σ for q, so these seeds are a fixed sample
    // (observed q̂ = 0.5020, 0.5025, 0.5043, …), not a guarantee for every seed.
    @Test("fit recovers q and σ² within 1 % for a 400×800 Wishart matrix", arguments: UInt64(1)...4)
    func wishart(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let levels = wishartEigenvalues(rows: 800, columns: 400, variance: 2, generator: &generator)
        let result = try MarchenkoPastur.fit(levels, ratioHint: 0.5)
        let q = result.fit.parameter("ratio")
        let v = result.fit.parameter("variance")
        #expect(abs(q.value / 0.5 - 1) < 0.01, "seed \(seed): q = \(q)")
        #expect(abs(v.value / 2 - 1) < 0.01, "seed \(seed): σ² = \(v)")
        #expect(result.outliers.isEmpty, "seed \(seed): outliers \(result.outliers)")
        // The jackknife over levels treats them as independent and overstates the error.
        #expect(q.error > abs(q.value - 0.5), "seed \(seed)")
    }

    // Spike: column 0 of W scaled by √5 (population eigenvalue ℓ = 5σ², above the BBP
    // threshold 1 + √q): one level near σ²ℓ(1 + q/(ℓ − 1)) = 11.25, far above λ₊ = 5.83.
    @Test("outlier detection finds a planted spike", arguments: UInt64(1)...3)
    func spike(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let levels = wishartEigenvalues(rows: 800, columns: 400, variance: 2, spike: 5, generator: &generator)
        let result = try MarchenkoPastur.fit(levels)
        #expect(result.outliers.count == 1, "seed \(seed): outliers \(result.outliers)")
        #expect(abs((result.outliers.first ?? 0) / 11.25 - 1) < 0.1, "seed \(seed)")
        #expect(abs(result.fit.parameter("ratio").value / 0.5 - 1) < 0.015, "seed \(seed)")
        #expect(abs(result.fit.parameter("variance").value / 2 - 1) < 0.01, "seed \(seed)")
        #expect(result.fit.sampleSize == 399)
    }
}
