import Fitting
import Foundation
import HDF5

/// The report's sections on level statistics beyond the degenerate pair: spacing laws of the
/// unfolded levels, density fits, the Coulomb gas and the time-resolved Dyson Brownian motion,
/// each beside the Dyson index expected — the model's own β where it has one (the direct Dyson
/// Brownian motion), else the one the fit tested against (`fit.beta`) — and, where the model
/// fixes them, its exact parameters.
extension ReportStage {
    static func levelStatisticsSections(_ root: borrowing Group, index: EnsembleIndex, beta: Int) throws -> [String] {
        let labels = index.parameterNames.filter { $0 != "size" && $0 != "time_step" }
        func coordinates(_ e: Int) -> String {
            "| \(e) | \(index.step[e]) | " + labels.map { format(index.parameter($0)?[e]) + " | " }.joined()
        }
        let expected = index.parameter("beta") ?? [Double](repeating: Double(beta), count: index.ensembleCount)
        let head = "| ensemble | step | " + labels.map { $0 + " | " }.joined()
        let rule = "|---|---|" + String(repeating: "---|", count: labels.count)
        var lines: [String] = []
        if root.contains("brody_omega") {
            let omega = try estimates(root, "brody_omega"), ratioBeta = try estimates(root, "ratio_beta")
            let distance = try root.read("unfolded_spacing_ks_distance", as: Double.self)
            let laws = ["β = 1", "β = 2", "β = 4", "Poisson"]
            lines += ["## Spacing laws of the unfolded levels", "",
                      "Brody ω (0 Poisson, 1 GOE) and the β of the spacing-ratio surmise, by maximum likelihood with errors "
                      + "clustered by spectrum; the nearest of four laws by KS distance. Expected β: \(expectedSource(index, beta)); "
                      + "both laws are small-matrix surmises, which differ from large spectra by a few per cent.", "",
                      head + "Brody ω | ratio β | pull (β) | nearest law |", rule + "---|---|---|---|"]
            for e in shownEnsembles(index) {
                let d = Array(distance[(4 * e)..<(4 * e + 4)])
                let nearest = d.indices.filter { d[$0].isFinite }.min { d[$0] < d[$1] }.map { laws[$0] } ?? "—"
                lines.append(coordinates(e) + "\(omega[e].formatted) | \(ratioBeta[e].formatted) | \(pull(ratioBeta[e], expected[e])) | \(nearest) |")
            }
            lines.append("")
        }
        if root.contains("density_coulomb_gas") {
            let group = try root.openGroup("density_coulomb_gas")
            let gasBeta = try estimates(group, "beta"), temperature = try estimates(group, "temperature")
            let expectedT = index.model == "dyson_brownian_motion"
                ? zip(index.parameter("temperature") ?? [], index.parameter("confinement") ?? []).map { $0 / $1 } : nil
            lines += ["## Coulomb gas", "",
                      "Maximum likelihood of P(x) ∝ Π|x_i − x_j|^β exp(−Σ(x_i − c)²/(2T)) over each ensemble's spectra"
                      + (expectedT != nil ? "; the direct Dyson Brownian motion's stationary law has T = T_model/κ exactly." : "."), "",
                      head + "β | pull (β: \(expectedSource(index, beta))) | T |" + (expectedT != nil ? " T theory | pull |" : ""),
                      rule + "---|---|---|" + (expectedT != nil ? "---|---|" : "")]
            for e in shownEnsembles(index) {
                var row = coordinates(e) + "\(gasBeta[e].formatted) | \(pull(gasBeta[e], expected[e])) | \(temperature[e].formatted) |"
                if let expectedT { row += " \(format(expectedT[e])) | \(pull(temperature[e], expectedT[e])) |" }
                lines.append(row)
            }
            lines.append("")
        }
        for law in FitConfig.densityLaws where law != "coulomb_gas" {
            guard root.contains("density_\(law)") else { continue }
            let group = try root.openGroup("density_\(law)")
            let names = try group.readStrings("parameter_name")
            let value = try group.read("value", as: Double.self), error = try group.read("error", as: Double.self)
            let chi2 = try group.read("chi2", as: Double.self), dof = try group.read("dof", as: Int64.self)
            lines += ["## Density: \(law.replacingOccurrences(of: "_", with: " "))", "",
                      "Fitted to each ensemble's pooled levels (\(try group.attribute("method", as: String.self))); χ² of the histogram against the fit.", "",
                      head + names.map { $0 + " | " }.joined() + "χ²/dof |", rule + String(repeating: "---|", count: names.count + 1)]
            let status = group.contains("status") ? try group.readStrings("status") : [String](repeating: "ok", count: index.ensembleCount)
            for e in shownEnsembles(index) {
                let k = names.count
                guard status[e] == "ok" else {
                    lines.append(coordinates(e) + String(repeating: "— | ", count: k) + "not fitted: \(status[e]) |")
                    continue
                }
                lines.append(coordinates(e) + (0..<k).map { Estimate(value: value[e * k + $0], error: error[e * k + $0]).formatted + " | " }.joined()
                             + (dof[e] > 0 ? String(format: "%.1f / %d |", chi2[e], dof[e]) : "— (too few bins) |"))
            }
            lines.append("")
        }
        if root.contains("pair_density_centre") {
            lines += try pairDensitySection(root, index: index, head: head, rule: rule, coordinates: coordinates)
        }
        if root.contains("number_variance") {
            lines += try longRangeSection(root, index: index, head: head, rule: rule, coordinates: coordinates)
        }
        if root.contains("dynamics") {
            lines += try dynamicsSection(try root.openGroup("dynamics"), index: index, beta: beta)
        }
        return lines
    }

