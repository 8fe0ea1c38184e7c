import Foundation
import Testing
@testable import Fitting

@Suite("exp and log in SIMD lanes")
struct VectorMathTests {
    /// ulps between a result and libm's correctly rounded-or-nearly value.
    func ulps(_ a: Double, _ b: Double) -> Double { abs(a - b) / b.ulp }

    @Test("exp agrees with libm to 1 ulp on [−708, 709], and under/overflows at the ends")
    func exponential() {
        var generator = SplitMix64(seed: 11)
        var worst = 0.0
        for _ in 0..<10_000 {
            let x = VectorMath.Lanes((0..<8).map { _ in -708 + 1417 * generator.uniform() })
            let y = VectorMath.exp(x)
            for lane in 0..<8 { worst = max(worst, ulps(y[lane], Foundation.exp(x[lane]))) }
        }
        for x in [0.0, 1e-300, -1e-18, 0.5 * log(2.0), -0.5 * log(2.0), 1, -1, -700, 700] {
            worst = max(worst, ulps(VectorMath.exp(VectorMath.Lanes(repeating: x))[0], Foundation.exp(x)))
        }
        #expect(worst <= 1, "worst \(worst) ulp")
        #expect(VectorMath.exp(VectorMath.Lanes(repeating: -800)) == .zero)
        #expect(VectorMath.exp(VectorMath.Lanes(repeating: 710))[0] == .infinity)
    }

    @Test("log agrees with libm to 1 ulp on normal positive doubles")
    func logarithm() {
        var generator = SplitMix64(seed: 12)
        var worst = 0.0
        for _ in 0..<10_000 {
            // log-uniform over [2⁻¹⁰²⁰, 2¹⁰²⁰], plus the interval (0, 1] the exponential draws use.
            let x = VectorMath.Lanes((0..<4).map { _ in Foundation.exp2(-1020 + 2040 * generator.uniform()) }
                                     + (0..<4).map { _ in 1 - generator.uniform() })
            let y = VectorMath.log(x)
            for lane in 0..<8 where x[lane] != 1 { worst = max(worst, ulps(y[lane], Foundation.log(x[lane]))) }
        }
        #expect(worst <= 1, "worst \(worst) ulp")
        let exact: [(Double, Double)] = [(1, 0), (2, log(2.0)), (0.5, -log(2.0)), (0x1p-53, -53 * log(2.0))]
        for (x, y) in exact { #expect(abs(VectorMath.log(VectorMath.Lanes(repeating: x))[0] - y) <= 2 * max(abs(y).ulp, 1e-300)) }
    }
}
