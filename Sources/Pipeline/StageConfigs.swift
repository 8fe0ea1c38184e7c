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
    /// Level pairs (i, j), i < j, of would-be degenerate levels whose spacing is measured; empty
    /// means every adjacent pair (i, i + 1).
    public var pairs: [[Int]] = []
    /// Levels dropped at each edge of a spectrum before spacing ratios are taken.
    public var ratioTrim = 0

    public init() {}

    init(_ r: ConfigReader) throws {
        pairs = try r.intPairs("pairs", default: pairs)
        ratioTrim = try r.int("ratio_trim", default: ratioTrim)
        try r.finish()
        try r.require(ratioTrim >= 0, "ratio_trim", "must be a non-negative number of levels")
        try r.require(pairs.allSatisfy { $0[0] >= 0 && $0[0] < $0[1] }, "pairs", "must be pairs [i, j] of level indices with 0 <= i < j")
    }

    public var toml: String { canonicalTOML(["pairs": TOMLArray(pairs.map { TOMLArray($0) }), "ratio_trim": ratioTrim]) }
}

/// Configuration of `fit`.
public struct FitConfig: Sendable, Equatable {
    public static let amplitudes = ["noise_variance", "pair_level", "none"]

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

    public init() {}

    init(_ r: ConfigReader) throws {
        beta = try r.int("beta", default: beta)
        binCount = try r.int("bin_count", default: binCount)
        scalingAmplitude = try r.choice("scaling_amplitude", default: scalingAmplitude, allowed: Self.amplitudes)
        ksReplicas = try r.int("ks_replicas", default: ksReplicas)
        try r.finish()
        try r.require(ksReplicas >= 1, "ks_replicas", "must be at least 1")
        try r.require([1, 2, 4].contains(beta), "beta", "must be 1, 2 or 4 (got \(beta))")
        try r.require(binCount >= 0, "bin_count", "must be 0 (Freedman-Diaconis) or a positive bin count")
    }

    public var toml: String {
        canonicalTOML(["beta": beta, "bin_count": binCount, "scaling_amplitude": scalingAmplitude,
                       "ks_replicas": ksReplicas])
    }
}

/// Reads a stage configuration from TOML text (a standalone file, or one table of a pipeline)
/// with command-line overrides on top (see `Overrides.swift`).
public enum StageConfigFile {}
