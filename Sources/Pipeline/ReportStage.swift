import Fitting
import Foundation
import HDF5

/// `report`: a Markdown summary of a fit file — each measured quantity beside the theory
/// prediction with a verdict from its error — printed and written next to the data.
public enum ReportStage {
    /// A measured value is "consistent" with theory within this many standard errors.
    static let pullLimit = 3.0
    /// The Wigner surmise is "rejected" below this KS p-value.
    static let surmiseLevel = 0.01

    /// Returns the Markdown text and writes it to `output` (atomically) when given.
    @discardableResult
    public static func run(input: String, title: String, output: String?) throws -> String {
        let file = try openInput(input)
        _ = try FileHeader.read(from: file, expecting: .fit)
        let index = try EnsembleIndex.read(from: file)
        let root = try file.root()
        let pairs = try root.openDataset("mean_pair_spacing").shape().last ?? 0
        let mean = try root.read("mean_pair_spacing", as: Double.self)
        let error = try root.read("mean_pair_spacing_error", as: Double.self)
        let used = try root.read("samples_used", as: Int64.self)
        let ksD = try root.read("ks_statistic", as: Double.self)
        let ksP = try root.read("ks_p_value", as: Double.self)
        let config = try root.attribute("config", as: String.self)
        let beta = try FitConfig(ConfigReader(ConfigReader.parse(config, source: input), source: input, section: "")).beta

        var lines = ["# \(title)", "",
                     "dyson \(dysonVersion), from `\(input)` (\(index.model), \(index.ensembleCount) ensembles).", ""]
        let shown = shownEnsembles(index)
        if shown.count < index.ensembleCount {
            lines += ["Tables show the \(shown.count) ensembles at the last snapshot of each set of hyper-parameters"
                      + (shown.count == tableRows ? " (the first \(tableRows))" : "") + "; `\(input)` holds all \(index.ensembleCount).", ""]
        }
        let theories = (0..<index.ensembleCount).map { Theory.meanPairSpacing(index, ensemble: $0) }
        let predicts = theories.allSatisfy { $0 != nil }
        let labels = index.parameterNames.filter { $0 != "size" && $0 != "time_step" }
        lines += ["## Level spacing of the degenerate pair", ""]
        if predicts, let formula = theories.first??.formula {
            lines += ["Theory: \(formula). Pull = (measured − theory)/error; consistent when |pull| < \(Int(pullLimit)).", ""]
        }
        lines += ["KS: s = S/⟨S⟩ against the Wigner surmise (β = \(beta)), Monte Carlo calibrated; rejected when p < \(surmiseLevel).", ""]
        var header = "| ensemble | step | " + labels.map { $0 + " | " }.joined() + "pair | seeds | ⟨S⟩ measured |"
        var rule = "|---|---|" + String(repeating: "---|", count: labels.count) + "---|---|---|"
        if predicts { header += " ⟨S⟩ theory | pull | verdict |"; rule += "---|---|---|" }
        header += " KS D | KS p | surmise |"
        rule += "---|---|---|"
        lines += [header, rule]
        for e in shownEnsembles(index) {
            for p in 0..<pairs {
                let k = e * pairs + p
                var row = "| \(e) | \(index.step[e]) | " + labels.map { format(index.parameter($0)?[e]) + " | " }.joined()
                    + "\(p) | \(used[k]) | \(Estimate(value: mean[k], error: error[k]).formatted) |"
                // Fewer than 2 samples: nothing was fitted (NaN), so no verdict either.
                let fitted = used[k] >= 2
                if predicts, let theory = theories[e]?.value {
                    let pull = (mean[k] - theory) / error[k]
                    let verdict = !fitted ? "—" : abs(pull) < pullLimit ? "consistent" : "**tension**"
                    row += " \(String(format: "%.5g", theory)) | \(fitted ? String(format: "%+.2f", pull) : "—") | \(verdict) |"
                }
                let surmise = !fitted ? "too few samples" : ksP[k] >= surmiseLevel ? "compatible" : "**rejected**"
                row += " \(String(format: "%.4f", ksD[k])) | \(String(format: "%.3g", ksP[k])) | \(surmise) |"
                lines.append(row)
            }
        }
        lines.append("")
        if root.contains("scaling_slope") {
            lines += try scalingSection(root, index: index)
        }
        if index.model == "gaussian_rbm" {
            lines += try fittedCentresSection(root, index: index, pairs: pairs)
        }
        if root.contains("mean_spacing_ratio") {
            let ratio = try root.read("mean_spacing_ratio", as: Double.self)
            let ratioError = try root.read("mean_spacing_ratio_error", as: Double.self)
            lines += ["## Spacing ratios", "",
                      "⟨r̃⟩ needs no unfolding. Large-spectrum references (Atas et al. 2013): GOE 0.5307, GUE 0.5996, "
                      + "GSE 0.6744, Poisson 0.3863; small spectra and edge levels shift them.", "",
                      "| ensemble | step | " + labels.map { $0 + " | " }.joined() + "⟨r̃⟩ |",
                      "|---|---|" + String(repeating: "---|", count: labels.count) + "---|"]
            for e in shownEnsembles(index) {
                lines.append("| \(e) | \(index.step[e]) | " + labels.map { format(index.parameter($0)?[e]) + " | " }.joined()
                             + Estimate(value: ratio[e], error: ratioError[e]).formatted + " |")
            }
            lines.append("")
        }
        lines += try levelStatisticsSections(root, index: index, beta: beta)
        lines += try histogramSection(root, index: index, used: used, pairs: pairs, beta: beta)
        let text = lines.joined(separator: "\n") + "\n"
        if let output { try AtomicOutput.writeText(text, to: output) }
        return text
    }

