#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Fitting
import Testing
@testable import Spectra

// The Brody distribution (Brody, Lett. Nuovo Cimento 7 (1973) 482): normalisation, exact
// recovery of ω from its own samples, ω ≈ 1 for GOE bulk spacings and ω ≈ 0 for Poisson.

@Test func brodyIsNormalisedWithUnitMeanAndReducesToPoissonAndWigner() {
    #expect(abs(BrodyDistribution.scale(omega: 0) - 1) < 1e-14)
    #expect(abs(BrodyDistribution.scale(omega: 1) - Double.pi / 4) < 1e-14)
    #expect(abs(BrodyDistribution.density(0.7, omega: 1) - WignerSurmise.density(0.7, beta: 1)) < 1e-14)
    #expect(abs(BrodyDistribution.cumulative(0.7, omega: 0) - PoissonSpacing.cumulative(0.7)) < 1e-14)
    for omega in [0.3, 0.5, 2.0] {
        // Midpoint rule on [0, 12] with 120 000 cells: error ≪ 1e-6 for these smooth tails.
        let h = 1e-4
        var mass = 0.0, first = 0.0
        for k in 0..<120_000 {
            let s = (Double(k) + 0.5) * h
            let p = BrodyDistribution.density(s, omega: omega)
            mass += p * h
            first += s * p * h
        }
        #expect(abs(mass - 1) < 1e-5 && abs(first - 1) < 1e-5, "omega \(omega): mass \(mass), mean \(first)")
    }
}

/// 5000 exact Brody samples by inversion, s = (−ln(1 − u)/b)^{1/(ω+1)}: ω̂ within 3σ
/// (observed-information σ ≈ 0.01–0.02).
@Test(arguments: [(0.3, UInt64(61)), (1.0, UInt64(62)), (0.0, UInt64(63))])
func brodyFitRecoversOmegaFromExactSamples(omega: Double, seed: UInt64) {
    var g = SplitMix64(seed: seed)
    let b = BrodyDistribution.scale(omega: omega)
    let s = (0..<5000).map { _ in pow(-log(1 - g.uniform()) / b, 1 / (omega + 1)) }
    let fit = BrodyDistribution.fit(s)
    print("Brody exact omega \(omega) seed \(seed): \(fit.omega)")
    #expect(abs(fit.omega.value - omega) < 3 * fit.omega.error)
}

/// GOE bulk: β-Hermite n = 400, 20 matrices, unfolded with the exact semicircle
/// (R = √(2n)), central half kept: 3980 spacings. The large-N GOE spacing law is not exactly
/// Brody(1) (it is ≈ the Wigner surmise, within ~1 %), so the test allows 3σ + 0.05.
/// Poisson: 5 × 1000 sorted uniforms (unit density, no unfolding needed): ω̂ = 0 within 3σ.
@Test(arguments: [UInt64(71), 72])
func brodyOmegaIsOneForGOEAndZeroForPoisson(seed: UInt64) {
    var g = SplitMix64(seed: seed)
    let n = 400
    let levels = betaHermiteSpectra(size: n, beta: 1, samples: 20, generator: &g)
    let unfolding = Unfolding(method: .semicircle(centre: 0, radius: (2.0 * Double(n)).squareRoot()), edgeFraction: 0.25)
    let kept = unfolding.keptLevelCount(levelCount: n)
    let goe = BrodyDistribution.fit(LevelSpacings.nearestNeighbour(unfolding.unfold(levels, levelCount: n), levelCount: kept))
    let poissonLevels = poissonSpectra(size: 1000, samples: 5, generator: &g)
    let poisson = BrodyDistribution.fit(LevelSpacings.nearestNeighbour(poissonLevels, levelCount: 1000).filter { $0 > 0 })
    print("Brody seed \(seed): GOE omega \(goe.omega), Poisson omega \(poisson.omega)")
    #expect(abs(goe.omega.value - 1) < 3 * goe.omega.error + 0.05)
    #expect(abs(poisson.omega.value) < 3 * poisson.omega.error)
}

/// The clustered errors of ω̂ and of the ratio β̂ (one cluster per spectrum) are the spread over
/// independent ensembles: 40 repetitions of 20 GOE spectra (β-Hermite n = 30, exact semicircle
/// unfolding, central half kept, 14 spacings and 13 ratios per spectrum). The standard deviation
/// of 40 estimates has a relative error ≈ 1/√78 ≈ 11 %, so spread/error must lie in [0.67, 1.33]
/// (3σ).
@Test func clusteredErrorsOfBrodyAndRatioFitsMatchTheSpreadOverRepetitions() {
    var g = SplitMix64(seed: 73)
    let n = 30
    let unfolding = Unfolding(method: .semicircle(centre: 0, radius: (2.0 * Double(n)).squareRoot()), edgeFraction: 0.25)
    let kept = unfolding.keptLevelCount(levelCount: n)
    var omegas: [Estimate] = [], betas: [Estimate] = []
    for _ in 0..<40 {
        let levels = betaHermiteSpectra(size: n, beta: 1, samples: 20, generator: &g)
        let unfolded = unfolding.unfold(levels, levelCount: n)
        let spacings = LevelSpacings.nearestNeighbour(unfolded, levelCount: kept)
        let ratios = LevelSpacings.spacingRatios(levels, levelCount: n, trim: 8)
        omegas.append(BrodyDistribution.fit(spectra: (0..<20).map { Array(spacings[($0 * (kept - 1))..<(($0 + 1) * (kept - 1))]) }))
        betas.append(SpacingRatioSurmise.fitBeta(spectra: (0..<20).map { Array(ratios[($0 * 12)..<(($0 + 1) * 12)]) }))
    }
    for (name, estimates) in [("Brody omega", omegas), ("ratio beta", betas)] {
        let values = estimates.map(\.value)
        let average = mean(values)
        let spread = (values.reduce(0) { $0 + ($1 - average) * ($1 - average) } / 39).squareRoot()
        let quoted = mean(estimates.map(\.error))
        print("\(name): mean \(average), spread \(spread), mean clustered error \(quoted)")
        #expect(spread / quoted > 0.67 && spread / quoted < 1.33, "\(name)")
    }
}
