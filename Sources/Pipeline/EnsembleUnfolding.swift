import Fitting
import Spectra

/// The unfolding of every ensemble of a spectra file (SPEC §4.2), with the long-range statistics
/// Σ²(L) and Δ₃(L) of the unfolded levels.
///
/// Each ensemble (samples sharing hyper-parameters and snapshot step) is unfolded on its own:
/// a staircase per spectrum, or one pooled over the ensemble, or the analytic semicircle /
/// Marchenko–Pastur CDF with parameters given or fitted to the ensemble's levels. What a method
/// needs of the data (enough distinct levels for the staircase, a spectrum of the fitted law's
/// shape) is checked here and reported as bad input, so that the library's preconditions only
/// guard programming errors.
struct EnsembleUnfolding {
    /// Unfolded, edge-trimmed levels, [sample][keptLevels]; NaN rows for failed samples.
    let levels: [Double]
    let keptLevels: Int
    /// The analytic CDF's parameters per ensemble when fitted ("centre", "radius" or "ratio",
    /// "variance"), [parameter][ensemble]; empty otherwise.
    let fittedParameters: [(name: String, values: [Double])]
    /// Σ²(L) and Δ₃(L) per ensemble and length, with jackknife errors over spectra; nil when
    /// fewer than 4 levels are kept (too few for long-range statistics).
    let numberVariance: [[Estimate]]?
    let spectralRigidity: [[Estimate]]?

    init(values: [Double], levelCount: Int, groups: [[Int]], config: UnfoldConfig, file: String) throws {
        let trim = Int((config.edgeFraction * Double(levelCount)).rounded(.down))
        keptLevels = levelCount - 2 * trim
        guard keptLevels >= 2 else {
            throw DysonError.invalidConfiguration(source: "unfold.edge_fraction",
                                                  message: "\(config.edgeFraction) trims \(trim) of \(levelCount) levels at each edge, leaving \(keptLevels); need at least 2")
        }
        var unfolded = [Double](repeating: .nan, count: values.count / levelCount * keptLevels)
        var fitted: [(name: String, values: [Double])] = []
        for (ensemble, group) in groups.enumerated() {
            let rows = group.map { Array(values[($0 * levelCount)..<(($0 + 1) * levelCount)]) }
            let finite = rows.filter { $0.allSatisfy(\.isFinite) }
            guard !finite.isEmpty else { continue }
            let (method, parameters) = try Self.method(config, finiteRows: finite, ensemble: ensemble, file: file)
            for (k, parameter) in parameters.enumerated() {
                if fitted.count == k { fitted.append((parameter.name, [Double](repeating: .nan, count: groups.count))) }
                fitted[k].values[ensemble] = parameter.value
            }
            let unfolding = Unfolding(method: method, edgeFraction: config.edgeFraction, isPooled: config.pooled)
            let result = unfolding.unfold(rows.flatMap { $0 }, levelCount: levelCount)
            for (row, sample) in group.enumerated() {
                unfolded.replaceSubrange((sample * keptLevels)..<((sample + 1) * keptLevels),
                                         with: result[(row * keptLevels)..<((row + 1) * keptLevels)])
            }
        }
        levels = unfolded
        fittedParameters = fitted
        guard keptLevels >= 4 else {
            numberVariance = nil
            spectralRigidity = nil
            return
        }
        let kept = keptLevels
        let perEnsemble = groups.map { group in
            group.flatMap { unfolded[($0 * kept)..<(($0 + 1) * kept)] }
        }.map { rows in
            stride(from: 0, to: rows.count, by: kept).flatMap { start -> ArraySlice<Double> in
                let row = rows[start..<(start + kept)]
                return row.allSatisfy(\.isFinite) ? row : []
            }
        }
        numberVariance = perEnsemble.map { NumberVariance.estimate($0, levelCount: kept, lengths: config.lengths) }
        spectralRigidity = perEnsemble.map { SpectralRigidity.estimate($0, levelCount: kept, lengths: config.lengths) }
    }

    /// The unfolding method for one ensemble, and the analytic parameters fitted to it.
    private static func method(_ config: UnfoldConfig, finiteRows rows: [[Double]], ensemble: Int,
                               file: String) throws -> (Unfolding.Method, [(name: String, value: Double)]) {
        let levelCount = rows[0].count
        /// The levels a staircase is fitted to must have this many distinct values.
        func requireDistinct(_ needed: Int, _ what: String) throws {
            let fitSets = config.pooled ? [rows.flatMap { $0 }] : rows
            guard let poorest = fitSets.map({ Set($0).count }).min(), poorest >= needed else {
                throw DysonError.badInput(file: file, message: "ensemble \(ensemble): \(what) needs \(needed) distinct levels per fit, a \(config.pooled ? "pooled ensemble" : "spectrum") has fewer (set pooled = true or choose a simpler method)")
            }
        }
        switch config.method {
        case "mean_spacing":
            return (.meanSpacing, [])
        case "polynomial":
            try requireDistinct(config.degree + 2, "a polynomial staircase of degree \(config.degree)")
            return (.polynomial(degree: config.degree), [])
        case "spline":
            try requireDistinct(config.interiorKnots + 5, "a spline staircase with \(config.interiorKnots) interior knots")
            return (.spline(interiorKnots: config.interiorKnots), [])
        case "gaussian_kernel":
            try requireDistinct(2, "a kernel staircase")
            return (.gaussianKernel(bandwidth: config.bandwidth), [])
        case "semicircle":
            if config.radius > 0 { return (.semicircle(centre: config.centre, radius: config.radius), []) }
            let all = rows.flatMap { $0 }
            guard all.count >= 3, Set(all).count >= 2 else {
                throw DysonError.badInput(file: file, message: "ensemble \(ensemble): a semicircle fit needs at least 3 levels, not all equal")
            }
            let fit = WignerSemicircle.fit(all)
            let c = fit.parameter("centre").value, r = fit.parameter("radius").value
            return (.semicircle(centre: c, radius: r), [("semicircle_centre", c), ("semicircle_radius", r)])
        case "marchenko_pastur":
            if config.variance > 0 { return (.marchenkoPastur(ratio: config.ratio, variance: config.variance), []) }
            guard levelCount >= 3 else {
                throw DysonError.badInput(file: file, message: "ensemble \(ensemble): a Marchenko-Pastur fit needs at least 3 levels per spectrum")
            }
            do {
                let fit = try MarchenkoPastur.fit(rows.flatMap { $0 }).fit
                let q = fit.parameter("ratio").value, v = fit.parameter("variance").value
                return (.marchenkoPastur(ratio: q, variance: v), [("marchenko_pastur_ratio", q), ("marchenko_pastur_variance", v)])
            } catch {
                throw DysonError.badInput(file: file, message: "ensemble \(ensemble): \(error.message)")
            }
        default:
            preconditionFailure("UnfoldConfig validated the method, got \(config.method)")
        }
    }
}
