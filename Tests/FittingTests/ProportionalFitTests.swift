import Foundation
import Testing
@testable import Fitting

@Suite("Proportional fit and χ² tail")
struct ProportionalFitTests {
    @Test("exact data give the exact slope and χ² = 0")
    func exactData() {
        let x = [0.1, 0.2, 0.3, 0.5, 0.8]
        let y = x.map { 2.5 * $0 }
        let fit = ProportionalFit(x: x, y: y, yError: [0.01, 0.02, 0.01, 0.05, 0.03])
        #expect(abs(fit.slope.value - 2.5) < 1e-15)
        #expect(fit.chiSquared < 1e-24)  // residuals are rounding, ~1e-16/σ each
        #expect(fit.degreesOfFreedom == 4)
        #expect(fit.pValue == 1)
    }

    @Test("pinned data against numpy.linalg.lstsq and scipy.stats.chi2.sf")
    func pinnedData() {
        let x = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
        let y = [0.93, 1.71, 2.86, 3.49, 4.52, 5.12]
        let sigma = [0.05, 0.08, 0.1, 0.12, 0.2, 0.25]
        let fit = ProportionalFit(x: x, y: y, yError: sigma)
        // np.linalg.lstsq((x/σ)[:,None], y/σ): slope; √inv(AᵀA): error; Σ((y − a x)/σ)²: χ²;
        // scipy.stats.chi2.sf(χ², 5): p. Tolerances: rounding of O(10) sums, 1e-12 relative.
        #expect(abs(fit.slope.value / 1.7891149630251217 - 1) < 1e-12)
        #expect(abs(fit.slope.error / 0.030725224813985208 - 1) < 1e-12)
        #expect(abs(fit.chiSquared / 6.164795277836044 - 1) < 1e-11)
        #expect(fit.degreesOfFreedom == 5)
        #expect(abs(fit.chiSquaredPerDegree - 6.164795277836044 / 5) < 1e-11)
        #expect(abs(fit.pValue / 0.2905123415447837 - 1) < 1e-10)
        // χ²/dof = 1.23 > 1, so the scaled error is δa·√(χ²/dof).
        #expect(abs(fit.scaledSlopeError / (0.030725224813985208 * (6.164795277836044 / 5).squareRoot()) - 1) < 1e-11)
    }

    @Test("a single point fits exactly and tests nothing")
    func singlePoint() {
        let fit = ProportionalFit(x: [2], y: [3], yError: [0.5])
        #expect(fit.slope == Estimate(value: 1.5, error: 0.25))
        #expect(fit.degreesOfFreedom == 0)
        #expect(fit.pValue.isNaN)
        #expect(fit.chiSquaredPerDegree.isNaN)
    }

    @Test("ChiSquared.survival matches scipy.stats.chi2.sf")
    func chiSquaredSurvival() {
        // scipy.stats.chi2.sf(x, k) (scipy 1.17.1). Both the series (x/2 < k/2 + 1) and the
        // continued-fraction branch are covered. Tolerance 1e-11 relative: the prefactor
        // e^{−x + a ln x − lnΓ(a)} at a = 50 loses ~3 digits to cancellation.
        let reference: [(x: Double, k: Int, q: Double)] = [
            (0.5, 1, 0.47950012218695337), (3.84, 1, 0.05004352124870519),
            (10, 3, 0.01856613546304325), (1e-3, 2, 0.9995001249791693),
            (25, 10, 0.005345505487134069), (60, 30, 0.0009206823961486636),
            (5, 30, 0.9999999308468613), (150, 100, 0.0009039320423540184),
            (1.0, 7, 0.9948285365165155), (40, 4, 4.328422607120966e-08),
        ]
        for (x, k, q) in reference {
            #expect(abs(ChiSquared.survival(x, degreesOfFreedom: k) / q - 1) < 1e-11, "x = \(x), k = \(k)")
        }
        #expect(ChiSquared.survival(0, degreesOfFreedom: 3) == 1)
        #expect(ChiSquared.survival(.infinity, degreesOfFreedom: 3) == 0)
    }

    @Test("P + Q = 1 and the exponential special case Q(1, x) = e^{−x}")
    func incompleteGammaIdentities() {
        for a in [0.5, 1, 2.5, 10, 40] {
            for x in [0.01, 0.5, 1, 3, 10, 50] {
                let p = IncompleteGamma.regularizedLower(a, x)
                let q = IncompleteGamma.regularizedUpper(a, x)
                #expect(abs(p + q - 1) < 1e-14, "a = \(a), x = \(x)")
            }
        }
        for x in [0.1, 1.0, 5.0, 30.0] {
            #expect(abs(IncompleteGamma.regularizedUpper(1, x) / exp(-x) - 1) < 1e-14, "x = \(x)")
        }
    }
}
