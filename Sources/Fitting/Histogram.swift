import RealModule

/// How a ``Histogram`` chooses its bins.
public enum BinRule: Sendable, Equatable, Codable {
    /// Width 2·IQR/n^{1/3} (Freedman & Diaconis 1981), the papers' choice; numpy's `bins="fd"`.
    case freedmanDiaconis
    /// A fixed number of equal bins spanning the range; numpy's `bins=k`.
    case count(Int)
    /// Bins of exactly this width starting at the lower end of the range.
    case width(Double)

    /// The name recorded in output files: "freedman-diaconis", "fixed-count" or "fixed-width".
    public var name: String {
        switch self {
        case .freedmanDiaconis: "freedman-diaconis"
        case .count: "fixed-count"
        case .width: "fixed-width"
        }
    }
}

/// A one-dimensional histogram with its bin edges, counts and the rule that chose the bins.
public struct Histogram: Sendable, Equatable, Codable {
    /// bins + 1 strictly increasing edges; bin i is [edges[i], edges[i+1]), the last one closed.
    public let edges: [Double]
    /// The number of values in each bin.
    public let counts: [Int]
    /// The binning rule, as recorded in output files (``BinRule/name``).
    public let rule: String

    /// Creates a histogram from edges and counts (e.g. read back from a file).
    ///
    /// Preconditions: edges strictly increasing, counts.count = edges.count − 1 ≥ 1, counts ≥ 0.
    public init(edges: [Double], counts: [Int], rule: String) {
        precondition(counts.count >= 1 && edges.count == counts.count + 1,
                     "Histogram: \(edges.count) edges for \(counts.count) bins")
        precondition(zip(edges, edges.dropFirst()).allSatisfy { $0 < $1 }, "Histogram: edges must increase strictly")
        precondition(counts.allSatisfy { $0 >= 0 }, "Histogram: counts must be non-negative")
        self.edges = edges
        self.counts = counts
        self.rule = rule
    }

    /// The number of values counted (those inside the range).
    public var total: Int { counts.reduce(0, +) }

    /// The bin widths edges[i+1] − edges[i].
    public var widths: [Double] { zip(edges, edges.dropFirst()).map { $1 - $0 } }

    /// The bin centres (edges[i] + edges[i+1])/2.
    public var centres: [Double] { zip(edges, edges.dropFirst()).map { ($0 + $1) / 2 } }

    /// The probability density counts[i]/(total · width_i), integrating to 1 over the range
    /// (numpy's `density=True`); all zeros for an empty histogram. O(bins).
    public var density: [Double] {
        let n = Double(total)
        guard n > 0 else { return Array(repeating: 0, count: counts.count) }
        return zip(counts, widths).map { Double($0) / (n * $1) }
    }
}

extension Histogram {
    /// Bins `x` by `rule` over `range` (default [min x, max x]), reproducing numpy.histogram.
    ///
    /// - Freedman–Diaconis: width h = 2·IQR·n^{−1/3} with the IQR from ``Quantile/linear(_:_:)``
    ///   of the n values inside the range; bins = ⌈span/h⌉, or 1 when the IQR is 0; equal edges
    ///   spaced as `numpy.linspace`, so they equal `numpy.histogram_bin_edges(x, "fd")`.
    /// - `.count(k)`: k equal bins over the range.
    /// - `.width(w)`: ⌈span/w⌉ (≥ 1) bins of width w from the lower end; the last edge may lie
    ///   above the range.
    ///
    /// A zero span becomes [c − 0.5, c + 0.5] (numpy). Values outside the range are not
    /// counted; a value on an inner edge goes to the bin above it, one on the last edge to the
    /// last bin. An empty sample without a range uses [0, 1].
    /// Preconditions: values finite; range bounds finite; k ≥ 1; w > 0; at most 10⁷ bins (an
    /// outlier can make Freedman–Diaconis ask for more: give a range). O(n log n) for
    /// Freedman–Diaconis (sort), O(n + bins) otherwise.
    ///
    /// Reference: D. Freedman and P. Diaconis, Z. Wahrscheinlichkeitstheorie verw. Gebiete 57,
    /// 453 (1981), doi:10.1007/BF01025868.
    public init(_ x: [Double], rule: BinRule = .freedmanDiaconis, range: ClosedRange<Double>? = nil) {
        precondition(x.allSatisfy { $0.isFinite }, "Histogram: the values must be finite")
        var first: Double
        var last: Double
        if let range {
            precondition(range.lowerBound.isFinite && range.upperBound.isFinite, "Histogram: the range must be finite")
            (first, last) = (range.lowerBound, range.upperBound)
        } else if let low = x.min(), let high = x.max() {
            (first, last) = (low, high)
        } else {
            (first, last) = (0, 1)
        }
        if first == last {
            first -= 0.5
            last += 0.5
        }
        let kept = range == nil ? x : x.filter { $0 >= first && $0 <= last }

        let binCount: Int
        var lastEdge = last
        switch rule {
        case .freedmanDiaconis:
            let sorted = kept.sorted()
            if sorted.isEmpty {
                binCount = 1
            } else {
                let iqr = Quantile.linear(sorted, 0.75) - Quantile.linear(sorted, 0.25)
                // Same operation order as numpy's _hist_bin_fd: 2.0 * iqr * n ** (-1/3).
                let width = 2.0 * iqr * Double.pow(Double(sorted.count), -1.0 / 3.0)
                binCount = width > 0 ? Histogram.checkedBinCount(((last - first) / width).rounded(.up)) : 1
            }
        case .count(let k):
            precondition(k >= 1, "Histogram: the bin count must be ≥ 1, got \(k)")
            binCount = Histogram.checkedBinCount(Double(k))
        case .width(let w):
            precondition(w > 0 && w.isFinite, "Histogram: the bin width must be positive, got \(w)")
            binCount = max(1, Histogram.checkedBinCount(((last - first) / w).rounded(.up)))
            lastEdge = first + Double(binCount) * w
        }

        // numpy.linspace: edge_i = i·step + first, the last edge set exactly.
        let step = (lastEdge - first) / Double(binCount)
        var edges = (0...binCount).map { Double($0) * step + first }
        edges[binCount] = lastEdge
        precondition(zip(edges, edges.dropFirst()).allSatisfy { $0 < $1 },
                     "Histogram: \(binCount) bins are too many for the range [\(first), \(lastEdge)]")

        // numpy's uniform-bin fast path: a scaled index, then a one-ULP correction against the
        // edges, so that counts agree with numpy.histogram exactly.
        var counts = Array(repeating: 0, count: binCount)
        let span = lastEdge - first
        for value in kept {
            var index = Int((value - first) / span * Double(binCount))
            if index == binCount { index -= 1 }
            if value < edges[index] { index -= 1 }
            if value >= edges[index + 1] && index != binCount - 1 { index += 1 }
            counts[index] += 1
        }
        self.init(edges: edges, counts: counts, rule: rule.name)
    }

    /// Converts a rounded-up bin count to Int, trapping on absurd counts instead of overflowing.
    private static func checkedBinCount(_ bins: Double) -> Int {
        precondition(bins <= 1e7, "Histogram: \(bins) bins requested; pass a range or a bin rule to limit them")
        return Int(bins)
    }
}
