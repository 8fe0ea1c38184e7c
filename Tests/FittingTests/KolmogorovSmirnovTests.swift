import Foundation
import Testing
@testable import Fitting

/// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014): a tiny, fully specified generator so the
/// samples below do not depend on the platform's random number generator.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1) with 53 random bits.
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
}

@Suite("Kolmogorov distribution and KS test")
struct KolmogorovSmirnovTests {
    // scipy.stats.kstwobign.sf(λ) (scipy 1.17.1). Both series branches (switch at 0.82) and the
    // underflow regions are covered; tolerance 1e-14 absolute, 1e-12 relative in the tail.
    static let reference: [(lambda: Double, survival: Double)] = [
        (0.05, 1.0), (0.1, 1.0), (0.2, 0.999999999999495), (0.3, 0.9999906941986655),
        (0.5, 0.9639452436648751), (0.8, 0.5441424115741981), (0.819, 0.5135615517425605),
        (0.821, 0.5103839504341943), (1.0, 0.26999967167735456), (1.3581, 0.0499996304316674),
        (2.0, 0.0006709252557796953), (3.0, 3.045995948942526e-08),
        (5.0, 3.8574996959278356e-22), (8.0, 5.14441874528483e-56),
    ]

    @Test("Kolmogorov.survival matches scipy.stats.kstwobign.sf")
    func survivalMatchesScipy() {
        for (lambda, expected) in Self.reference {
            let q = Kolmogorov.survival(lambda)
            #expect(abs(q - expected) <= 1e-14, "λ = \(lambda)")
            #expect(abs(q - expected) <= 1e-12 * expected, "λ = \(lambda)")
        }
        #expect(Kolmogorov.survival(0) == 1)
        #expect(Kolmogorov.survival(-1) == 1)
        #expect(Kolmogorov.survival(40) == 0)
    }

    @Test("statistic and p-value of a pinned sample against scipy.stats.kstest")
    func pinnedSample() {
        // 12 Wigner (β = 1) variates scaled by 1.15, rounded to 4 digits (numpy seed 20240716).
        let sample = [1.0459, 0.1574, 1.6605, 0.7187, 0.8998, 1.8306, 1.236, 2.5451, 0.8496,
                      1.0239, 2.1265, 1.988]
        let test = KolmogorovSmirnovTest(sample: sample) { WignerSurmise.cumulative($0, beta: 1) }
        #expect(test.sampleSize == 12)
        // scipy.stats.kstest(x, lambda s: 1 - np.exp(-np.pi*s**2/4), method='asymp').statistic
        #expect(abs(test.statistic - 0.30197949875824015) < 1e-15)
        // The Stephens-corrected p-value: scipy.stats.kstwobign.sf((√12 + 0.12 + 0.11/√12)·D).
        #expect(abs(test.pValue - 0.18411605352470325) < 1e-12)
        // scipy's own p-values differ by design: method='asymp' (λ = √n·D, no correction) gives
        // 0.22383, method='exact' 0.18171. Stephens' correction targets the exact law, so it
        // must be within 0.01 of 'exact' here and below the uncorrected 'asymp'.
        #expect(abs(test.pValue - 0.18170560384236) < 0.01)
        #expect(test.pValue < 0.2238318200087509)
    }

    @Test("exact Wigner samples are accepted", arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func wignerSamplesAccepted(seed: UInt64) {
        // n = 2000 draws by the inverse CDF s = √(−4 ln(1 − u)/π). Under the null the p-value is
        // (close to) uniform, so p > 10⁻⁴ fails for a given seed with probability ≈ 10⁻⁴.
        var generator = SplitMix64(seed: seed)
        let sample = (0..<2000).map { _ in (-4 * log(1 - generator.uniform()) / Double.pi).squareRoot() }
        let test = KolmogorovSmirnovTest(sample: sample) { WignerSurmise.cumulative($0, beta: 1) }
        #expect(test.pValue > 1e-4, "seed \(seed): D = \(test.statistic), p = \(test.pValue)")
    }

    @Test("Poisson samples are rejected against the Wigner surmise", arguments: [1, 2, 3] as [UInt64])
    func poissonSamplesRejected(seed: UInt64) {
        // n = 2000 exponential spacings: sup|F_Poisson − F_Wigner| = 0.216, so √n·D ≈ 9.6 (±0.5) and
        // Q ≈ e^{−185}; p < 10⁻⁶ has a margin of many orders of magnitude.
        var generator = SplitMix64(seed: seed)
        let sample = (0..<2000).map { _ in -log(1 - generator.uniform()) }
        let test = KolmogorovSmirnovTest(sample: sample) { WignerSurmise.cumulative($0, beta: 1) }
        #expect(test.pValue < 1e-6, "seed \(seed): D = \(test.statistic), p = \(test.pValue)")
    }

    @Test("a single value at the median gives D = 1/2")
    func singleValue() {
        let test = KolmogorovSmirnovTest(sample: [log(2.0)], cumulative: PoissonSpacing.cumulative)
        #expect(abs(test.statistic - 0.5) < 1e-15)
    }
}
