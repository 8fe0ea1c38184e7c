import Fitting

/// How the levels of large spectra are unfolded (SPEC §4.2): the method and its parameters,
/// the edge trimming and whether the staircase is pooled over the ensemble. A value to be
/// recorded in output files (``Unfolding/Method/name`` and ``Unfolding/Method/parameters``).
///
/// Unfolding maps each level through a smooth estimate N̄ of the cumulative level count
/// ("staircase") N(x) = #{x_i ≤ x}, ξ_i = N̄(x_i), so that the unfolded levels ξ have mean
/// spacing 1 everywhere and the fluctuations left are the universal ones. The staircase of a
/// sorted spectrum x_1 ≤ … ≤ x_n is sampled at its mid-steps, N(x_i) = i − ½, so that a fit
/// has no half-step offset; a pooled staircase of M spectra uses all M·n levels y_k, sorted,
/// with N(y_k) = (k − ½)/M (the ensemble-mean count), and maps every spectrum with it.
///
/// Reference: T. Guhr, A. Müller-Groeling, H. A. Weidenmüller, Phys. Rep. 299 (1998) 189,
/// doi:10.1016/S0370-1573(97)00088-4, §2.2; for the pitfalls of fitted staircases
/// J. M. G. Gómez et al., Phys. Rev. E 66 (2002) 036209, doi:10.1103/PhysRevE.66.036209.
public struct Unfolding: Sendable, Equatable, Codable {
    /// The smooth estimate of the staircase.
    public enum Method: Sendable, Equatable, Codable {
        /// Level by level with the ensemble: ξ_1 = 0, ξ_{i+1} = ξ_i + (x_{i+1} − x_i)/⟨x_{i+1} − x_i⟩,
        /// the mean over the ensemble's spectra of each gap. The papers' choice for ensembles of
        /// few levels, where no staircase can be fitted; always pooled.
        case meanSpacing
        /// Least-squares polynomial of the given degree (Legendre basis on the level range).
        case polynomial(degree: Int)
        /// Least-squares cubic spline (regression spline, not a smoothing spline) with the given
        /// number of interior knots at equally spaced quantiles of the levels.
        case spline(interiorKnots: Int)
        /// Integral of a Gaussian kernel density estimate; the bandwidth h is in units of the
        /// average spacing (x_max − x_min)/(n − 1) of the fitted spectrum (or pooled ensemble,
        /// n levels per spectrum), so one value suits spectra of any scale.
        case gaussianKernel(bandwidth: Double)
        /// N̄(x) = n·F(x), F the Wigner semicircle CDF with centre c and radius R
        /// (`Fitting.WignerSemicircle.cumulative`).
        case semicircle(centre: Double, radius: Double)
        /// N̄(x) = n·F(x), F the Marchenko–Pastur CDF with ratio q ∈ (0, 1] and variance σ²
        /// (`Fitting.MarchenkoPastur.cumulative`).
        case marchenkoPastur(ratio: Double, variance: Double)

        /// The name recorded in files and used in configurations: "mean_spacing", "polynomial",
        /// "spline", "gaussian_kernel", "semicircle" or "marchenko_pastur".
        public var name: String {
            switch self {
            case .meanSpacing: "mean_spacing"
            case .polynomial: "polynomial"
            case .spline: "spline"
            case .gaussianKernel: "gaussian_kernel"
            case .semicircle: "semicircle"
            case .marchenkoPastur: "marchenko_pastur"
            }
        }

        /// The parameters recorded in files, in snake_case: degree; interior_knots;
        /// bandwidth_in_mean_spacings; centre, radius; ratio, variance.
        public var parameters: [(name: String, value: Double)] {
            switch self {
            case .meanSpacing: []
            case .polynomial(let d): [("degree", Double(d))]
            case .spline(let k): [("interior_knots", Double(k))]
            case .gaussianKernel(let h): [("bandwidth_in_mean_spacings", h)]
            case .semicircle(let c, let r): [("centre", c), ("radius", r)]
            case .marchenkoPastur(let q, let v): [("ratio", q), ("variance", v)]
            }
        }

