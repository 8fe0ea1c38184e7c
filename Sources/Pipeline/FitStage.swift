import Foundation
import Fitting
import HDF5
import Simulation

/// `fit`: per ensemble and level pair, ⟨S⟩ with its delete-one jackknife error, the
/// Kolmogorov–Smirnov test of s = S/⟨S⟩ against the Wigner surmise, the Freedman–Diaconis
/// histogram of s and the mean pair level x̄ with its error; across ensembles and pairs, the
/// linear scaling fit ⟨S⟩ = a·√(T·A) (SPEC §4.5). Per ensemble also ⟨r̃⟩, the laws of the
/// unfolded spacings (`SpacingLawFit`), and on request the level densities and Coulomb gas
/// (`DensityFits`), the 2×2 pair density (`PairDensityFits`) and the time-resolved Dyson
/// Brownian motion (`DynamicsFit`); Σ²(L) and Δ₃(L) from `unfold` are carried along.
///
/// Dividing by ⟨S⟩ estimated from the same sample makes the Kolmogorov distribution of the KS
/// statistic far too conservative (≈ 0.05 % rejections at nominal 5 %), so the p-value is
/// calibrated by Monte Carlo (`LillieforsTest`), with random streams keyed by the sample size so
/// that re-running `fit` reproduces it exactly.
public enum FitStage {
    /// The Wigner-surmise curve is stored on this grid of s for external plotting.
    static let curveGrid = (0...200).map { Double($0) * 0.02 }