    private static func scalingSection(_ root: borrowing Group, index: EnsembleIndex) throws -> [String] {
        let slope = Estimate(value: try root.read("scaling_slope", as: Double.self)[0],
                             error: try root.read("scaling_slope_error", as: Double.self)[0])
        let chi2 = try root.read("scaling_chi2", as: Double.self)[0]
        let dof = try root.read("scaling_dof", as: Int64.self)[0]
        let p = try root.read("scaling_p_value", as: Double.self)[0]
        let ratio = try root.read("scaling_ratio", as: Double.self)
        let ratioError = try root.read("scaling_ratio_error", as: Double.self)
        var lines = ["## Linear scaling rule", "",
                     "Fit of ⟨S⟩ = a·√(T·A), A = \(try root.openDataset("scaling_x").attribute("description", as: String.self).components(separatedBy: "A = ").last ?? "?"), through the origin over all ensembles and pairs, weighted by jackknife errors:", "",
                     "**a = \(slope.formatted)**, χ²/dof = \(String(format: "%.2f", chi2)) / \(dof), p = \(String(format: "%.3g", p)).", ""]
        if index.model == "teacher_student", let alpha = index.parameter("learning_rate") {
            lines += ["Theory: a(α) = √(2π/(2 − α)), which depends weakly on α and tends to √π ≈ 1.7725 as α → 0; "
                      + "so a single slope over several α is itself an approximation (χ² measures it).", "",
                      "| ensemble | α | a measured | a(α) theory | pull |", "|---|---|---|---|---|"]
            let pairs = ratio.count / index.ensembleCount
            for e in shownEnsembles(index) {
                let theory = Theory.teacherStudentSlope(learningRate: alpha[e])
                let k = e * pairs  // the first pair; a 2 × 2 student has one
                let measured = Estimate(value: ratio[k], error: ratioError[k])
                lines.append("| \(e) | \(format(alpha[e])) | \(measured.formatted) | \(String(format: "%.4f", theory)) | \(String(format: "%+.2f", (ratio[k] - theory) / ratioError[k])) |")
            }
            lines.append("")
        }
        if index.model == "gaussian_rbm" {
            lines += ["SPEC §2.2: the naive Ornstein–Uhlenbeck estimate is a = √(2π) ≈ 2.51 at small α/|B|; an independent "
                      + "simulation measured about 2.2–2.4 at α/|B| = 0.00625, equal for (α, |B|) = (0.1, 16) and (0.05, 8) "
                      + "(the linear scaling rule). χ² tests whether one slope fits every pair.", ""]
        }
        return lines
    }