        /// Whether N̄ is fixed in advance (semicircle, Marchenko–Pastur) rather than fitted.
        public var isAnalytic: Bool {
            switch self {
            case .semicircle, .marchenkoPastur: true
            default: false
            }
        }
    }

    /// The staircase estimate.
    public var method: Method
    /// The fraction f ∈ [0, ½) of levels dropped at *each* edge after unfolding: ⌊f·n⌋ lowest
    /// and ⌊f·n⌋ highest. The staircase is always fitted to all levels.
    public var edgeFraction: Double
    /// Whether one staircase is estimated from all spectra of the ensemble and applied to each
    /// (ensemble-pooled unfolding) instead of one staircase per spectrum. Irrelevant for the
    /// analytic methods.
    public var isPooled: Bool

    /// Creates an unfolding description. Preconditions (checked when used): 0 ≤ edgeFraction < ½.
    public init(method: Method, edgeFraction: Double = 0, isPooled: Bool = false) {
        self.method = method
        self.edgeFraction = edgeFraction
        self.isPooled = isPooled
    }

    /// The number of levels dropped at each edge of a spectrum of `levelCount` levels, ⌊f·n⌋.
    public func trimmedPerEdge(levelCount: Int) -> Int {
        precondition(edgeFraction >= 0 && edgeFraction < 0.5, "Unfolding: edgeFraction must lie in [0, 0.5), got \(edgeFraction)")
        return Int((edgeFraction * Double(levelCount)).rounded(.down))
    }

    /// The number of levels per spectrum left after trimming, n − 2⌊f·n⌋.
    public func keptLevelCount(levelCount: Int) -> Int {
        levelCount - 2 * trimmedPerEdge(levelCount: levelCount)
    }

    /// The smooth staircase N̄ fitted to the levels of `spectra` spectra with `levelCount`
    /// levels each (any order; they are sorted here), normalised to count levels *per spectrum*.
    ///
    /// For the fitted methods the staircase points are (y_k, (k − ½)/spectra) over the sorted
    /// pooled levels y_k; for the analytic ones N̄(x) = levelCount·F(x) and the levels are
    /// not used. Preconditions: levels finite, levels.count = spectra·levelCount, enough levels
    /// for the method (see ``Method``). Complexity: sorting O(m log m), m = levels.count, then
    /// polynomial O(m d²), spline O(m k²), kernel O(1) (evaluation O(log m + m h/range)).
    public func staircase(fittedTo levels: [Double], spectra: Int, levelCount: Int) -> @Sendable (Double) -> Double {
        let n = Double(levelCount)
        switch method {
        case .semicircle(let c, let r):
            return { n * WignerSemicircle.cumulative($0, centre: c, radius: r) }
        case .marchenkoPastur(let q, let v):
            return { n * MarchenkoPastur.cumulative($0, ratio: q, variance: v) }
        default:
            break
        }
        precondition(spectra >= 1 && levels.count == spectra * levelCount,
                     "Unfolding: \(levels.count) levels are not \(spectra) spectra of \(levelCount)")
        precondition(levels.allSatisfy(\.isFinite), "Unfolding: the staircase needs finite levels")
        let sorted = levels.sorted()
        let m = Double(spectra)
        let counts = sorted.indices.map { (Double($0) + 0.5) / m }
        switch method {
        case .polynomial(let degree):
            let fit = PolynomialStaircase(x: sorted, count: counts, degree: degree)
            return { fit($0) }
        case .spline(let knots):
            let fit = SplineStaircase(x: sorted, count: counts, interiorKnots: knots)
            return { fit($0) }
        case .gaussianKernel(let bandwidth):
            precondition(levelCount >= 2, "kernel unfolding needs at least 2 levels per spectrum")
            let meanSpacing = (sorted[sorted.count - 1] - sorted[0]) / (n - 1)
            let fit = KernelStaircase(sortedLevels: sorted, bandwidth: bandwidth * meanSpacing, weight: 1 / m)
            return { fit($0) }
        case .meanSpacing, .semicircle, .marchenkoPastur:
            preconditionFailure("unreachable: mean-spacing unfolding has no staircase; analytic staircases returned above")
        }
    }

