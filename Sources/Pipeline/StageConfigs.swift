import Spectra
import TOMLKit

/// Configuration of `snapshot`: which matrix and times to take from run files, and the
/// transform applied before diagonalisation.
public struct SnapshotConfig: Sendable, Equatable {
    public static let transforms = MatrixTransform.allCases.map(\.rawValue)
    public static let selections = ["last", "all", "listed"]
    public static let normalisations = ["none", "rows", "columns"]

    public var matrix = "student"
    /// W itself, WᵀW, WWᵀ, (W + Wᵀ)/2 or W − W_teacher.
    public var transform = MatrixTransform.identity
    /// "last" snapshot, "all" snapshots (every `every`-th), or the `steps` listed.
    public var select = "last"
    public var every = 1
    public var steps: [Int] = []
    /// Divide the transformed matrix by its number of rows or columns (e.g. X/n), or not.
    public var normalise = "none"

    public init() {}

    init(_ r: ConfigReader) throws {
        matrix = try r.string("matrix", default: matrix)
        transform = MatrixTransform(rawValue: try r.choice("transform", default: transform.rawValue, allowed: Self.transforms))!
        select = try r.choice("select", default: select, allowed: Self.selections)
        every = try r.int("every", default: every)
        steps = try r.ints("steps", default: steps)
        normalise = try r.choice("normalise", default: normalise, allowed: Self.normalisations)
        try r.finish()
        try r.require(every >= 1, "every", "must be at least 1")
        try r.require(select != "listed" || !steps.isEmpty, "steps", "must list at least one step when select = \"listed\"")
    }

    public var toml: String {
        canonicalTOML(["matrix": matrix, "transform": transform.rawValue, "select": select, "every": every,
                       "steps": TOMLArray(steps), "normalise": normalise])
    }
}

/// Configuration of `diagonalise`.
public struct DiagonaliseConfig: Sendable, Equatable {
    public static let quantities = ["singular_values", "eigenvalues"]
    /// Singular values (any matrix, dgesdd) or eigenvalues (symmetric matrices, dsyevd).
    public var quantity = "singular_values"

    public init() {}

    init(_ r: ConfigReader) throws {
        quantity = try r.choice("quantity", default: quantity, allowed: Self.quantities)
        try r.finish()
    }

    public var toml: String { canonicalTOML(["quantity": quantity]) }
}

/// Configuration of `unfold`.
public struct UnfoldConfig: Sendable, Equatable {
    public static let methods = ["mean_spacing", "polynomial", "spline", "gaussian_kernel", "semicircle", "marchenko_pastur"]

    /// Level pairs (i, j), i < j, of would-be degenerate levels whose spacing is measured; empty
    /// means every adjacent pair (i, i + 1).
    public var pairs: [[Int]] = []
    /// Levels dropped at each edge of a spectrum before spacing ratios are taken.
    public var ratioTrim = 0
    /// How levels are unfolded to unit mean spacing (SPEC §4.2): "mean_spacing" divides each gap
    /// by its ensemble mean (the papers' choice for few levels); "polynomial", "spline" and
    /// "gaussian_kernel" fit the staircase; "semicircle" and "marchenko_pastur" use the analytic
    /// CDF.
    public var method = "mean_spacing"
    /// Degree of the polynomial staircase.
    public var degree = 5
    /// Interior knots of the cubic regression spline, at equally spaced level quantiles.
    public var interiorKnots = 6
    /// Gaussian-kernel bandwidth in units of the mean level spacing.
    public var bandwidth = 2.0
    /// Semicircle centre and radius; radius 0 fits (c, R) to each ensemble's levels.
    public var centre = 0.0
    public var radius = 0.0
    /// Marchenko–Pastur ratio q and variance σ²; variance 0 fits (q, σ²) to each ensemble's levels.
    public var ratio = 0.0
    public var variance = 0.0
    /// Fraction of unfolded levels dropped at each edge.
    public var edgeFraction = 0.0
    /// One staircase per ensemble (pooled over its spectra) instead of one per spectrum.
    public var pooled = false
    /// Interval lengths L (in mean spacings) of the number variance Σ²(L) and rigidity Δ₃(L).
    public var lengths = [0.5, 1, 2, 4, 8]

    public init() {}

    init(_ r: ConfigReader) throws {
        pairs = try r.intPairs("pairs", default: pairs)
        ratioTrim = try r.int("ratio_trim", default: ratioTrim)
        method = try r.choice("method", default: method, allowed: Self.methods)
        degree = try r.int("degree", default: degree)
        interiorKnots = try r.int("interior_knots", default: interiorKnots)
        bandwidth = try r.double("bandwidth", default: bandwidth)
        centre = try r.double("centre", default: centre)
        radius = try r.double("radius", default: radius)
        ratio = try r.double("ratio", default: ratio)
        variance = try r.double("variance", default: variance)
        edgeFraction = try r.double("edge_fraction", default: edgeFraction)
        pooled = try r.bool("pooled", default: pooled)
        lengths = try r.doubles("lengths", default: lengths)
        try r.finish()
        try r.require(ratioTrim >= 0, "ratio_trim", "must be a non-negative number of levels")
        try r.require(pairs.allSatisfy { $0[0] >= 0 && $0[0] < $0[1] }, "pairs", "must be pairs [i, j] of level indices with 0 <= i < j")
        try r.require(degree >= 1, "degree", "must be at least 1")
        try r.require(interiorKnots >= 0, "interior_knots", "must be a non-negative number of knots")
        try r.require(bandwidth > 0 && bandwidth.isFinite, "bandwidth", "must be a positive number of mean spacings")
        try r.require(radius >= 0 && radius.isFinite && centre.isFinite, "radius", "must be 0 (fit) or a positive radius")
        try r.require(variance >= 0 && variance.isFinite, "variance", "must be 0 (fit) or a positive variance")
        try r.require(variance == 0 || (ratio > 0 && ratio <= 1), "ratio", "must lie in (0, 1] when variance is given")
        try r.require(edgeFraction >= 0 && edgeFraction < 0.5, "edge_fraction", "must lie in [0, 0.5)")
        try r.require(lengths.allSatisfy { $0 > 0 && $0.isFinite }, "lengths", "must be positive interval lengths")
    }