    /// The 2×2 GOE one-level density fitted to each pair, with its own check: for a 2×2 GOE pair
    /// ⟨S⟩ = √π σ (SPEC §2.2), so √π σ̂ is set beside the measured ⟨S⟩. The pull uses both errors
    /// as if independent (they come from the same levels, so it is indicative).
    private static func pairDensitySection(_ root: borrowing Group, index: EnsembleIndex, head: String, rule: String,
                                           coordinates: (Int) -> String) throws -> [String] {
        let centre = try estimates(root, "pair_density_centre"), width = try estimates(root, "pair_density_width")
        let mean = try estimates(root, "mean_pair_spacing")
        let pairs = centre.count / max(index.ensembleCount, 1)
        var lines = ["## Pair densities", "",
                     "The 2×2 GOE one-level density (SPEC §4.4) fitted to both levels of each pair: centre x₀ and width σ; "
                     + "a 2×2 GOE pair has ⟨S⟩ = √π σ.", "",
                     head + "pair | x₀ | σ | √π σ | ⟨S⟩ measured | pull |", rule + "---|---|---|---|---|---|"]
        for e in shownEnsembles(index) {
            for p in 0..<pairs {
                let k = e * pairs + p
                let predicted = Estimate(value: Double.pi.squareRoot() * width[k].value, error: Double.pi.squareRoot() * width[k].error)
                let error = (predicted.error * predicted.error + mean[k].error * mean[k].error).squareRoot()
                lines.append(coordinates(e) + "\(p) | \(centre[k].formatted) | \(width[k].formatted) | \(predicted.formatted) | \(mean[k].formatted) | "
                             + pull(Estimate(value: mean[k].value, error: error), predicted.value) + " |")
            }
        }
        return lines + [""]
    }