    /// Fits one unfolded file, or several as one set of ensembles (e.g. separate scans whose
    /// linear scaling fit should be joint).
    public static func run(inputs: [String], config: FitConfig, output: String) throws {
        let data = try FitInputs(inputs, required: ["pair_spacing", "pair_centre"],
                                 optional: ["spacing_ratio", "unfolded_spacing", "level_value"],
                                 perEnsemble: longRange.flatMap { [$0, $0 + "_error"] }, coordinate: "length")
        let index = data.index, input = data.label
        let spacings = data["pair_spacing"]!, centres = data["pair_centre"]!
        let pairs = spacings.columns
        guard centres.columns == pairs else {
            throw DysonError.badInput(file: input, message: "pair_centre has \(centres.columns) columns, pair_spacing \(pairs)")
        }
        let groups = index.samplesByEnsemble
        // [ensemble][pair]: the finite spacings and pair levels.
        func finite(_ array: [Double], _ group: [Int], _ pair: Int) -> [Double] {
            group.map { array[$0 * pairs + pair] }.filter(\.isFinite)
        }
        let samples: [[(spacings: [Double], levels: [Double])]] = groups.map { group in
            (0..<pairs).map { pair in (finite(spacings.values, group, pair), finite(centres.values, group, pair)) }
        }
        // One KS null per sample size, simulated first (on every core), then the ensembles fitted
        // concurrently.
        var nulls = NullDistributions(config: config)
        let sizes = Set(samples.joined().map { $0.spacings.count })
        for n in sizes.filter({ $0 >= 2 }).sorted() { _ = nulls.for(sampleSize: n) }
        var fits: [[PairFit]] = []
        parallelFill(copies: groups.count, threads: ProcessInfo.processInfo.activeProcessorCount, make: { ensemble in
            samples[ensemble].map { sample in
                // An ensemble of one sample (e.g. one large spectrum, whose unfolded spacings are
                // fitted below) or whose samples all failed has no pair statistics: NaN.
                guard sample.spacings.count >= 2, sample.levels.count >= 2 else { return PairFit(tooFew: sample.spacings.count) }
                return PairFit(sample.spacings, levels: sample.levels, config: config, null: nulls.cache[sample.spacings.count]!)
            }
        }, store: { fits.append($1) })
        let scaling = try scalingFit(index: index, fits: fits, config: config, file: input)
        // ⟨r̃⟩ per ensemble: the jackknife runs over samples (each sample's mean ratio), which are
        // independent; ratios within one spectrum are not.
        let ratios = data["spacing_ratio"]
        let ratio = ratios.map { r in
            groups.map { group in
                let means = group.map { FitInputs.row(r, $0).reduce(0, +) / Double(r.columns) }.filter(\.isFinite)
                return means.count >= 2 ? Jackknife.mean(means) : Estimate(value: .nan, error: .nan)
            }
        }
        // Ensembles are independent: fitted concurrently, each the same whatever the core count.
        let spacingLaws = data["unfolded_spacing"].map { unfolded in
            var laws: [SpacingLawFit?] = []
            parallelFill(copies: groups.count, threads: ProcessInfo.processInfo.activeProcessorCount, make: { ensemble in
                let group = groups[ensemble]
                return SpacingLawFit(spacings: group.map { Array(FitInputs.row(unfolded, $0).filter(\.isFinite)) },
                                     ratios: ratios.map { r in group.map { Array(FitInputs.row(r, $0).filter(\.isFinite)) } }, config: config)
            }, store: { laws.append($1) })
            return laws
        }
        let levels = data["level_value"]
        let needsLevels = !config.densities.isEmpty || config.dynamics
        if needsLevels && levels == nil {
            throw DysonError.badInput(file: input, message: "has no 'level_value' (an unfold output of an older dyson); re-run unfold for density or dynamics fits")
        }
        let spectra = try levels.map { try DensityFits.spectra($0, groups: groups, selected: config.densityLevels, file: input) }
        let densities = try config.densities.filter { $0 != "coulomb_gas" }.map { law in
            try DensityFits.fit(law, spectra: spectra!, config: config, file: input)
        }
        let coulombGas = try config.densities.contains("coulomb_gas") ? DensityFits.coulombGas(spectra: spectra!, file: input) : nil
        let pairDensities = try config.pairDensity ? PairDensityFits(pairLevels: data, groups: groups, file: input) : nil
        let dynamics = try config.dynamics
            ? DynamicsFit(index: index, levels: levels!, minimumSpacing: config.dynamicsMinimumSpacing, file: input) : nil
        try AtomicOutput.write(output) { temporary in
            let out = try File.create(temporary)
            try FileHeader(schema: .fit, config: config.toml, inputs: data.records).write(to: out)
            let outRoot = try out.root()
            try index.write(to: outRoot)
            try write(fits, scaling: scaling, config: config, to: outRoot)
            if let ratio {
                try outRoot.writeVariable("mean_spacing_ratio", ratio.map(\.value), axes: ["ensemble"],
                                          description: "<r~>, the mean spacing ratio (GOE 0.5307, GUE 0.5996, GSE 0.6744, Poisson 0.3863 for large spectra)")
                try outRoot.writeVariable("mean_spacing_ratio_error", ratio.map(\.error), axes: ["ensemble"],
                                          description: "delete-one jackknife error of mean_spacing_ratio over samples")
            }
            if let spacingLaws { try SpacingLawFit.write(spacingLaws, to: outRoot) }
            for law in densities { try DensityFits.write(law, to: outRoot) }
            if let coulombGas { try DensityFits.write(coulombGas, to: outRoot) }
            if let pairDensities { try pairDensities.write(to: outRoot) }
            if let dynamics { try dynamics.write(index: index, to: outRoot) }
            try writeLongRange(data, to: outRoot)
            try out.close()
        }
    }

    /// The long-range statistics `unfold` measured, carried into the fit file for the report.
    static let longRange = ["number_variance", "spectral_rigidity"]

    /// Copies Σ²(L) and Δ₃(L) with their errors and the lengths L, when every input has them.
    private static func writeLongRange(_ data: FitInputs, to root: borrowing Group) throws {
        guard let lengths = data.coordinateValues,
              case let arrays = longRange.flatMap({ [$0, $0 + "_error"] }).compactMap({ name in data.ensembleArrays[name].map { (name, $0) } }),
              arrays.count == 2 * longRange.count else { return }
        try root.createCoordinate("length", lengths, description: "interval length L of the long-range statistics", units: "mean spacings")
        for (name, array) in arrays {
            try root.writeVariable(name, array.values, axes: ["ensemble", "length"], shape: [array.values.count / array.columns, array.columns],
                                   description: name.hasSuffix("_error") ? "delete-one jackknife error over spectra, from unfold"
                                       : name == "number_variance" ? "Sigma^2(L) of the unfolded levels, from unfold" : "Delta_3(L) of the unfolded levels, from unfold")
        }
    }

