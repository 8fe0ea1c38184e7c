import RealModule

/// A fitted one-dimensional density, with the parameters it was fitted with.
///
/// The case names the model; ``density(_:)`` and ``cumulative(_:)`` dispatch to the model's
/// own type (``WignerSemicircle``, ``MarchenkoPastur``, ``Gaussian``, ``GOEPairDensity``,
/// ``PowerLawTail``), where formulas, normalisations and references are documented.
public enum FittedDistribution: Sendable, Equatable, Codable {
    /// Wigner semicircle with centre c and radius R.
    case semicircle(centre: Double, radius: Double)
    /// Marchenko–Pastur law with ratio q ∈ (0, 1] and variance σ².
    case marchenkoPastur(ratio: Double, variance: Double)
    /// Normal distribution N(μ, σ²).
    case gaussian(mean: Double, standardDeviation: Double)
    /// One level of a 2×2 GOE matrix (SPEC §4.4) with centre x₀ and width σ.
    case goePair(centre: Double, width: Double)
    /// Continuous power law p(x) = (α − 1)/x_min · (x/x_min)^{−α} for x ≥ x_min.
    case powerLaw(exponent: Double, lowerCutoff: Double)

    /// The probability density at x. O(1).
    public func density(_ x: Double) -> Double {
        switch self {
        case .semicircle(let c, let r): WignerSemicircle.density(x, centre: c, radius: r)
        case .marchenkoPastur(let q, let v): MarchenkoPastur.density(x, ratio: q, variance: v)
        case .gaussian(let m, let s): Gaussian.density(x, mean: m, standardDeviation: s)
        case .goePair(let c, let w): GOEPairDensity.density(x, centre: c, width: w)
        case .powerLaw(let a, let xMin): PowerLawTail.density(x, exponent: a, lowerCutoff: xMin)
        }
    }

    /// The cumulative distribution function at x. O(1).
    public func cumulative(_ x: Double) -> Double {
        switch self {
        case .semicircle(let c, let r): WignerSemicircle.cumulative(x, centre: c, radius: r)
        case .marchenkoPastur(let q, let v): MarchenkoPastur.cumulative(x, ratio: q, variance: v)
        case .gaussian(let m, let s): Gaussian.cumulative(x, mean: m, standardDeviation: s)
        case .goePair(let c, let w): GOEPairDensity.cumulative(x, centre: c, width: w)
        case .powerLaw(let a, let xMin): PowerLawTail.cumulative(x, exponent: a, lowerCutoff: xMin)
        }
    }
}

/// A fit that the data cannot support (e.g. a spectrum that is not of the fitted law's shape):
/// an input problem, unlike the preconditions on sizes and arguments, so it is thrown.
public struct FitFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Pearson's χ² of a histogram against a fitted model, with bins pooled to a minimum expected count.
///
/// Expected counts E_i = N·(F(e_{i+1}) − F(e_i))/(F(e_last) − F(e_0)) with N the histogram
/// total: the model is conditioned on the histogram's range, so values outside it do not bias
/// the test. Adjacent bins are pooled from the left until each group expects at least
/// `minimumExpected` counts (a short remainder joins the last group); then
/// χ² = Σ_groups (O − E)²/E, dof = groups − 1 − fitted parameters, p = Q(dof/2, χ²/2).
/// The χ² law is approximate because the parameters were fitted to the unbinned sample
/// (Chernoff & Lehmann, Ann. Math. Stat. 25 (1954) 579, doi:10.1214/aoms/1177728726: the true
/// law lies between χ²_{groups−1−k} and χ²_{groups−1}).
public struct BinnedChiSquared: Sendable, Equatable, Codable {
    /// Σ (O − E)²/E over the pooled groups.
    public let chiSquared: Double
    /// groups − 1 − fitted parameters (may be ≤ 0 for very coarse histograms).
    public let degreesOfFreedom: Int
    /// Q(dof/2, χ²/2); NaN when dof ≤ 0.
    public let pValue: Double
    /// The number of groups after pooling.
    public let groups: Int

    /// χ²/dof; NaN when dof ≤ 0.
    public var chiSquaredPerDegree: Double {
        degreesOfFreedom > 0 ? chiSquared / Double(degreesOfFreedom) : .nan
    }
}

