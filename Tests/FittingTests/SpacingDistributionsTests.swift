import Foundation
import Testing
@testable import Fitting

/// Composite Simpson rule on [a, b] with `intervals` (even) sub-intervals.
/// Error ≤ (b − a) h⁴ max|f⁗|/180; for the surmise densities |f⁗| ≲ 10², so with h = 4·10⁻⁴
/// the error is below 10⁻¹⁰: the tolerances below (10⁻⁹) are set from that bound.
func simpson(_ f: (Double) -> Double, from a: Double, to b: Double, intervals: Int = 20_000) -> Double {
    precondition(intervals % 2 == 0)
    let h = (b - a) / Double(intervals)
    var sum = f(a) + f(b)
    for i in 1..<intervals {
        sum += (i % 2 == 1 ? 4 : 2) * f(a + Double(i) * h)
    }
    return sum * h / 3
}

@Suite("Wigner surmise and Poisson spacing")
struct SpacingDistributionsTests {
    // The tail beyond s = 8 is below e^{−π·64/4} ≈ 10⁻²² for β = 1 and smaller for β = 2, 4.
    @Test("density is normalised with mean spacing 1", arguments: [1, 2, 4])
    func normalisedWithUnitMean(beta: Int) {
        let norm = simpson({ WignerSurmise.density($0, beta: beta) }, from: 0, to: 8)
        let mean = simpson({ $0 * WignerSurmise.density($0, beta: beta) }, from: 0, to: 8)
        #expect(abs(norm - 1) < 1e-9)
        #expect(abs(mean - 1) < 1e-9)
    }

    @Test("cumulative is the integral of the density", arguments: [1, 2, 4])
    func cumulativeIsIntegral(beta: Int) {
        for s in [0.05, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0] {
            // Simpson with 20 000 intervals on [0, s ≤ 3]: error ≲ 10⁻¹², tolerance 10⁻¹⁰.
            let integral = simpson({ WignerSurmise.density($0, beta: beta) }, from: 0, to: s)
            #expect(abs(WignerSurmise.cumulative(s, beta: beta) - integral) < 1e-10, "s = \(s)")
        }
    }

    @Test("cumulative limits", arguments: [1, 2, 4])
    func cumulativeLimits(beta: Int) {
        #expect(WignerSurmise.cumulative(.infinity, beta: beta) == 1)
        #expect(abs(WignerSurmise.cumulative(20, beta: beta) - 1) < 1e-15)
        #expect(WignerSurmise.cumulative(0, beta: beta) == 0)
        #expect(WignerSurmise.cumulative(-1, beta: beta) == 0)
        #expect(WignerSurmise.density(-1, beta: beta) == 0)
    }

    @Test("small-s behaviour: F ≈ a s^{β+1}/(β+1) with full relative accuracy for β = 1")
    func smallSpacings() {
        let s = 1e-8
        #expect(abs(WignerSurmise.cumulative(s, beta: 1) / (Double.pi / 4 * s * s) - 1) < 1e-12)
        // β = 2 subtracts two O(s) terms (~4 digits lost at s = 10⁻²); the two-term series is
        // truncated at relative O(s⁴) ≈ 4·10⁻⁹, so the tolerance is 10⁻⁷.
        let t = 1e-2
        let (a2, b2) = WignerSurmise.coefficients(beta: 2)
        let leading2 = a2 * t * t * t / 3 * (1 - 3 * b2 * t * t / 5)
        #expect(abs(WignerSurmise.cumulative(t, beta: 2) / leading2 - 1) < 1e-7)
    }

    @Test("β = 1 closed form at s = 1 (1 − e^{−π/4})")
    func orthogonalAtOne() {
        // −expm1 and 1 − exp may round differently: allow 2 ulp of values near 0.5 (2.2e-16).
        #expect(abs(WignerSurmise.cumulative(1, beta: 1) - (1 - exp(-Double.pi / 4))) <= 2.3e-16)
        #expect(abs(WignerSurmise.density(1, beta: 1) - Double.pi / 2 * exp(-Double.pi / 4)) <= 2.3e-16)
    }

    @Test("Poisson spacing")
    func poisson() {
        #expect(PoissonSpacing.density(0) == 1)
        #expect(PoissonSpacing.cumulative(.infinity) == 1)
        #expect(PoissonSpacing.cumulative(-2) == 0)
        #expect(abs(PoissonSpacing.cumulative(1) - (1 - exp(-1.0))) <= 2.3e-16)
        let mean = simpson({ $0 * PoissonSpacing.density($0) }, from: 0, to: 60)  // tail e^{−60}
        #expect(abs(mean - 1) < 1e-9)
    }
}
