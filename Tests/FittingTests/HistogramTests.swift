import Testing
@testable import Fitting

@Suite("Histogram and quantiles")
struct HistogramTests {
    /// 37 Gamma(2, 1) variates rounded to 3 digits (numpy default_rng(20240716), after 12 uniforms).
    static let sample = [2.882, 0.719, 1.711, 1.161, 1.61, 1.51, 2.476, 0.994, 1.441, 2.1, 0.605,
                         6.977, 3.337, 0.337, 0.258, 6.469, 0.743, 1.658, 4.227, 2.996, 2.691, 0.832,
                         2.037, 0.851, 0.868, 2.791, 1.544, 3.382, 1.391, 1.063, 1.128, 2.865, 0.399,
                         2.212, 0.159, 0.821, 1.437]

    @Test("Quantile.linear equals numpy.quantile bit for bit")
    func quantiles() {
        // numpy.quantile(x, p) (numpy 2.4.6, method='linear').
        let expected: [(p: Double, q: Double)] = [
            (0, 0.159), (0.1, 0.5226000000000001), (0.25, 0.851), (0.5, 1.51), (0.75, 2.691),
            (0.9, 3.355), (0.999, 6.958711999999999), (1, 6.977),
        ]
        let sorted = Self.sample.sorted()
        for (p, q) in expected {
            #expect(Quantile.linear(sorted, p) == q, "p = \(p)")
        }
        #expect(Quantile.linear([4.0], 0.3) == 4)
        #expect(Quantile.linear([1.0, 3.0], 0.5) == 2)
    }

    @Test("Freedman–Diaconis edges and counts equal numpy")
    func freedmanDiaconis() {
        // numpy.histogram_bin_edges(x, 'fd') and numpy.histogram(x, edges)[0].
        let histogram = Histogram(Self.sample)
        #expect(histogram.rule == "freedman-diaconis")
        #expect(histogram.edges == [0.159, 1.133, 2.107, 3.081, 4.055000000000001, 5.029, 6.003, 6.977])
        #expect(histogram.counts == [14, 11, 7, 2, 1, 0, 2])
        #expect(histogram.total == Self.sample.count)
    }

    @Test("Freedman–Diaconis with a range estimates the width from the values inside it")
    func freedmanDiaconisWithRange() {
        // numpy.histogram_bin_edges(x, 'fd', range=(0.5, 4.0)) and the matching counts.
        let histogram = Histogram(Self.sample, range: 0.5...4.0)
        #expect(histogram.edges == [0.5, 1.375, 2.25, 3.125, 4.0])
        #expect(histogram.counts == [11, 11, 6, 2])
    }

    @Test("density integrates to 1 over the range", arguments: [BinRule.freedmanDiaconis, .count(5), .width(0.7)])
    func densityNormalised(rule: BinRule) {
        let histogram = Histogram(Self.sample, rule: rule)
        let integral = zip(histogram.density, histogram.widths).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(integral - 1) < 1e-14)
        #expect(histogram.centres.count == histogram.counts.count)
    }

    @Test("fixed count and fixed width rules")
    func fixedRules() {
        let x = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0]
        let byCount = Histogram(x, rule: .count(4))
        #expect(byCount.rule == "fixed-count")
        #expect(byCount.edges == [0, 1, 2, 3, 4])
        // Inner edges belong to the bin above, the last edge to the last bin (numpy).
        #expect(byCount.counts == [2, 2, 2, 3])
        #expect(byCount.centres == [0.5, 1.5, 2.5, 3.5])

        let byWidth = Histogram(x, rule: .width(1.5))
        #expect(byWidth.rule == "fixed-width")
        #expect(byWidth.edges == [0, 1.5, 3, 4.5])
        #expect(byWidth.counts == [3, 3, 3])
    }

    @Test("zero IQR gives one bin, a zero span a unit one")
    func degenerate() {
        let spread = Histogram([0, 1, 1, 1, 1, 1, 2])
        #expect(spread.edges == [0, 2])
        #expect(spread.counts == [7])
        let constant = Histogram([3, 3, 3])
        #expect(constant.edges == [2.5, 3.5])
        #expect(constant.counts == [3])
        let empty = Histogram([], rule: .count(2))
        #expect(empty.edges == [0, 0.5, 1])
        #expect(empty.density == [0, 0])
    }

    @Test("values outside an explicit range are not counted")
    func outsideRange() {
        let histogram = Histogram([-1, 0.25, 0.75, 2], rule: .count(2), range: 0...1)
        #expect(histogram.counts == [1, 1])
        #expect(histogram.density == [1, 1])
    }
}
