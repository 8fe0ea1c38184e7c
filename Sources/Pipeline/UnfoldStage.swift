import HDF5
import Spectra

/// `unfold` for ensembles of few levels (SPEC §4.2): spacings of would-be degenerate pairs,
/// S = x_j − x_i per sample, normalised per ensemble as s = S/⟨S⟩, and nearest-neighbour
/// spacings normalised by the ensemble mean of each gap (mean-spacing unfolding level by level).
///
/// Samples whose diagonalisation failed (NaN levels) get NaN spacings and do not enter ⟨S⟩.
public enum UnfoldStage {
    public static func run(input: String, config: UnfoldConfig, output: String) throws {
        let spectra = try AnalysisInput(input, expecting: .spectra)
        let (values, levels) = try spectra.samples("values", minimumColumns: 2)
        let pairs = config.pairs.isEmpty ? (0..<(levels - 1)).map { [$0, $0 + 1] } : config.pairs
        if let bad = pairs.first(where: { $0[1] >= levels }) {
            throw DysonError.invalidConfiguration(source: "unfold.pairs", message: "pair [\(bad[0]), \(bad[1])] needs level \(bad[1]) but \(input) has \(levels) levels")
        }
        try write(index: spectra.index, values: values, levels: levels, pairs: pairs, config: config, record: spectra.record,
                  quantity: try spectra.file.root().attribute("quantity", as: String.self), output: output)
    }

    private static func write(index: EnsembleIndex, values: [Double], levels: Int, pairs: [[Int]], config: UnfoldConfig,
                              record: InputRecord, quantity: String, output: String) throws {
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
        try AtomicOutput.write(output) { temporary in
            let file = try File.create(temporary)
            try FileHeader(schema: .unfolded, config: config.toml, inputs: [record]).write(to: file)
            let root = try file.root()
            try index.write(to: root)
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
            }
            try root.setAttribute("method", "mean_spacing")
            try root.setAttribute("quantity", quantity)
            try file.close()
        }
    }
}
