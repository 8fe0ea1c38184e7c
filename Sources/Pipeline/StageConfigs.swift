import Foundation
import Spectra
import TOMLKit

/// Configuration of `snapshot`: which matrix and times to take from run files, and the
/// transform applied before diagonalisation.
public struct SnapshotConfig: Sendable, Equatable {
    public static let transforms = MatrixTransform.allCases.map(\.rawValue)
    public static let selections = ["last", "all", "listed"]
    public static let normalisations = ["none", "rows", "columns"]
    public static let sources = ["run", "npy", "npz", "safetensors", "hdf5"]
    public static let axisNames = ["seed", "snapshot", "row", "col"]

    public var matrix = "student"
    /// W itself, WᵀW, WWᵀ, (W + Wᵀ)/2 or W − W_teacher.
    public var transform = MatrixTransform.identity
    /// "last" snapshot, "all" snapshots (every `every`-th), or the `steps` listed.
    public var select = "last"
    public var every = 1
    public var steps: [Int] = []
    /// Divide the transformed matrix by its number of rows or columns (e.g. X/n), or not.
    public var normalise = "none"
    /// Seed indices to keep (within each input); empty keeps every seed.
    public var seeds: [Int] = []

    /// Where the matrices come from: dyson run files ("run"), or files written by other tools
    /// (see `WeightImportSource`): a NumPy `.npy`, an `.npz` member `array`, the `.safetensors`
    /// tensors matching the glob `tensors`, or the HDF5 dataset at path `dataset`.
    public var source = "run"
    public var array = ""
    public var tensors = "*"
    public var dataset = ""
    /// Meaning of the imported array's axes, e.g. "seed,snapshot,row,col" (row and col required).
    public var axes = "row,col"
    /// Scalar arrays (npz), scalar datasets or root attributes (HDF5), or `__metadata__` entries
    /// (safetensors) holding each input's hyper-parameters; they become ensemble coordinates.
    public var parameters: [String] = []
    /// Array (same file) with the training step of each snapshot; empty: the snapshot index.
    public var stepArray = ""
    /// In a pipeline file: the files to import (source ≠ "run"), which replace [simulate].
    public var inputs: [String] = []

    public init() {}

    init(_ r: ConfigReader) throws {
        source = try r.choice("source", default: source, allowed: Self.sources)
        array = try r.string("array", default: array)
        tensors = try r.string("tensors", default: tensors)
        dataset = try r.string("dataset", default: dataset)
        axes = try r.string("axes", default: axes)
        parameters = try r.strings("parameters", default: parameters)
        stepArray = try r.string("step_array", default: stepArray)
        inputs = try r.strings("inputs", default: inputs)
        matrix = try r.string("matrix", default: matrix)
        transform = MatrixTransform(rawValue: try r.choice("transform", default: transform.rawValue, allowed: Self.transforms))!
        select = try r.choice("select", default: select, allowed: Self.selections)
        every = try r.int("every", default: every)
        steps = try r.ints("steps", default: steps)
        normalise = try r.choice("normalise", default: normalise, allowed: Self.normalisations)
        seeds = try r.ints("seeds", default: seeds)
        try r.finish()
        try r.require(every >= 1, "every", "must be at least 1")
        try r.require(seeds.allSatisfy { $0 >= 0 }, "seeds", "must be non-negative seed indices")
        try r.require(select != "listed" || !steps.isEmpty, "steps", "must list at least one step when select = \"listed\"")
        try r.require(source != "npz" || !array.isEmpty, "array", "must name the array to import when source = \"npz\"")
        try r.require(source != "hdf5" || !dataset.isEmpty, "dataset", "must give the dataset path when source = \"hdf5\"")
        try r.require(source == "run" || transform != .minusTeacher, "transform", "\"minus_teacher\" needs a run file's teacher; imports have none")
        let axisList = axes.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        try r.require(axisList.allSatisfy(Self.axisNames.contains) && Set(axisList).count == axisList.count
                      && axisList.contains("row") && axisList.contains("col"),
                      "axes", "must name distinct axes among \(Self.axisNames.joined(separator: ", ")), including row and col (got \"\(axes)\")")
    }

    /// The axis names of `axes`, in order.
    public var axisList: [String] { axes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

    /// Run-file configurations keep their original canonical text (so existing outputs stay up
    /// to date); imports add their keys.
    public var toml: String {
        var entries: [String: TOMLValueConvertible] = ["matrix": matrix, "transform": transform.rawValue, "select": select, "every": every,
                                                       "steps": TOMLArray(steps), "normalise": normalise]
        if !seeds.isEmpty { entries["seeds"] = TOMLArray(seeds) }
        if source != "run" {
            entries.merge(["source": source, "array": array, "tensors": tensors, "dataset": dataset, "axes": axes,
                           "parameters": TOMLArray(parameters), "step_array": stepArray, "inputs": TOMLArray(inputs)]) { $1 }
        }
        return canonicalTOML(entries)
    }
}

/// Configuration of `diagonalise`.
public struct DiagonaliseConfig: Sendable, Equatable {
    public static let quantities = ["singular_values", "eigenvalues"]
    public static let drivers = ["auto", "householder_ql", "dsyevd", "dsyevr", "householder_dbdsqr", "householder_dqds", "tsqr_dbdsqr", "dgesdd"]
    /// Singular values (any matrix) or eigenvalues (symmetric matrices).
    public var quantity = "singular_values"
    /// "auto": the Swift Householder reduction + QL (eigen) or Swift dqds (singular) for matrices up to
    /// `Diagonalisation.smallMatrixDimension`, else dsyevd/dgesdd (dsyevd when vectors are
    /// wanted; singular values of a matrix with max ≥ 2 min take the two-block QR
    /// `tsqr_dbdsqr`); or one driver by name.
    public var driver = "auto"
    /// Also write eigenvectors (eigenvalues with dsyevd or dsyevr only).
    public var vectors = false
    /// Let a batch of fewer matrices than threads use multi-threaded OpenBLAS (faster for one
    /// large matrix; last bits then depend on the thread count).
    public var threadedBLAS = false

    public init() {}

    init(_ r: ConfigReader) throws {
        quantity = try r.choice("quantity", default: quantity, allowed: Self.quantities)
        driver = try r.choice("driver", default: driver, allowed: Self.drivers)
        vectors = try r.bool("vectors", default: vectors)
        threadedBLAS = try r.bool("threaded_blas", default: threadedBLAS)
        try r.finish()
        let eigen = ["auto", "dsyevd", "dsyevr", "householder_ql"], singular = ["auto", "dgesdd", "householder_dbdsqr", "householder_dqds", "tsqr_dbdsqr"]
        try r.require((quantity == "eigenvalues" ? eigen : singular).contains(driver), "driver",
                      "\"\(driver)\" does not compute \(quantity); use one of \((quantity == "eigenvalues" ? eigen : singular).joined(separator: ", "))")
        try r.require(!vectors || (quantity == "eigenvalues" && driver != "householder_ql"), "vectors",
                      "needs quantity = \"eigenvalues\" and driver auto, dsyevd or dsyevr")
    }

    /// Default settings keep the original canonical text, so existing outputs stay up to date.
    public var toml: String {
        var entries: [String: TOMLValueConvertible] = ["quantity": quantity]
        if driver != "auto" || vectors || threadedBLAS {
            entries.merge(["driver": driver, "vectors": vectors, "threaded_blas": threadedBLAS]) { $1 }
        }
        return canonicalTOML(entries)
    }
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
