import Testing
@testable import Spectra

// The Coulomb-gas maximum likelihood on exact samples: β-Hermite spectra have the joint density
// ∝ Π|λ_i − λ_j|^β exp(−Σλ²/2), i.e. β, T = 1, c = 0 in CoulombGasFit's convention.

/// 400 β-Hermite matrices of n = 6 for β = 1, 2, 4: the fitted β, T and c each lie within 3σ
/// of the truth (observed-information σ_β ≈ 0.03–0.1). A 3σ band fails with probability
/// ≈ 0.3 % per check, so 9 checks over fixed seeds pass or fail deterministically.
@Test(arguments: [(1.0, UInt64(81)), (2.0, UInt64(82)), (4.0, UInt64(83))])
func coulombGasFitRecoversBetaAndTemperatureOfBetaHermiteSpectra(beta: Double, seed: UInt64) {
    var g = SplitMix64(seed: seed)
    let n = 6
    let fit = CoulombGasFit(betaHermiteSpectra(size: n, beta: beta, samples: 400, generator: &g), levelCount: n)
    print("Coulomb gas beta \(beta) seed \(seed): beta \(fit.beta), T \(fit.temperature), c \(fit.centre)")
    #expect(fit.spectra == 400)
    #expect(abs(fit.beta.value - beta) < 3 * fit.beta.error)
    #expect(abs(fit.temperature.value - 1) < 3 * fit.temperature.error)
    #expect(abs(fit.centre.value) < 3 * fit.centre.error)
}

/// The observed-information error of β is the spread of β̂ over independent ensembles: 40
/// repetitions of 100 GOE(n = 5) spectra. The sample standard deviation of 40 values has a
/// relative error ≈ 1/√80 ≈ 11 %, so the ratio must lie in [0.7, 1.3] (≈ 3σ); and the mean of
/// the 40 estimates is unbiased within 3 spread/√40 (the MLE's O(1/M) bias is ≈ 0.01 here).
@Test func coulombGasErrorMatchesTheSpreadOverRepetitions() {
    var g = SplitMix64(seed: 84)
    let fits = (0..<40).map { _ in CoulombGasFit(betaHermiteSpectra(size: 5, beta: 1, samples: 100, generator: &g), levelCount: 5) }
    let betas = fits.map(\.beta.value)
    let average = mean(betas)
    let spread = (betas.reduce(0) { $0 + ($1 - average) * ($1 - average) } / 39).squareRoot()
    let quoted = mean(fits.map(\.beta.error))
    print("Coulomb gas: mean beta \(average), spread \(spread), mean quoted error \(quoted)")
    #expect(spread / quoted > 0.7 && spread / quoted < 1.3)
    #expect(abs(average - 1) < 3 * spread / 40.0.squareRoot(), "mean beta \(average)")
}

/// Shifting and scaling the levels moves c and T exactly (x → a + b x: c → a + b c, T → b² T)
/// and leaves β unchanged: the fit has no hidden scale.
@Test func coulombGasFitIsEquivariantUnderShiftAndScale() {
    var g = SplitMix64(seed: 85)
    let levels = betaHermiteSpectra(size: 4, beta: 2, samples: 50, generator: &g)
    let plain = CoulombGasFit(levels, levelCount: 4)
    let moved = CoulombGasFit(levels.map { 3 + 0.5 * $0 }, levelCount: 4)
    // β̂ is located to 1e-10 relative by golden section, and T̂ is a smooth function of it.
    #expect(abs(moved.beta.value - plain.beta.value) < 1e-6)
    #expect(abs(moved.temperature.value / (0.25 * plain.temperature.value) - 1) < 1e-6)
    #expect(abs(moved.centre.value - (3 + 0.5 * plain.centre.value)) < 1e-9)
}