    /// The fits of one ensemble's spacings of one level pair.
    struct PairFit {
        let meanSpacing: Estimate
        /// x̄, the mean level of the pair (≈ μ² − κ for the RBM; λ_fit = μ² − x̄).
        let meanLevel: Estimate
        /// Nil (and NaN estimates) for fewer than 2 finite spacings.
        let test: LillieforsTest?
        let histogram: Histogram?
        let count: Int

        init(tooFew count: Int) {
            meanSpacing = Estimate(value: .nan, error: .nan)
            meanLevel = meanSpacing
            test = nil
            histogram = nil
            self.count = count
        }

        init(_ spacings: [Double], levels: [Double], config: FitConfig, null: LillieforsNull) {
            meanLevel = Jackknife.mean(levels)
            let mean = Jackknife.mean(spacings)
            meanSpacing = mean
            let s = spacings.map { $0 / mean.value }
            test = LillieforsTest(spacings: spacings, null: null)
            histogram = Histogram(s, rule: config.binCount == 0 ? .freedmanDiaconis : .count(config.binCount))
            count = spacings.count
        }
    }

    /// The KS null distribution depends only on the sample size (and β), so it is simulated once
    /// per size: in `chunks` fixed chunks of replicas, each from a random stream keyed by (size,
    /// chunk) and run concurrently, so that fit results are reproducible for any core count and
    /// every ensemble of a scan with equal seeds shares one calibration.
    struct NullDistributions {
        static let chunks = 8
        let config: FitConfig
        private(set) var cache: [Int: LillieforsNull] = [:]

        init(config: FitConfig) { self.config = config }

        mutating func `for`(sampleSize n: Int) -> LillieforsNull {
            if let null = cache[n] { return null }
            let (beta, replicas, chunks) = (config.beta, config.ksReplicas, Self.chunks)
            let sizes = (0..<chunks).map { replicas * ($0 + 1) / chunks - replicas * $0 / chunks }.filter { $0 > 0 }
            var parts: [LillieforsNull] = []
            parallelFill(copies: sizes.count, threads: ProcessInfo.processInfo.activeProcessorCount, make: { chunk in
                var stream = RandomWords(RandomStream(runSeed: UInt64(chunk), seedIndex: UInt32(truncatingIfNeeded: n), purpose: .evaluation))
                return LillieforsNull(sampleSize: n, beta: beta, replicas: sizes[chunk], using: &stream)
            }, store: { parts.append($1) })
            let null = LillieforsNull(merging: parts)
            cache[n] = null
            return null
        }
    }

    struct ScalingResult {
        /// √(T·A) per ensemble and pair, [ensemble][pair].
        let x: [Double]
        let fit: ProportionalFit
        let amplitude: String
    }

    /// ⟨S⟩_{e,p} = a·√(T_e·A_{e,p}) over every ensemble and pair, weighted by the jackknife
    /// errors; nil when disabled or when an error is zero (a single-valued sample cannot weigh
    /// a fit).
    private static func scalingFit(index: EnsembleIndex, fits: [[PairFit]], config: FitConfig, file: String) throws -> ScalingResult? {
        guard config.scalingAmplitude != "none" else { return nil }
        guard let temperature = index.parameter("temperature") else {
            throw DysonError.badInput(file: file, message: "the scaling fit needs the hyper-parameter temperature, which the runs lack (set scaling_amplitude = \"none\")")
        }
        let amplitude: (Int, Int) throws -> Double
        let name: String
        if config.scalingAmplitude == "noise_variance" {
            guard let noise = index.parameter("noise_std") else {
                throw DysonError.badInput(file: file, message: "scaling_amplitude = \"noise_variance\" needs the hyper-parameter noise_std, which the runs lack")
            }
            amplitude = { e, _ in noise[e] * noise[e] }
            name = "noise_std^2"
        } else {
            amplitude = { e, p in fits[e][p].meanLevel.value }
            name = "mean pair level"
        }
        let all = fits.flatMap { $0 }
        let x = try fits.indices.flatMap { e in try fits[e].indices.map { p in (temperature[e] * (try amplitude(e, p))).squareRoot() } }
        // Ensembles without a fit (NaN) stay out; the rest must all weigh.
        let used = all.indices.filter { all[$0].test != nil }
        guard !used.isEmpty, used.allSatisfy({ all[$0].meanSpacing.error > 0 && x[$0] > 0 }) else { return nil }
        return ScalingResult(x: x, fit: ProportionalFit(x: used.map { x[$0] }, y: used.map { all[$0].meanSpacing.value },
                                                        yError: used.map { all[$0].meanSpacing.error }),
                             amplitude: name)
    }

