import Foundation
import HDF5

/// The report section of a `dyson.phase` file: one Markdown table row per grid point with the
/// ordered fraction (binomial error) and the medians [16th, 84th percentile] of the observables,
/// beside the phase SPEC §2.4 expects at low temperature from σ_W alone.
enum PhaseReport {
    /// σ_c² = ½: above it tanh saturates at initialisation and low-T training jams (SPEC §2.4).
    static let criticalWidthSquared = 0.5
    /// The contour levels of the ordered fraction that draw the ordered/paramagnetic boundary
    /// (1σ, 2σ, 3σ of a normal: 0.68, 0.95, 0.997; SPEC §2.4).
    static let contourLevels = [0.68, 0.95, 0.997]

    /// The highest contour level the ordered fraction `f` reaches, or "< 0.68".
    static func contour(_ f: Double) -> String {
        contourLevels.last { f >= $0 }.map { "≥ \($0)" } ?? "< 0.68"
    }

    static func section(_ path: String) throws -> [String] {
        let file = try openInput(path)
        _ = try FileHeader.read(from: file, expecting: .phase)
        let root = try file.root()
        let alpha = try root.read("learning_rate", as: Double.self)
        let width = try root.read("initial_width", as: Double.self)
        let temperature = try root.read("temperature", as: Double.self)
        let fraction = try root.read("ordered_fraction", as: Double.self)
        let fractionError = try root.read("ordered_fraction_error", as: Double.self)
        let models = try root.read("models", as: Int64.self)
        let diverged = try root.read("diverged", as: Int64.self)
        let shown = ["test_loss", "feature_overlap", "field_alignment", "teacher_overlap", "teacher_spectrum_distance", "spacing_growth_rate"]
        let headings = ["test loss", "q (init·final)", "m (field)", "teacher overlap", "‖σ − σ_t‖/‖σ_t‖", "spacing growth / epoch"]
        let quantiles = try shown.map { try root.read($0 + "_quantiles", as: Double.self) }
        var lines = ["## Phase diagram (Langevin classifier, SPEC §2.4)", "",
                     "From `\(path)`: \(alpha.count) grid points. A model is *ordered* when its drift spread "
                     + "(|𝒦₀₀| − |𝒦_{K−1,K−1}|)/(√r(K − 1)) is at least T Σ_d 𝒱̄_d/d divided by the Marchenko–Pastur "
                     + "spacing 4σ_W²/(√r(K − 1)); fraction ± binomial error over all models (diverged ones count as not ordered), and the highest of the contour levels 0.68/0.95/0.997 it reaches. "
                     + "Observables: median [16th, 84th percentile] over the models that did not diverge. Expected: ordered at low T "
                     + "for σ_W² < ½ (1/σ_W > √2), jammed at low T for σ_W² > ½ (q ≈ 1), paramagnetic (spacings grow) at high T.", "",
                     "| α | σ_W | T | models | diverged | ordered fraction | " + headings.joined(separator: " | ") + " | contour | low-T expectation |",
                     "|---|---|---|---|---|---|---|" + String(repeating: "---|", count: shown.count) + "---|"]
        for p in 0..<alpha.count {
            let cells = quantiles.map { q in
                String(format: "%.3g [%.3g, %.3g]", q[p * 3 + 1], q[p * 3], q[p * 3 + 2])
            }
            let expected = width[p] * width[p] < criticalWidthSquared ? "ordered" : "jammed"
            lines.append("| \(format(alpha[p])) | \(format(width[p])) | \(format(temperature[p])) | \(models[p]) | \(diverged[p]) | "
                         + String(format: "%.2f ± %.2f", fraction[p], fractionError[p]) + " | "
                         + cells.joined(separator: " | ") + " | \(contour(fraction[p])) | \(expected) |")
        }
        lines.append("")
        return lines
    }

    private static func format(_ value: Double) -> String { String(format: "%.4g", value) }
}
