import Fitting
import HDF5
import Spectra

/// Fits of the level density of each ensemble (SPEC §4.3): semicircle, Marchenko–Pastur (with
/// outliers above the edge), Gaussian and power-law tail to the pooled levels, and the
/// Coulomb gas (β, T) to the joint law of each spectrum's levels.
///
/// Each law gets a group `density_<law>` with the parameters, their covariance and errors per
/// ensemble, the KS distance and binned χ² against the fitted law, the histogram used, and the
/// fitted density on a grid over the histogram's range for plotting. A law the data do not follow
/// (e.g. no Marchenko–Pastur bulk with q ≤ 1 once training has grown heavy tails) is a result, not
/// an error: that ensemble's fit is NaN and `status` says why.
enum DensityFits {
    static let gridPoints = 201

    /// One law's fits over the ensembles.
    struct LawFits {
        let law: String
        let parameterNames: [String]
        /// Per ensemble; nil where the ensemble has no finite levels.
        let fits: [FitResult?]
        let histograms: [Histogram?]
        /// Marchenko–Pastur only: levels above the fitted edge per ensemble.
        let outlierCounts: [Int]?
        /// "ok", "no finite levels", or why the law could not be fitted, per ensemble.
        let statuses: [String]
    }

    /// The Coulomb gas per ensemble.
    struct CoulombGasFits {
        let fits: [CoulombGasFit?]
    }

    /// The levels of each ensemble's finite spectra (selected columns), [ensemble][spectrum][level].
    static func spectra(_ levels: (values: [Double], columns: Int), groups: [[Int]], selected: [Int], file: String) throws -> [[[Double]]] {
        if let bad = selected.first(where: { $0 >= levels.columns }) {
            throw DysonError.invalidConfiguration(source: "fit.density_levels", message: "level \(bad) does not exist: \(file) has \(levels.columns) levels")
        }
        let columns = selected.isEmpty ? Array(0..<levels.columns) : selected
        return groups.map { group in
            group.map { sample in columns.map { levels.values[sample * levels.columns + $0] } }.filter { $0.allSatisfy(\.isFinite) }
        }
    }

    static func fit(_ law: String, spectra: [[[Double]]], config: FitConfig, file: String) throws -> LawFits {
        var fits: [FitResult?] = [], histograms: [Histogram?] = [], outliers: [Int] = [], statuses: [String] = []
        var names: [String] = []
        func skip(_ status: String) {
            fits.append(nil); histograms.append(nil); outliers.append(0); statuses.append(status)
        }
        for (ensemble, rows) in spectra.enumerated() {
            let x = rows.flatMap { $0 }
            guard !x.isEmpty else { skip("no finite levels"); continue }
            guard x.count >= 3, Set(x).count >= 2 else {
                throw DysonError.badInput(file: file, message: "ensemble \(ensemble): a \(law) fit needs at least 3 levels, not all equal")
            }
            let result: FitResult
            switch law {
            case "semicircle":
                result = WignerSemicircle.fit(x)
            case "gaussian":
                result = Gaussian.fit(x)
            case "marchenko_pastur":
                do {
                    let mp = try MarchenkoPastur.fit(x)
                    result = mp.fit
                    outliers.append(mp.outliers.count)
                } catch {
                    skip(error.message)
                    continue
                }
            case "power_law_tail":
                guard x.allSatisfy({ $0 > 0 }) else {
                    throw DysonError.badInput(file: file, message: "ensemble \(ensemble): a power-law tail needs positive levels (e.g. eigenvalues of W^T W)")
                }
                result = PowerLawTail.fit(x, minimumTailCount: Swift.min(10, x.count))
            default:
                preconditionFailure("FitConfig validated the law, got \(law)")
            }
            if law != "marchenko_pastur" { outliers.append(0) }
            names = result.parameterNames
            fits.append(result)
            statuses.append("ok")
            histograms.append(Histogram(law == "power_law_tail" ? x.filter { $0 >= result.values[1] } : x,
                                        rule: config.binCount == 0 ? .freedmanDiaconis : .count(config.binCount)))
        }
        if names.isEmpty { names = Self.parameterNames[law] ?? [] }
        return LawFits(law: law, parameterNames: names, fits: fits, histograms: histograms,
                       outlierCounts: law == "marchenko_pastur" ? outliers : nil, statuses: statuses)
    }

    /// The parameters of each law, for files in which no ensemble could be fitted.
    static let parameterNames = ["semicircle": ["centre", "radius"], "marchenko_pastur": ["ratio", "variance"],
                                 "gaussian": ["mean", "standardDeviation"], "power_law_tail": ["exponent", "xMin"]]

    static func coulombGas(spectra: [[[Double]]], file: String) throws -> CoulombGasFits {
        CoulombGasFits(fits: try spectra.enumerated().map { ensemble, rows in
            guard !rows.isEmpty else { return nil }
            let n = rows[0].count
            let flat = rows.flatMap { $0 }
            guard n >= 2, CoulombGasFit.usableSpectra(flat, levelCount: n) >= 2 else {
                throw DysonError.badInput(file: file, message: "ensemble \(ensemble): a Coulomb-gas fit needs at least 2 spectra of at least 2 distinct levels")
            }
            return CoulombGasFit(flat, levelCount: n)
        })
    }

