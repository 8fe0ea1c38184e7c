import Fitting
import HDF5

/// The 2×2 GOE one-level density (SPEC §4.4) fitted to both levels of each would-be degenerate
/// pair, per ensemble: centre x₀ (the level the pair fluctuates about; for the RBM λ_fit =
/// μ² − x₀) and width σ (⟨S⟩ = √π σ for a 2×2 GOE pair, SPEC §2.2) — by maximum likelihood
/// (`GOEPairDensity.fit`). The two levels of one sample are correlated, so the
/// observed-information errors, which treat the 2M levels as independent, are approximate.
struct PairDensityFits {
    /// [ensemble][pair].
    let fits: [[FitResult]]
    static let gridPoints = 201

    init(pairLevels data: FitInputs, groups: [[Int]], file: String) throws {
        let spacing = data["pair_spacing"]!, centre = data["pair_centre"]!
        let pairs = spacing.columns
        fits = try groups.enumerated().map { ensemble, group in
            try (0..<pairs).map { pair in
                let x = group.flatMap { sample -> [Double] in
                    let c = centre.values[sample * pairs + pair], half = spacing.values[sample * pairs + pair] / 2
                    return c.isFinite && half.isFinite ? [c - half, c + half] : []
                }
                guard x.count >= 4, Set(x).count >= 2 else {
                    throw DysonError.badInput(file: file, message: "ensemble \(ensemble), pair \(pair): a pair-density fit needs at least 2 samples with distinct finite levels")
                }
                return GOEPairDensity.fit(x)
            }
        }
    }

    func write(to root: borrowing Group) throws {
        let ensembles = fits.count, pairs = fits.first?.count ?? 0
        let axes = ["ensemble", "pair"], shape = [ensembles, pairs]
        for (name, description) in [("centre", "centre x0 of the 2x2 GOE one-level density fitted to both levels of the pair"),
                                    ("width", "width sigma of the fitted 2x2 GOE one-level density")] {
            try root.writeVariable("pair_density_\(name)", fits.flatMap { $0.map { $0.parameter(name).value } }, axes: axes, shape: shape,
                                   description: description)
            try root.writeVariable("pair_density_\(name)_error", fits.flatMap { $0.map { $0.parameter(name).error } }, axes: axes, shape: shape,
                                   description: "observed-information error of pair_density_\(name) (treats the two levels of a sample as independent)")
        }
        try root.writeVariable("pair_density_ks_statistic", fits.flatMap { $0.map(\.kolmogorovSmirnov.statistic) }, axes: axes, shape: shape,
                               description: "KS distance of the pair's levels from the fitted density")
        try root.createAxis("pair_curve_point", count: Self.gridPoints, description: "point of the pair-density curve grid")
        var grids: [Double] = [], curves: [Double] = []
        for fit in fits.flatMap({ $0 }) {
            let c = fit.parameter("centre").value, w = fit.parameter("width").value
            let grid = (0..<Self.gridPoints).map { c + w * (-5 + 10 * Double($0) / Double(Self.gridPoints - 1)) }
            grids += grid
            curves += fit.curve(grid: grid)
        }
        try root.writeVariable("pair_density_x", grids, axes: ["ensemble", "pair", "pair_curve_point"], shape: shape + [Self.gridPoints],
                               description: "grid of +-5 fitted widths about the fitted centre")
        try root.writeVariable("pair_density_curve", curves, axes: ["ensemble", "pair", "pair_curve_point"], shape: shape + [Self.gridPoints],
                               description: "fitted 2x2 GOE one-level density on pair_density_x")
    }
}