/// The result of fitting a density to a sample: named parameters, covariance, goodness of fit.
///
/// Produced by ``WignerSemicircle/fit(_:)``, ``MarchenkoPastur/fit(_:ratioHint:outlierTolerance:)``,
/// ``Gaussian/fit(_:)``, ``GOEPairDensity/fit(_:)`` and ``PowerLawTail/fit(_:minimumTailCount:)``.
/// `values[i]` is the parameter named `parameterNames[i]`; `covariance[i][j]` its covariance
/// matrix (from the inverse observed information for maximum-likelihood fits, or as stated by
/// the fitting function). The KS statistic is against the fitted CDF on the same sample, so its
/// p-value is conservative (Lilliefors effect, see ``LillieforsTest``): use the statistic to
/// compare fits, not the p-value as a test.
public struct FitResult: Sendable, Equatable, Codable {
    /// The fitted model with its parameters.
    public let distribution: FittedDistribution
    /// The parameter names, e.g. ["centre", "radius"].
    public let parameterNames: [String]
    /// The fitted parameter values, in the order of `parameterNames`.
    public let values: [Double]
    /// The parameters' covariance matrix (k × k, symmetric).
    public let covariance: [[Double]]
    /// The number of sample values the fit used.
    public let sampleSize: Int
    /// How the parameters and the covariance were obtained, e.g. "maximum-likelihood".
    public let method: String
    /// The maximised log-likelihood Σ log ρ(x_i), or nil when the fit is not maximum likelihood.
    public let logLikelihood: Double?
    /// The Kolmogorov–Smirnov distance of the fitted sample to the fitted CDF.
    public let kolmogorovSmirnov: KolmogorovSmirnovTest

    /// Assembles a fit result and computes the KS statistic of `sample` against the model.
    ///
    /// Preconditions: names, values and covariance have matching sizes; sample non-empty.
    /// O(n log n).
    public init(distribution: FittedDistribution, parameterNames: [String], values: [Double],
                covariance: [[Double]], sample: [Double], method: String, logLikelihood: Double?) {
        precondition(parameterNames.count == values.count && covariance.count == values.count
                     && covariance.allSatisfy { $0.count == values.count },
                     "FitResult: \(parameterNames.count) names, \(values.count) values, \(covariance.count) covariance rows")
        self.distribution = distribution
        self.parameterNames = parameterNames
        self.values = values
        self.covariance = covariance
        self.sampleSize = sample.count
        self.method = method
        self.logLikelihood = logLikelihood
        self.kolmogorovSmirnov = KolmogorovSmirnovTest(sample: sample, cumulative: distribution.cumulative)
    }

    /// The one-standard-deviation errors √C_ii.
    public var errors: [Double] { covariance.indices.map { Swift.max(0, covariance[$0][$0]).squareRoot() } }

    /// Every parameter as an ``Estimate``, in the order of `parameterNames`.
    public var estimates: [Estimate] { zip(values, errors).map { Estimate(value: $0, error: $1) } }

    /// The parameter called `name` with its error. Precondition: the name exists.
    public func parameter(_ name: String) -> Estimate {
        guard let i = parameterNames.firstIndex(of: name) else {
            preconditionFailure("FitResult: no parameter \(name) in \(parameterNames)")
        }
        return estimates[i]
    }

    /// The fitted density on `grid`, for plotting over a histogram's `density`. O(grid).
    public func curve(grid: [Double]) -> [Double] { grid.map(distribution.density) }

    /// Pearson's χ² of `histogram` against the fitted model; see ``BinnedChiSquared``.
    ///
    /// Preconditions: minimumExpected > 0; the model gives the histogram's range positive
    /// probability. O(bins).
    public func chiSquared(against histogram: Histogram, minimumExpected: Double = 5) -> BinnedChiSquared {
        precondition(minimumExpected > 0, "FitResult.chiSquared: minimumExpected must be positive")
        let cdf = histogram.edges.map(distribution.cumulative)
        let mass = cdf[cdf.count - 1] - cdf[0]
        precondition(mass > 0, "FitResult.chiSquared: the model puts no probability in the histogram's range")
        let total = Double(histogram.total)
        var groups = [(observed: Double, expected: Double)]()
        var observed = 0.0
        var expected = 0.0
        for i in histogram.counts.indices {
            observed += Double(histogram.counts[i])
            expected += total * (cdf[i + 1] - cdf[i]) / mass
            if expected >= minimumExpected {
                groups.append((observed, expected))
                observed = 0
                expected = 0
            }
        }
        if expected > 0 || observed > 0 {
            if groups.isEmpty {
                groups.append((observed, expected))
            } else {
                groups[groups.count - 1].observed += observed
                groups[groups.count - 1].expected += expected
            }
        }
        let chi2 = groups.reduce(0.0) { sum, g in
            g.expected > 0 ? sum + (g.observed - g.expected) * (g.observed - g.expected) / g.expected : sum
        }
        let dof = groups.count - 1 - values.count
        return BinnedChiSquared(chiSquared: chi2, degreesOfFreedom: dof,
                                pValue: dof > 0 ? ChiSquared.survival(chi2, degreesOfFreedom: dof) : .nan,
                                groups: groups.count)
    }
}

/// The covariance of a two-parameter maximum-likelihood fit: the inverse of the observed
/// information −H, H the Hessian of the log-likelihood at the maximum.
///
/// Returns NaN entries when −H is not positive definite (no proper maximum). O(1).
func covarianceFromHessian(_ h: [[Double]]) -> [[Double]] {
    let a = -h[0][0], b = -h[0][1], d = -h[1][1]
    let det = a * d - b * b
    guard a > 0, d > 0, det > 0 else { return [[.nan, .nan], [.nan, .nan]] }
    return [[d / det, -b / det], [-b / det, a / det]]
}
