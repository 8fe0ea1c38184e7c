import Fitting
import HDF5
import Spectra

/// `unfold` (SPEC §4.2): for ensembles of few levels, spacings of would-be degenerate pairs
/// S = x_j − x_i per sample, normalised per ensemble as s = S/⟨S⟩, and nearest-neighbour
/// spacings normalised by the ensemble mean of each gap; for any spectra, the levels unfolded
/// to unit mean spacing (method in `UnfoldConfig`), their nearest and next-nearest spacings,
/// the spacing ratios r̃ and the number variance Σ²(L) and rigidity Δ₃(L) per ensemble.
///
/// The input levels are copied into the output (`level_value`), so that `fit` can fit densities and
/// the time-resolved Dyson Brownian motion from one file. Samples whose diagonalisation failed
/// (NaN levels) get NaN throughout and enter no ensemble statistic.
public enum UnfoldStage {
    public static func run(input: String, config: UnfoldConfig, output: String) throws {
        let spectra = try AnalysisInput(input, expecting: .spectra)
        let (values, levels) = try spectra.samples("values", minimumColumns: 2)
        let pairs = config.pairs.isEmpty ? (0..<(levels - 1)).map { [$0, $0 + 1] } : config.pairs
        if let bad = pairs.first(where: { $0[1] >= levels }) {
            throw DysonError.invalidConfiguration(source: "unfold.pairs", message: "pair [\(bad[0]), \(bad[1])] needs level \(bad[1]) but \(input) has \(levels) levels")
        }
        let unfolding = try EnsembleUnfolding(values: values, levelCount: levels, groups: spectra.index.samplesByEnsemble,
                                              config: config, file: input)
        try write(index: spectra.index, values: values, levels: levels, pairs: pairs, unfolding: unfolding, config: config,
                  record: spectra.record, quantity: try spectra.file.root().attribute("quantity", as: String.self), output: output)
    }

    private static func write(index: EnsembleIndex, values: [Double], levels: Int, pairs: [[Int]], unfolding: EnsembleUnfolding,
                              config: UnfoldConfig, record: InputRecord, quantity: String, output: String) throws {
        let samples = index.sampleCount
        let groups = index.samplesByEnsemble
        let pairSpacing = LevelSpacings.pairSpacings(values, levelCount: levels, pairs: pairs.map { ($0[0], $0[1]) })
        let pairCentre = LevelSpacings.pairCentres(values, levelCount: levels, pairs: pairs.map { ($0[0], $0[1]) })
        let gaps = levels - 1
        let spacing = LevelSpacings.nearestNeighbour(values, levelCount: levels)
        let ratioCount = levels - 2 * config.ratioTrim - 2
        let ratios = ratioCount >= 1 ? LevelSpacings.spacingRatios(values, levelCount: levels, trim: config.ratioTrim) : []
        let pairNormalised = LevelSpacings.normalisedByGroupMean(pairSpacing, columns: pairs.count, groups: groups)
        let spacingNormalised = LevelSpacings.normalisedByGroupMean(spacing, columns: gaps, groups: groups)
        let kept = unfolding.keptLevels
        let unfoldedSpacing = LevelSpacings.nearestNeighbour(unfolding.levels, levelCount: kept)
        try AtomicOutput.write(output) { temporary in
            let file = try File.create(temporary)
            try FileHeader(schema: .unfolded, config: config.toml, inputs: [record]).write(to: file)
            let root = try file.root()
            try index.write(to: root)
            try root.createAxis("level", count: levels, description: "level index, ascending")
            try root.writeVariable("level_value", values, axes: ["sample", "level"], shape: [samples, levels],
                                   description: "the input levels: \(quantity)")
            try root.createAxis("pair", count: pairs.count, description: "pair of would-be degenerate levels")
            try root.createAxis("gap", count: gaps, description: "gap between levels i and i + 1")
            try root.writeVariable("pair_lower", pairs.map { Int64($0[0]) }, axes: ["pair"], description: "lower level index of the pair")
            try root.writeVariable("pair_upper", pairs.map { Int64($0[1]) }, axes: ["pair"], description: "upper level index of the pair")
            try root.writeVariable("pair_spacing", pairSpacing, axes: ["sample", "pair"], shape: [samples, pairs.count],
                                   description: "S = x_upper - x_lower of \(quantity)")
            try root.writeVariable("pair_centre", pairCentre, axes: ["sample", "pair"], shape: [samples, pairs.count],
                                   description: "(x_lower + x_upper)/2, the level the pair fluctuates about, of \(quantity)")
            try root.writeVariable("pair_spacing_normalised", pairNormalised, axes: ["sample", "pair"], shape: [samples, pairs.count],
                                   description: "s = S / <S>, <S> the mean over the sample's ensemble")
            try root.writeVariable("spacing", spacing, axes: ["sample", "gap"], shape: [samples, gaps],
                                   description: "nearest-neighbour spacing x_(i+1) - x_i of \(quantity)")
            try root.writeVariable("spacing_normalised", spacingNormalised, axes: ["sample", "gap"], shape: [samples, gaps],
                                   description: "nearest-neighbour spacing / its mean over the ensemble (mean-spacing unfolding)")
            if ratioCount >= 1 {
                try root.createAxis("ratio", count: ratioCount, description: "consecutive spacing pair after trimming \(config.ratioTrim) level(s) per edge")
                try root.writeVariable("spacing_ratio", ratios, axes: ["sample", "ratio"], shape: [samples, ratioCount],
                                       description: "r~ = min(S_(i+1)/S_i, S_i/S_(i+1)) of nearest-neighbour spacings (Atas et al. 2013)")
                try root.writeVariable("spacing_ratio_unrestricted",
                                       LevelSpacings.unrestrictedSpacingRatios(values, levelCount: levels, trim: config.ratioTrim),
                                       axes: ["sample", "ratio"], shape: [samples, ratioCount],
                                       description: "r = S_(i+1)/S_i of nearest-neighbour spacings, density P(r) = P(1/r)/r^2 (Oganesyan and Huse 2007)")
            }
            try writeUnfolded(unfolding, spacing: unfoldedSpacing, samples: samples, config: config, to: root)
            try root.setAttribute("method", config.method)
            try root.setAttribute("quantity", quantity)
            try file.close()
        }
    }