    /// λ = μ² − x̄ of each pair against the degenerate lattice eigenvalue κ_k = κ_{N−k} it learns
    /// (the nearest one; k = 0 and N/2 are single levels and never a pair): λ/κ → 1 as α/|B| → 0
    /// (SPEC §2.2).
    private static func fittedCentresSection(_ root: borrowing Group, index: EnsembleIndex, pairs: Int) throws -> [String] {
        guard let mu = index.parameter("visible_mass"), let mass = index.parameter("mass"), let sites = index.parameter("sites") else { return [] }
        let level = try root.read("mean_pair_level", as: Double.self)
        let levelError = try root.read("mean_pair_level_error", as: Double.self)
        var lines = ["## Fitted centres", "",
                     "λ = μ² − x̄ of each pair against the nearest degenerate lattice eigenvalue κ_k = m² + 2 − 2cos(2πk/N); "
                     + "SPEC §2.2 expects λ/κ → 1 as α/|B| → 0.", "",
                     "| ensemble | temperature | pair | λ | κ_k | λ/κ |", "|---|---|---|---|---|---|"]
        for e in shownEnsembles(index) {
            let n = Int(sites[e])
            let kappas = (1..<((n + 1) / 2)).map { mass[e] * mass[e] + 2 - 2 * Foundation.cos(2 * Double.pi * Double($0) / Double(n)) }
            for p in 0..<pairs {
                let k = e * pairs + p
                let lambda = mu[e] * mu[e] - level[k]
                let kappa = kappas.min { abs($0 - lambda) < abs($1 - lambda) }!
                let ratio = Estimate(value: lambda / kappa, error: levelError[k] / kappa)
                lines.append("| \(e) | \(format(index.parameter("temperature")?[e])) | \(p) | \(String(format: "%.4f", lambda)) | \(String(format: "%.4f", kappa)) | \(ratio.formatted) |")
            }
        }
        return lines + [""]
    }

    /// A text plot of the histogram of s for the largest ensemble against the surmise.
    private static func histogramSection(_ root: borrowing Group, index: EnsembleIndex, used: [Int64], pairs: Int, beta: Int) throws -> [String] {
        guard let k = used.indices.max(by: { used[$0] < used[$1] }), used[k] >= 2 else { return [] }
        let group = try root.openGroup("histogram/ensemble_\(k / pairs)_pair_\(k % pairs)")
        let edges = try group.read("edges", as: Double.self)
        let density = try group.read("density", as: Double.self)
        var lines = ["## Wigner surmise", "",
                     "Histogram of s = S/⟨S⟩ for ensemble \(k / pairs), pair \(k % pairs) (\(used[k]) seeds, "
                     + "\(try group.attribute("rule", as: String.self)) bins); `#` measured density, `|` the surmise P(s) (β = \(beta)).", "",
                     "```", "    s    P(s)  measured"]
        for b in density.indices {
            let centre = (edges[b] + edges[b + 1]) / 2
            let surmise = WignerSurmise.density(centre, beta: beta)
            var bar = Array(repeating: Character(" "), count: 50)
            for i in 0..<min(50, Int((density[b] * 50).rounded())) { bar[i] = "#" }
            let mark = min(49, Int((surmise * 50).rounded()))
            bar[mark] = "|"
            lines.append(String(format: "%5.2f  %5.3f  %5.3f ", centre, surmise, density[b]) + String(bar))
        }
        lines += ["```", ""]
        return lines
    }

    /// Reports list at most this many ensembles per table.
    static let tableRows = 40

    /// Every ensemble, or — when there are more than `tableRows` (e.g. one per snapshot of a
    /// time-resolved run) — the last snapshot of each set of hyper-parameters, at most `tableRows`.
    static func shownEnsembles(_ index: EnsembleIndex) -> [Int] {
        guard index.ensembleCount > tableRows else { return Array(0..<index.ensembleCount) }
        var last: [[Double]: Int] = [:]
        for e in 0..<index.ensembleCount {
            let key = index.parameterValues.map { $0[e] }
            if let seen = last[key], index.step[seen] >= index.step[e] { continue }
            last[key] = e
        }
        return Array(last.values.sorted().prefix(tableRows))
    }

    static func format(_ value: Double?) -> String {
        guard let value else { return "—" }
        return value == value.rounded() && abs(value) < 1e6 ? String(Int(value)) : String(format: "%.4g", value)
    }
}

extension Estimate {
    /// "0.01437 ± 0.00014": the value to the precision its error warrants (two significant digits of error).
    var formatted: String {
        // A spread at rounding level (e.g. identical deterministic starts) is no error bar.
        guard error > 1e-12 * Swift.abs(value), error.isFinite else { return String(format: "%.5g", value) }
        let digits = max(0, 1 - Int(Foundation.floor(Foundation.log10(error))))
        return String(format: "%.\(digits)f ± %.\(digits)f", value, error)
    }
}