    /// Σ²(L) and Δ₃(L) beside their large-L GOE forms and Poisson (Mehta, *Random Matrices*, 3rd
    /// ed. (2004), §16): Σ² ≈ (2/π²)(ln 2πL + γ + 1 − π²/8), Δ₃ ≈ (1/π²)(ln 2πL + γ − 5/4 − π²/8);
    /// Poisson Σ² = L, Δ₃ = L/15. The GOE forms are asymptotic (Δ₃ lies above by O(1/L)).
    private static func longRangeSection(_ root: borrowing Group, index: EnsembleIndex, head: String, rule: String,
                                         coordinates: (Int) -> String) throws -> [String] {
        let lengths = try root.read("length", as: Double.self)
        let gamma = 0.5772156649015329, pi2 = Double.pi * Double.pi
        func goeSigma(_ l: Double) -> Double { 2 / pi2 * (Foundation.log(2 * Double.pi * l) + gamma + 1 - pi2 / 8) }
        func goeDelta(_ l: Double) -> Double { (Foundation.log(2 * Double.pi * l) + gamma - 1.25 - pi2 / 8) / pi2 }
        var lines = ["## Long-range statistics", "",
                     "Number variance Σ²(L) and spectral rigidity Δ₃(L) of the unfolded levels (jackknife over spectra), "
                     + "against the large-L GOE forms (Δ₃'s only for L ≥ 2) and Poisson. A staircase fitted per spectrum absorbs "
                     + "fluctuations on the scale of the spectrum, which pulls Σ² and Δ₃ down at large L (Gómez et al., PRE 66 (2002) 036209).", "",
                     "| L | Σ² GOE | Σ² Poisson | Δ₃ GOE | Δ₃ Poisson |", "|---|---|---|---|---|"]
        for l in lengths {
            let delta = l >= 2 ? String(format: "%.4f", goeDelta(l)) : "—"
            lines.append(String(format: "| %g | %.4f | %g | ", l, goeSigma(l), l) + delta + String(format: " | %.4f |", l / 15))
        }
        lines += ["", head + lengths.map { "Σ²(\(format($0))) | " }.joined() + lengths.map { "Δ₃(\(format($0))) | " }.joined(),
                  rule + String(repeating: "---|", count: 2 * lengths.count)]
        let sigma = try estimates(root, "number_variance"), delta = try estimates(root, "spectral_rigidity")
        let k = lengths.count
        for e in shownEnsembles(index) {
            lines.append(coordinates(e) + (0..<k).map { sigma[e * k + $0].formatted + " | " }.joined()
                         + (0..<k).map { delta[e * k + $0].formatted + " | " }.joined())
        }
        return lines + [""]
    }

    private static func dynamicsSection(_ group: borrowing Group, index: EnsembleIndex, beta: Int) throws -> [String] {
        let effective = try estimates(group, "effective_beta"), a = try estimates(group, "coulomb_coefficient")
        let b = try estimates(group, "confinement_coefficient"), d = try estimates(group, "mean_residual_diffusion")
        let expected = group.contains("beta") ? try group.read("beta", as: Double.self) : [Double](repeating: Double(beta), count: effective.count)
        var lines = ["## Time-resolved Dyson Brownian motion", "",
                     "From consecutive snapshots (SPEC §4.6): \(try group.attribute("description", as: String.self)). "
                     + "A Dyson Brownian motion has a = βD, so a/D is the Dyson index (expected: \(expectedSource(index, beta))).", "",
                     "| trajectory | a | b | D | a/D | expected β | pull |", "|---|---|---|---|---|---|---|"]
        for t in effective.indices {
            lines.append("| \(t) | \(a[t].formatted) | \(b[t].formatted) | \(d[t].formatted) | \(effective[t].formatted) | \(format(expected[t])) | \(pull(effective[t], expected[t])) |")
        }
        if group.contains("per_step_slope") {
            let slope = Estimate(value: try group.read("per_step_slope", as: Double.self)[0],
                                 error: try group.read("per_step_slope_error", as: Double.self)[0])
            let chi2 = try group.read("per_step_chi2", as: Double.self)[0], dof = try group.read("per_step_dof", as: Int64.self)[0]
            lines += ["", "Diffusion per SGD step against α²/|B| (a line through the origin): slope \(slope.formatted), "
                      + String(format: "χ²/dof = %.2f / %d", chi2, dof) + " — a χ²/dof near 1 supports the α²/|B| law."]
        }
        return lines + [""]
    }

    /// Where the expected β comes from, for the tables' headers.
    private static func expectedSource(_ index: EnsembleIndex, _ beta: Int) -> String {
        index.parameter("beta") != nil ? "the model's β" : "β = \(beta) (`fit.beta`)"
    }

    /// Values and `_error` companions of a per-ensemble (or per-trajectory) variable.
    private static func estimates(_ group: borrowing Group, _ name: String) throws -> [Estimate] {
        zip(try group.read(name, as: Double.self), try group.read(name + "_error", as: Double.self)).map { Estimate(value: $0, error: $1) }
    }

    /// "+1.23" — (measured − expected)/error, or "—" without a usable error.
    private static func pull(_ measured: Estimate, _ expected: Double) -> String {
        guard measured.error > 0, measured.error.isFinite else { return "—" }
        let pull = (measured.value - expected) / measured.error
        return String(format: "%+.2f", pull) + (abs(pull) < pullLimit ? "" : " **tension**")
    }
}