    /// The unfolded levels, their spacings and the long-range statistics.
    private static func writeUnfolded(_ unfolding: EnsembleUnfolding, spacing: [Double], samples: Int, config: UnfoldConfig,
                                      to root: borrowing Group) throws {
        let kept = unfolding.keptLevels
        let how = "unfolded by \(config.method)\(config.pooled ? ", pooled over the ensemble" : ""), edge fraction \(config.edgeFraction) trimmed"
        try root.createAxis("unfolded_level", count: kept, description: "level index after edge trimming")
        try root.createAxis("unfolded_gap", count: kept - 1, description: "gap between unfolded levels i and i + 1")
        try root.writeVariable("unfolded_level_value", unfolding.levels, axes: ["sample", "unfolded_level"], shape: [samples, kept],
                               description: "xi_i = N(x_i), the levels \(how); mean spacing 1", units: "mean spacings")
        try root.writeVariable("unfolded_spacing", spacing, axes: ["sample", "unfolded_gap"], shape: [samples, kept - 1],
                               description: "nearest-neighbour spacing of the unfolded levels", units: "mean spacings")
        if kept >= 3 {
            try root.createAxis("unfolded_next_gap", count: kept - 2, description: "distance between unfolded levels i and i + 2")
            try root.writeVariable("next_nearest_spacing", LevelSpacings.nextNearestNeighbour(unfolding.levels, levelCount: kept),
                                   axes: ["sample", "unfolded_next_gap"], shape: [samples, kept - 2],
                                   description: "xi_(i+2) - xi_i of the unfolded levels (mean 2)", units: "mean spacings")
        }
        for (name, values) in unfolding.fittedParameters {
            try root.writeVariable(name, values, axes: ["ensemble"], description: "parameter of the analytic CDF fitted to the ensemble's levels for unfolding")
        }
        guard let sigma = unfolding.numberVariance, let delta = unfolding.spectralRigidity else { return }
        let ensembles = sigma.count, lengths = config.lengths.count
        try root.createCoordinate("length", config.lengths, description: "interval length L of the long-range statistics", units: "mean spacings")
        let statistics: [(String, [[Estimate]], String)] = [
            ("number_variance", sigma, "Sigma^2(L), variance of the number of unfolded levels in [a, a + L) (Poisson: L; GOE at large L: (2/pi^2)(ln(2 pi L) + 1.5772 - pi^2/8))"),
            ("spectral_rigidity", delta, "Delta_3(L), least-squares deviation of the staircase from a line over [a, a + L] (Poisson: L/15; GOE at large L: (ln(2 pi L) - 1.9065)/pi^2)"),
        ]
        for (name, values, description) in statistics {
            try root.writeVariable(name, values.flatMap { $0.map(\.value) }, axes: ["ensemble", "length"], shape: [ensembles, lengths],
                                   description: description)
            try root.writeVariable(name + "_error", values.flatMap { $0.map(\.error) }, axes: ["ensemble", "length"], shape: [ensembles, lengths],
                                   description: "delete-one jackknife error of \(name) over spectra")
        }
    }
}
