#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Fitting
import Testing
@testable import Spectra

// Spacing ratios (Atas, Bogomolny, Giraud, Roux, PRL 110 (2013) 084101): the surmise's closed
// forms, its exactness for 3×3 β-Hermite matrices, and the large-N ensemble means.

@Test func theRatioSurmiseMatchesItsClosedForms() {
    let root3 = 3.0.squareRoot()
    let z: [(Double, Double)] = [(1, 8.0 / 27), (2, 4 * Double.pi / (81 * root3)), (4, 4 * Double.pi / (729 * root3))]
    for (beta, exact) in z {
        #expect(abs(SpacingRatioSurmise.normalisation(beta: beta) / exact - 1) < 1e-10, "Z_\(beta)")
    }
    let means: [(Double, Double)] = [(1, 4 - 2 * root3), (2, 2 * root3 / Double.pi - 0.5),
                                     (4, 32 * root3 / (15 * Double.pi) - 0.5)]
    for (beta, exact) in means {
        #expect(abs(SpacingRatioSurmise.meanRestrictedRatio(beta: beta) - exact) < 1e-10, "<r~>_\(beta)")
    }
    // P(r) = P(1/r)/r² and the restricted density integrates to 1 (Simpson, 4000 intervals).
    #expect(abs(SpacingRatioSurmise.density(0.3, beta: 1) - SpacingRatioSurmise.density(1 / 0.3, beta: 1) / 0.09) < 1e-14)
    let h = 1.0 / 4000
    let integral = (0...4000).reduce(0.0) { sum, k in
        let w: Double = (k == 0 || k == 4000) ? 1 : (k % 2 == 1 ? 4 : 2)
        return sum + w * SpacingRatioSurmise.restrictedDensity(Double(k) * h, beta: 2)
    } * h / 3
    #expect(abs(integral - 1) < 1e-9)
}

/// The surmise is exact for 3×3 Gaussian β-ensembles: one ratio per matrix, 20 000 matrices.
/// ⟨r̃⟩ within 3σ (σ = jackknife, ≈ 0.0015) of the surmise value, and the maximum-likelihood β
/// within 3σ (Fisher error ≈ 0.02–0.06) of the true β.
@Test(arguments: [(1.0, UInt64(31)), (2.0, UInt64(32)), (4.0, UInt64(33))])
func threeByThreeMatricesFollowTheRatioSurmiseExactly(beta: Double, seed: UInt64) {
    var g = SplitMix64(seed: seed)
    let levels = betaHermiteSpectra(size: 3, beta: beta, samples: 20_000, generator: &g)
    let mean = LevelSpacings.meanRestrictedSpacingRatio(levels, levelCount: 3)
    let exact = SpacingRatioSurmise.meanRestrictedRatio(beta: beta)
    let fit = SpacingRatioSurmise.fitBeta(LevelSpacings.spacingRatios(levels, levelCount: 3))
    print("3x3 beta \(beta) seed \(seed): <r~> = \(mean) (surmise \(exact)), fitted beta = \(fit.beta)")
    #expect(abs(mean.value - exact) < 3 * mean.error)
    #expect(abs(fit.beta.value - beta) < 3 * fit.beta.error)
}

/// Large spectra: β-Hermite n = 200, central half (trim 50 per edge, 98 ratios per matrix),
/// 500 matrices. Reference: the large-N values of Atas et al. Table I, 0.5307(1), 0.5996(1),
/// 0.6744(1) — not the surmise values 0.5359, 0.6027, 0.6762 (for GUE, four runs of 1000
/// matrices gave 0.6002 ± 0.0005, 5σ from 0.6027).
/// Tolerance 3σ, σ the jackknife over matrices (≈ 0.0013).
@Test(arguments: [(1.0, 0.5307, UInt64(41)), (2.0, 0.5996, UInt64(42)), (4.0, 0.6744, UInt64(43))])
func largeGaussianSpectraHaveTheLargeNMeanRatio(beta: Double, reference: Double, seed: UInt64) {
    var g = SplitMix64(seed: seed)
    let levels = betaHermiteSpectra(size: 200, beta: beta, samples: 500, generator: &g)
    let mean = LevelSpacings.meanRestrictedSpacingRatio(levels, levelCount: 200, trim: 50)
    print("n=200 beta \(beta) seed \(seed): <r~> = \(mean), reference \(reference), surmise \(SpacingRatioSurmise.meanRestrictedRatio(beta: beta))")
    #expect(abs(mean.value - reference) < 3 * mean.error)
}

/// Poisson levels (sorted uniforms, n = 1000, 40 samples): ⟨r̃⟩ = 2 ln 2 − 1 = 0.3863 within 3σ.
/// Also the single-spectrum fallback (blocked jackknife) on one sample.
@Test(arguments: [UInt64(51), 52])
func poissonLevelsHaveMeanRatioTwoLogTwoMinusOne(seed: UInt64) {
    var g = SplitMix64(seed: seed)
    let levels = poissonSpectra(size: 1000, samples: 40, generator: &g)
    let mean = LevelSpacings.meanRestrictedSpacingRatio(levels, levelCount: 1000)
    let single = LevelSpacings.meanRestrictedSpacingRatio(Array(levels[0..<1000]), levelCount: 1000)
    print("Poisson seed \(seed): <r~> = \(mean), one spectrum \(single)")
    #expect(abs(mean.value - (2 * log(2.0) - 1)) < 3 * mean.error)
    #expect(abs(single.value - (2 * log(2.0) - 1)) < 3 * single.error)
}

@Test func unrestrictedRatiosAreQuotientsOfConsecutiveSpacings() {
    let levels: [Double] = [0, 1, 3, 4, 8]  // spacings 1, 2, 1, 4
    #expect(LevelSpacings.unrestrictedSpacingRatios(levels, levelCount: 5) == [2, 0.5, 4])
    #expect(LevelSpacings.nextNearestNeighbour(levels, levelCount: 5) == [3, 3, 5])
}