    /// Unfolds an ensemble of spectra stored row-major as [sample][level] (each row ascending)
    /// and trims the edges: returns [sample][keptLevelCount] with ξ_i = N̄(x_i).
    ///
    /// Per-spectrum (default): each row gets its own N̄; pooled (``isPooled``): one N̄ from all
    /// rows. A row with a non-finite level (a failed sample) is returned as NaNs and does not
    /// enter a pooled fit. The staircase fits are least squares and not constrained to be
    /// monotone: a too-high degree or too many knots can make ξ non-monotone near the edges,
    /// which trimming removes. Preconditions: levels.count a multiple of levelCount; at least
    /// 2 levels kept; at least one finite row for a pooled fit. Complexity: as
    /// ``staircase(fittedTo:spectra:levelCount:)`` per fit, plus one evaluation per level.
    public func unfold(_ levels: [Double], levelCount: Int) -> [Double] {
        precondition(levelCount >= 1 && levels.count % levelCount == 0, "Unfolding: levels do not fill whole samples of \(levelCount)")
        let trim = trimmedPerEdge(levelCount: levelCount)
        let kept = levelCount - 2 * trim
        precondition(kept >= 2, "Unfolding: trimming \(trim) levels per edge leaves \(kept) of \(levelCount)")
        let samples = levels.count / levelCount
        let rows = (0..<samples).map { Array(levels[($0 * levelCount)..<(($0 + 1) * levelCount)]) }
        let finite = rows.map { $0.allSatisfy(\.isFinite) }
        if method == .meanSpacing { return unfoldedGapByGap(rows, finite: finite, trim: trim, kept: kept) }
        var pooled: (@Sendable (Double) -> Double)? = nil
        if isPooled || method.isAnalytic {
            let good = rows.indices.filter { finite[$0] }
            precondition(!good.isEmpty || method.isAnalytic, "Unfolding: no finite spectrum to pool")
            pooled = staircase(fittedTo: good.flatMap { rows[$0] }, spectra: Swift.max(good.count, 1), levelCount: levelCount)
        }
        var out = [Double]()
        out.reserveCapacity(samples * kept)
        for (s, row) in rows.enumerated() {
            guard finite[s] else {
                out += [Double](repeating: .nan, count: kept)
                continue
            }
            let map = pooled ?? staircase(fittedTo: row, spectra: 1, levelCount: levelCount)
            for i in trim..<(trim + kept) { out.append(map(row[i])) }
        }
        return out
    }

    /// Mean-spacing unfolding (``Method/meanSpacing``): cumulative sums of each gap divided by
    /// its mean over the finite rows, then trimmed. A gap whose ensemble mean is 0 gives NaN.
    private func unfoldedGapByGap(_ rows: [[Double]], finite: [Bool], trim: Int, kept: Int) -> [Double] {
        let levelCount = rows.first?.count ?? 0
        let good = rows.indices.filter { finite[$0] }
        let meanGap = (0..<Swift.max(levelCount - 1, 0)).map { i in
            good.reduce(0) { $0 + rows[$1][i + 1] - rows[$1][i] } / Double(good.count)
        }
        var out = [Double]()
        out.reserveCapacity(rows.count * kept)
        for (s, row) in rows.enumerated() {
            guard finite[s] else {
                out += [Double](repeating: .nan, count: kept)
                continue
            }
            var xi = 0.0
            for i in 0..<(trim + kept) {
                if i > 0 { xi += (row[i] - row[i - 1]) / meanGap[i - 1] }
                if i >= trim { out.append(xi) }
            }
        }
        return out
    }
}
