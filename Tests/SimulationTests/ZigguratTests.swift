import Foundation
import Testing
@testable import Simulation

@Suite("Ziggurat: exact standard normal deviates")
struct ZigguratTests {
    /// Every layer has the area v: layers 2…255 by construction (the recurrence), the base by the
    /// definition of v, and the top layer [0, x₁] × [f(x₁), 1] only if r and v agree — that closure
    /// is what makes a uniformly chosen layer correct. Relative errors at rounding level.
    @Test func everyLayerHasTheSameArea() {
        let x = Ziggurat.edges, v = Ziggurat.layerArea, f = Ziggurat.f
        #expect(x[0] == 0 && x[255] == Ziggurat.r)
        for i in 1..<256 {
            let area = x[i] * (f(x[i - 1]) - f(x[i]))
            #expect(abs(area - v) <= 1e-11 * v, "layer \(i): area \(area), v \(v)")
        }
        for i in 1..<256 { #expect(x[i] > x[i - 1]) }
        // Fast-path bounds: the inner rectangle's share of each layer's width.
        #expect(Ziggurat.layers[1].bound == 0)
        for i in 2..<256 {
            let share = Double(Ziggurat.layers[i].bound) * 0x1p-52
            #expect(abs(share - x[i - 1] / x[i]) < 1e-15)
        }
    }

    /// 2·10⁶ deviates against the normal law. Each check is at ≈ 4σ (two-sided p ≈ 6e-5):
    /// mean (σ = 1/√n = 7.1e-4), variance (σ ≈ √(2/n) = 1.0e-3), a χ² over 100 bins of equal
    /// probability 0.01 whose edges come from an independent method (AS 241's quantile; 99 dof,
    /// mean 99, sd 14: bound 99 + 5·14), and the count beyond the base's edge r, which only the
    /// tail algorithm produces (p = erfc(r/√2) = 2.58e-4, expected 516, Poisson σ 22.7).
    @Test func deviatesFollowTheNormalLaw() {
        let n = 2_000_000
        var stream = RandomStream(runSeed: 11, seedIndex: 3, purpose: .training)
        var overflow = RandomWords(RandomStream(runSeed: 11, seedIndex: 3, purpose: .training, block: 1 << 40))
        var z = [Double](repeating: .nan, count: n)
        z.withUnsafeMutableBufferPointer { stream.fillNormals($0.baseAddress!, count: n, overflow: &overflow) }
        #expect(z.allSatisfy { $0.isFinite })
        let mean = z.reduce(0, +) / Double(n)
        let variance = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        #expect(abs(mean) < 4 / Double(n).squareRoot(), "mean \(mean)")
        #expect(abs(variance - 1) < 4 * (2 / Double(n)).squareRoot(), "variance \(variance)")

        let edges = (1..<100).map { normalQuantile(Double($0) / 100) }
        var counts = [Int](repeating: 0, count: 100)
        for value in z {
            var low = 0, high = edges.count
            while low < high {
                let mid = (low + high) / 2
                if edges[mid] <= value { low = mid + 1 } else { high = mid }
            }
            counts[low] += 1
        }
        let expected = Double(n) / 100
        let chiSquare = counts.reduce(0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        #expect(chiSquare < 99 + 5 * 14, "χ² = \(chiSquare) over 99 degrees of freedom")

        let beyond = z.filter { abs($0) > Ziggurat.r }.count
        let tailExpected = Double(n) * erfc(Ziggurat.r / 2.0.squareRoot())
        #expect(abs(Double(beyond) - tailExpected) < 4 * tailExpected.squareRoot(), "\(beyond) beyond r, expected \(tailExpected)")
    }

    /// The stream advances by exactly 8⌈count/16⌉ blocks whatever is rejected, rejections draw
    /// from the overflow words (≈ 1.5 % of words, so 160 deviates almost surely need some), and the
    /// deviates do not depend on the output stride.
    @Test func blockConsumptionIsFixedAndStrideFree() {
        for count in [1, 15, 16, 17, 160, 1000] {
            var a = RandomStream(runSeed: 5, seedIndex: 9, purpose: .training, block: 100)
            let overflowStream = RandomStream(runSeed: 5, seedIndex: 9, purpose: .training, block: 1 << 31)
            var overflowA = RandomWords(overflowStream), overflowB = overflowA, untouched = overflowA
            var b = a
            var dense = [Double](repeating: 0, count: count)
            var strided = [Double](repeating: .nan, count: 4 * count)
            dense.withUnsafeMutableBufferPointer { a.fillNormals($0.baseAddress!, count: count, overflow: &overflowA) }
            strided.withUnsafeMutableBufferPointer { b.fillNormals($0.baseAddress! + 3, count: count, stride: 4, overflow: &overflowB) }
            #expect(a.block == 100 + UInt64(8 * ((count + 15) / 16)), "count \(count)")
            let nextA = overflowA.next(), nextB = overflowB.next()
            #expect(b.block == a.block && nextA == nextB)
            #expect((0..<count).allSatisfy { strided[4 * $0 + 3].bitPattern == dense[$0].bitPattern })
            #expect((0..<count).allSatisfy { strided[4 * $0].isNaN })
            if count >= 160 { #expect(nextA != untouched.next(), "count \(count): no rejection drew a word") }
        }
    }
}