    private static func write(_ fits: [[PairFit]], scaling: ScalingResult?, config: FitConfig, to root: borrowing Group) throws {
        let pairs = fits.first?.count ?? 0
        let axes = ["ensemble", "pair"]
        let shape = [fits.count, pairs]
        let all = fits.flatMap { $0 }
        try root.createAxis("pair", count: pairs, description: "pair of would-be degenerate levels")
        try root.writeVariable("mean_pair_spacing", all.map(\.meanSpacing.value), axes: axes, shape: shape,
                               description: "<S>, the ensemble mean of the pair spacing")
        try root.writeVariable("mean_pair_spacing_error", all.map(\.meanSpacing.error), axes: axes, shape: shape,
                               description: "delete-one jackknife standard error of <S>")
        try root.writeVariable("mean_pair_level", all.map(\.meanLevel.value), axes: axes, shape: shape,
                               description: "ensemble mean of (x_lower + x_upper)/2, the level the pair fluctuates about")
        try root.writeVariable("mean_pair_level_error", all.map(\.meanLevel.error), axes: axes, shape: shape,
                               description: "delete-one jackknife standard error of mean_pair_level")
        try root.writeVariable("samples_used", all.map { Int64($0.count) }, axes: axes, shape: shape,
                               description: "finite spacings in the ensemble")
        try root.writeVariable("ks_statistic", all.map { $0.test?.statistic ?? .nan }, axes: axes, shape: shape,
                               description: "Kolmogorov-Smirnov distance of s = S/<S> from the Wigner surmise (beta = \(config.beta))")
        try root.writeVariable("ks_p_value", all.map { $0.test?.pValue.value ?? .nan }, axes: axes, shape: shape,
                               description: "KS p-value calibrated by Monte Carlo for s normalised by its own sample mean (Lilliefors)")
        try root.writeVariable("ks_p_value_error", all.map { $0.test?.pValue.error ?? .nan }, axes: axes, shape: shape,
                               description: "Monte Carlo standard error of ks_p_value")
        try root.createAxis("curve_point", count: curveGrid.count, description: "point of the model curve grid")
        try root.writeVariable("surmise_s", curveGrid, axes: ["curve_point"], description: "s grid of the model curve")
        try root.writeVariable("surmise_density", curveGrid.map { WignerSurmise.density($0, beta: config.beta) },
                               axes: ["curve_point"], description: "Wigner surmise P_beta(s), beta = \(config.beta)")
        let histograms = try root.createGroup("histogram")
        try histograms.setAttribute("description", "histograms of s = S/<S>, one group per ensemble and pair (none where samples_used < 2)")
        for (ensemble, row) in fits.enumerated() {
            for (pair, fit) in row.enumerated() {
                try fit.histogram?.write(to: try histograms.createGroup("ensemble_\(ensemble)_pair_\(pair)"), of: "pair spacing s = S/<S>")
            }
        }
        guard let scaling else { return }
        let y = all.map(\.meanSpacing)
        try root.writeVariable("scaling_x", scaling.x, axes: axes, shape: shape, description: "sqrt(T * A), A = \(scaling.amplitude)")
        try root.writeVariable("scaling_ratio", zip(y, scaling.x).map { $0.value / $1 }, axes: axes, shape: shape,
                               description: "<S> / sqrt(T * A) per ensemble and pair")
        try root.writeVariable("scaling_ratio_error", zip(y, scaling.x).map { $0.error / $1 }, axes: axes, shape: shape,
                               description: "jackknife error of scaling_ratio")
        try root.writeScalar("scaling_slope", scaling.fit.slope.value, description: "a in <S> = a sqrt(T * A), weighted least squares through the origin")
        try root.writeScalar("scaling_slope_error", scaling.fit.slope.error, description: "standard error of scaling_slope")
        try root.writeScalar("scaling_chi2", scaling.fit.chiSquared, description: "chi-squared of the scaling fit")
        try root.writeScalar("scaling_dof", Int64(scaling.fit.degreesOfFreedom), description: "degrees of freedom of the scaling fit")
        try root.writeScalar("scaling_p_value", scaling.fit.pValue, description: "P(chi2 >= observed) for the scaling fit")
    }
}