    public var toml: String {
        canonicalTOML(["pairs": TOMLArray(pairs.map { TOMLArray($0) }), "ratio_trim": ratioTrim, "method": method,
                       "degree": degree, "interior_knots": interiorKnots, "bandwidth": bandwidth, "centre": centre,
                       "radius": radius, "ratio": ratio, "variance": variance, "edge_fraction": edgeFraction,
                       "pooled": pooled, "lengths": TOMLArray(lengths)])
    }
}

/// Configuration of `fit`.
public struct FitConfig: Sendable, Equatable {
    public static let amplitudes = ["noise_variance", "pair_level", "none"]
    public static let densityLaws = ["semicircle", "marchenko_pastur", "gaussian", "power_law_tail", "coulomb_gas"]

    /// Dyson index of the Wigner surmise tested against (1 for real weight matrices).
    public var beta = 1
    /// Histogram bins of s: 0 for the Freedman–Diaconis rule (the papers' choice), else a count.
    public var binCount = 0
    /// A in the linear scaling fit ⟨S⟩ = a·√(T·A) over every ensemble and level pair:
    /// "noise_variance" (A = ε², SPEC §2.1), "pair_level" (A = the pair's mean level x̄ ≈ μ² − κ,
    /// SPEC §2.2), or "none".
    public var scalingAmplitude = "noise_variance"
    /// Monte Carlo replicas calibrating the KS p-value (its resolution is 1/(replicas + 1)).
    public var ksReplicas = 1000
    /// Laws fitted to each ensemble's pooled levels (SPEC §4.3): any of `densityLaws`.
    public var densities: [String] = []
    /// Level indices pooled for the density fits; empty means every level.
    public var densityLevels: [Int] = []
    /// Fit the 2×2 GOE one-level density (SPEC §4.4) to both levels of each pair.
    public var pairDensity = false
    /// Estimate drift and diffusion of every level from consecutive snapshots (SPEC §4.6).
    public var dynamics = false
    /// Observations whose level has a neighbour closer than this are left out of the Coulomb
    /// regression (see `DysonBrownianMotionCheck`); 0 keeps all.
    public var dynamicsMinimumSpacing = 0.0

    public init() {}

    init(_ r: ConfigReader) throws {
        beta = try r.int("beta", default: beta)
        binCount = try r.int("bin_count", default: binCount)
        scalingAmplitude = try r.choice("scaling_amplitude", default: scalingAmplitude, allowed: Self.amplitudes)
        ksReplicas = try r.int("ks_replicas", default: ksReplicas)
        densities = try r.strings("densities", default: densities)
        densityLevels = try r.ints("density_levels", default: densityLevels)
        pairDensity = try r.bool("pair_density", default: pairDensity)
        dynamics = try r.bool("dynamics", default: dynamics)
        dynamicsMinimumSpacing = try r.double("dynamics_minimum_spacing", default: dynamicsMinimumSpacing)
        try r.finish()
        try r.require(ksReplicas >= 1, "ks_replicas", "must be at least 1")
        try r.require([1, 2, 4].contains(beta), "beta", "must be 1, 2 or 4 (got \(beta))")
        try r.require(binCount >= 0, "bin_count", "must be 0 (Freedman-Diaconis) or a positive bin count")
        let unknown = densities.filter { !Self.densityLaws.contains($0) }
        try r.require(unknown.isEmpty, "densities", "unknown law(s) \(unknown); choose from \(Self.densityLaws.joined(separator: ", "))")
        try r.require(Set(densities).count == densities.count, "densities", "lists a law twice")
        try r.require(densityLevels.allSatisfy { $0 >= 0 }, "density_levels", "must be level indices >= 0")
        try r.require(dynamicsMinimumSpacing >= 0, "dynamics_minimum_spacing", "must be non-negative")
    }

    public var toml: String {
        canonicalTOML(["beta": beta, "bin_count": binCount, "scaling_amplitude": scalingAmplitude,
                       "ks_replicas": ksReplicas, "densities": TOMLArray(densities), "density_levels": TOMLArray(densityLevels),
                       "pair_density": pairDensity, "dynamics": dynamics, "dynamics_minimum_spacing": dynamicsMinimumSpacing])
    }
}

/// Reads a stage configuration from TOML text (a standalone file, or one table of a pipeline)
/// with command-line overrides on top (see `Overrides.swift`).
public enum StageConfigFile {}