    static func write(_ law: LawFits, to root: borrowing Group) throws {
        let group = try root.createGroup("density_\(law.law)")
        let ensembles = law.fits.count, k = law.parameterNames.count
        try group.setAttribute("description", "fit of the \(law.law) law to each ensemble's pooled levels")
        try group.setAttribute("method", law.fits.compactMap { $0?.method }.first ?? "")
        try group.createAxis("ensemble", count: ensembles, description: "ensemble of the file's root")
        try group.createAxis("parameter", count: k, description: "fitted parameter")
        try group.createAxis("parameter_column", count: k, description: "second index of the covariance")
        try group.writeStringVariable("parameter_name", law.parameterNames.map(snakeCase), axes: ["parameter"], description: "name of each parameter")
        func perEnsemble(_ value: (FitResult) -> [Double], width: Int) -> [Double] {
            law.fits.flatMap { $0.map(value) ?? [Double](repeating: .nan, count: width) }
        }
        try group.writeVariable("value", perEnsemble(\.values, width: k), axes: ["ensemble", "parameter"], shape: [ensembles, k],
                                description: "fitted parameter values")
        try group.writeVariable("error", perEnsemble(\.errors, width: k), axes: ["ensemble", "parameter"], shape: [ensembles, k],
                                description: "one-sigma errors, sqrt of the covariance diagonal")
        try group.writeVariable("covariance", perEnsemble({ $0.covariance.flatMap { $0 } }, width: k * k),
                                axes: ["ensemble", "parameter", "parameter_column"], shape: [ensembles, k, k], description: "parameter covariance")
        try group.writeVariable("ks_statistic", perEnsemble({ [$0.kolmogorovSmirnov.statistic] }, width: 1), axes: ["ensemble"],
                                description: "KS distance of the levels from the fitted law (parameters fitted to the same levels: compare, do not test)")
        let chi = zip(law.fits, law.histograms).map { fit, histogram in fit.flatMap { f in histogram.map { f.chiSquared(against: $0) } } }
        try group.writeVariable("chi2", chi.map { $0?.chiSquared ?? .nan }, axes: ["ensemble"],
                                description: "Pearson chi-squared of the histogram against the fitted law (bins pooled to >= 5 expected)")
        try group.writeVariable("dof", chi.map { Int64($0?.degreesOfFreedom ?? 0) }, axes: ["ensemble"], description: "degrees of freedom of chi2")
        try group.writeVariable("sample_size", law.fits.map { Int64($0?.sampleSize ?? 0) }, axes: ["ensemble"], description: "levels the fit used")
        try group.writeStringVariable("status", law.statuses, axes: ["ensemble"], description: "ok, or why the law could not be fitted (values NaN)")
        if let outliers = law.outlierCounts {
            try group.writeVariable("outlier_count", outliers.map(Int64.init), axes: ["ensemble"],
                                    description: "levels above the fitted Marchenko-Pastur edge plus 5 Tracy-Widom scales (left out of the fit)")
        }
        try group.createAxis("curve_point", count: gridPoints, description: "point of the model curve grid")
        var grids: [Double] = [], curves: [Double] = []
        for (fit, histogram) in zip(law.fits, law.histograms) {
            guard let fit, let histogram, let low = histogram.edges.first, let high = histogram.edges.last else {
                grids += [Double](repeating: .nan, count: gridPoints)
                curves += [Double](repeating: .nan, count: gridPoints)
                continue
            }
            let grid = (0..<gridPoints).map { low + (high - low) * Double($0) / Double(gridPoints - 1) }
            grids += grid
            curves += fit.curve(grid: grid)
        }
        try group.writeVariable("curve_x", grids, axes: ["ensemble", "curve_point"], shape: [ensembles, gridPoints],
                                description: "grid over each ensemble's histogram range")
        try group.writeVariable("curve_density", curves, axes: ["ensemble", "curve_point"], shape: [ensembles, gridPoints],
                                description: "fitted density on curve_x")
        let histograms = try group.createGroup("histogram")
        for (ensemble, histogram) in law.histograms.enumerated() {
            guard let histogram else { continue }
            try histogram.write(to: try histograms.createGroup("ensemble_\(ensemble)"), of: "levels")
        }
    }

    static func write(_ gas: CoulombGasFits, to root: borrowing Group) throws {
        let group = try root.createGroup("density_coulomb_gas")
        try group.setAttribute("description", "maximum likelihood of P(x) ~ prod|x_i - x_j|^beta exp(-sum (x_i - c)^2 / (2T)) over each ensemble's spectra")
        try group.createAxis("ensemble", count: gas.fits.count, description: "ensemble of the file's root")
        let estimates: [(String, (CoulombGasFit) -> Estimate, String)] = [
            ("beta", \.beta, "Dyson index beta"), ("temperature", \.temperature, "temperature T of the harmonic potential (x - c)^2/2"),
            ("centre", \.centre, "centre c of the potential"),
        ]
        for (name, estimate, description) in estimates {
            try group.writeVariable(name, gas.fits.map { $0.map(estimate)?.value ?? .nan }, axes: ["ensemble"], description: description)
            try group.writeVariable(name + "_error", gas.fits.map { $0.map(estimate)?.error ?? .nan }, axes: ["ensemble"],
                                    description: "error of \(name) from the inverse observed information")
        }
        try group.writeVariable("spectra", gas.fits.map { Int64($0?.spectra ?? 0) }, axes: ["ensemble"], description: "spectra used")
    }

    /// "standardDeviation" → "standard_deviation": parameter names as Python users read them.
    private static func snakeCase(_ name: String) -> String {
        name.reduce(into: "") { out, c in out += c.isUppercase ? "_" + c.lowercased() : String(c) }
    }
}
