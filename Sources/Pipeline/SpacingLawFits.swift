import Fitting
import HDF5
import Spectra

/// The distribution of unfolded nearest-neighbour spacings of one ensemble against the laws of
/// SPEC §4.2–4.3: Kolmogorov–Smirnov distances to the Wigner surmise (β = 1, 2, 4) and to
/// Poisson, the Brody parameter ω (0 Poisson, 1 GOE) and the Dyson index β of the spacing-ratio
/// surmise, both by maximum likelihood, and the histogram of the spacings.
///
/// Spacings and ratios within one spectrum are correlated and unfolding fixes their mean, so
/// the likelihood errors and Kolmogorov p-values of independent samples do not apply: errors
/// are cluster-robust (sandwich) errors with one cluster per spectrum (blocks of 10 values when
/// there are fewer than 10 spectra), which costs one pass
/// over the data where a jackknife over spectra would refit once per spectrum, and the KS
/// distances are reported as distances, for comparing the laws.
struct SpacingLawFit {
    static let laws = ["wigner_beta_1", "wigner_beta_2", "wigner_beta_4", "poisson"]
    /// The s grid of the model curves.
    static let grid = (0...200).map { Double($0) * 0.02 }

    let ksDistance: [Double]
    let brody: Estimate
    let ratioBeta: Estimate
    let histogram: Histogram
    let spacingCount: Int

    /// `spacings` and `ratios`: one array per spectrum of the ensemble (finite values only; a
    /// single large spectrum is fine, its errors then cluster blocks of it). Nil with fewer than
    /// 2 spacings.
    init?(spacings: [[Double]], ratios: [[Double]]?, config: FitConfig) {
        let usable = spacings.filter { !$0.isEmpty }
        let pooled = usable.flatMap { $0 }
        guard pooled.count >= 2 else { return nil }
        let cumulative: [(Double) -> Double] = [
            { WignerSurmise.cumulative($0, beta: 1) }, { WignerSurmise.cumulative($0, beta: 2) },
            { WignerSurmise.cumulative($0, beta: 4) }, PoissonSpacing.cumulative,
        ]
        let sorted = pooled.sorted()
        ksDistance = cumulative.map { KolmogorovSmirnovTest(sortedSample: sorted, cumulative: $0).statistic }
        let positive = Self.clusters(usable.map { $0.filter { $0 > 0 } })
        brody = positive.joined().count >= 2 ? BrodyDistribution.fit(spectra: positive) : Estimate(value: .nan, error: .nan)
        let rows = Self.clusters(ratios?.map { $0.filter { $0 > 0 && $0 <= 1 } }.filter { !$0.isEmpty } ?? [])
        ratioBeta = rows.count >= 2 ? SpacingRatioSurmise.fitBeta(spectra: rows) : Estimate(value: .nan, error: .nan)
        histogram = Histogram(pooled, rule: config.binCount == 0 ? .freedmanDiaconis : .count(config.binCount))
        spacingCount = pooled.count
    }

    /// The clusters of the sandwich errors: one per spectrum when there are at least
    /// `minimumClusters` spectra; otherwise (a few large spectra, e.g. two seeds of a transformer)
    /// blocks of `blockSize` consecutive values within each spectrum, since the correlations of
    /// spacings and ratios decay within a few levels.
    static func clusters(_ rows: [[Double]], minimumClusters: Int = 10, blockSize: Int = 10) -> [[Double]] {
        guard rows.count < minimumClusters else { return rows }
        return rows.flatMap { row in stride(from: 0, to: row.count, by: blockSize).map { Array(row[$0..<Swift.min($0 + blockSize, row.count)]) } }
    }

    /// Writes one ensemble axis' worth of fits (nil entries: ensembles without spacings, NaN).
    static func write(_ fits: [SpacingLawFit?], to root: borrowing Group) throws {
        let ensembles = fits.count
        try root.createAxis("spacing_law", count: laws.count, description: "law of unfolded spacings: \(laws.joined(separator: ", "))")
        try root.writeStringVariable("spacing_law_name", laws, axes: ["spacing_law"], description: "name of each spacing law")
        try root.writeVariable("unfolded_spacing_ks_distance", fits.flatMap { $0?.ksDistance ?? [Double](repeating: .nan, count: laws.count) },
                               axes: ["ensemble", "spacing_law"], shape: [ensembles, laws.count],
                               description: "Kolmogorov-Smirnov distance of the ensemble's unfolded spacings from each law (spacings are correlated and their mean fixed by unfolding: compare distances, not p-values)")
        let estimates: [(String, (SpacingLawFit) -> Estimate, String)] = [
            ("brody_omega", \.brody, "Brody parameter omega of the unfolded spacings by maximum likelihood (0 Poisson, 1 GOE)"),
            ("ratio_beta", \.ratioBeta, "Dyson index beta of the spacing-ratio surmise (Atas et al. 2013) by maximum likelihood"),
        ]
        for (name, estimate, description) in estimates {
            try root.writeVariable(name, fits.map { $0.map(estimate)?.value ?? .nan }, axes: ["ensemble"], description: description)
            try root.writeVariable(name + "_error", fits.map { $0.map(estimate)?.error ?? .nan }, axes: ["ensemble"],
                                   description: "cluster-robust (sandwich) error of \(name), one cluster per spectrum")
        }
        try root.writeVariable("unfolded_spacing_count", fits.map { Int64($0?.spacingCount ?? 0) }, axes: ["ensemble"],
                               description: "finite unfolded spacings in the ensemble")
        try root.writeVariable("spacing_law_s", grid, axes: ["curve_point"], description: "s grid of the spacing-law curves")
        let curves: [(String, (Double) -> Double)] = [
            ("wigner_beta_1", { WignerSurmise.density($0, beta: 1) }), ("wigner_beta_2", { WignerSurmise.density($0, beta: 2) }),
            ("wigner_beta_4", { WignerSurmise.density($0, beta: 4) }), ("poisson", PoissonSpacing.density),
        ]
        try root.writeVariable("spacing_law_density", curves.flatMap { _, p in grid.map(p) }, axes: ["spacing_law", "curve_point"],
                               shape: [laws.count, grid.count], description: "density of each spacing law on spacing_law_s")
        try root.writeVariable("brody_density", fits.flatMap { fit in
            grid.map { s in fit.map { $0.brody.value > -1 ? BrodyDistribution.density(s, omega: $0.brody.value) : .nan } ?? .nan }
        }, axes: ["ensemble", "curve_point"], shape: [ensembles, grid.count], description: "fitted Brody density on spacing_law_s")
        let histograms = try root.createGroup("unfolded_spacing_histogram")
        try histograms.setAttribute("description", "histograms of the unfolded nearest-neighbour spacings, one group per ensemble")
        for (ensemble, fit) in fits.enumerated() {
            guard let fit else { continue }
            try fit.histogram.write(to: try histograms.createGroup("ensemble_\(ensemble)"), of: "unfolded spacing")
        }
    }
}

extension Histogram {
    /// Writes edges, counts and density with their own bin/edge axes into `group`.
    func write(to group: borrowing Group, of what: String) throws {
        try group.setAttribute("rule", rule)
        try group.createAxis("bin", count: counts.count, description: "histogram bin")
        try group.createAxis("edge", count: edges.count, description: "histogram bin edge")
        try group.writeVariable("edges", edges, axes: ["edge"], description: "bin edges of the \(what)")
        try group.writeVariable("counts", counts.map(Int64.init), axes: ["bin"], description: "samples per bin")
        try group.writeVariable("density", density, axes: ["bin"], description: "counts / (n * width)")
    }
}
