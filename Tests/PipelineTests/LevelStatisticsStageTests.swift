import Foundation
import HDF5
import Testing
@testable import Pipeline

// unfold and fit on ensembles with exactly known statistics, through the stages as a user runs
// them: the stationary matrix Ornstein-Uhlenbeck process is a GOE, and the direct Dyson
// Brownian motion has known drift and diffusion.

/// simulate → snapshot → diagonalise for a model given as TOML; returns the spectra file.
func spectra(of model: String, select: String = "last", matrix: String, quantity: String = "eigenvalues",
             in scratch: Scratch) throws -> String {
    try SimulateStage.run(config: try StageConfigFile.simulate(model, source: "test"), output: scratch.file("run.h5"))
    var snapshot = SnapshotConfig()
    snapshot.matrix = matrix
    snapshot.select = select
    try SnapshotStage.run(inputs: [scratch.file("run.h5")], config: snapshot, output: scratch.file("ensemble.h5"))
    var diagonalise = DiagonaliseConfig()
    diagonalise.quantity = quantity
    try DiagonaliseStage.run(input: scratch.file("ensemble.h5"), config: diagonalise, output: scratch.file("spectra.h5"))
    return scratch.file("spectra.h5")
}

/// The first entry of a fit-file variable (root or group path).
func scalar(_ file: borrowing File, _ path: String) throws -> Double {
    try file.root().read(path, as: Double.self)[0]
}

/// 200 GOE matrices of size 24: the matrix OU process with T = 1 after 10 relaxation times
/// (exact transition law, so the stationary law P ∝ exp(−tr W²/4) holds to e⁻²⁰), unfolded by
/// a degree-5 polynomial per spectrum with 10 % of the levels trimmed at each edge.
/// - Coulomb gas: β = 1 and T = 2 (exp(−Σλ²/(4T)) in the fit's convention (x − c)²/(2T_fit)),
///   each within 3σ (σ_β ≈ 0.02, σ_T ≈ 0.05 for 4 800 levels).
/// - Brody ω and ratio β: 1 within 3σ (block jackknife over 50 blocks of spectra) + 0.06, the
///   difference between the 3×3 surmises these laws are and the N = 24 GOE (⟨r̃⟩ 0.5359 vs
///   0.5307 is Δβ ≈ 0.04; the GOE spacing law differs from Brody(1) by ≈ 1 %).
/// - Of the four spacing laws, the GOE surmise is nearest in KS distance.
/// - Σ²(1) within 3σ + 0.03 of the GOE value 0.44 (finite N and the fitted staircase).
/// - The Marchenko–Pastur law cannot be fitted (no positive bulk): status, NaN values.
@Test func goeSpectraHaveGOELevelStatisticsThroughUnfoldAndFit() throws {
    let scratch = try Scratch()
    let centre = [String](repeating: "0.0", count: 24).joined(separator: ", ")
    let input = try spectra(of: """
        model = "matrix_ou"
        seeds = 200
        run_seed = 11
        centre = [\(centre)]
        temperature = 1.0
        time_step = 0.5
        steps = 20
        """, matrix: "W", in: scratch)
    let unfold = try StageConfigFile.unfold("method = \"polynomial\"\ndegree = 5\nedge_fraction = 0.1", source: "test")
    try UnfoldStage.run(input: input, config: unfold, output: scratch.file("unfolded.h5"))
    let fit = try StageConfigFile.fit("""
        scaling_amplitude = "none"
        ks_replicas = 20
        densities = ["coulomb_gas", "semicircle", "marchenko_pastur"]
        """, source: "test")
    try FitStage.run(inputs: [scratch.file("unfolded.h5")], config: fit, output: scratch.file("fit.h5"))

    let unfolded = try File.open(scratch.file("unfolded.h5"))
    let spacing = try unfolded.root().read("unfolded_spacing", as: Double.self)
    #expect(spacing.count == 200 * 19)
    #expect(abs(spacing.reduce(0, +) / Double(spacing.count) - 1) < 0.02)
    let sigma = try unfolded.root().read("number_variance", as: Double.self)
    let sigmaError = try unfolded.root().read("number_variance_error", as: Double.self)
    let lengths = try unfolded.root().read("length", as: Double.self)
    let one = try #require(lengths.firstIndex(of: 1))
    print("GOE N=24: Sigma2(1) = \(sigma[one]) ± \(sigmaError[one])")
    #expect(abs(sigma[one] - 0.44) < 3 * sigmaError[one] + 0.03)

    let file = try File.open(scratch.file("fit.h5"))
    let beta = try scalar(file, "density_coulomb_gas/beta"), betaError = try scalar(file, "density_coulomb_gas/beta_error")
    let t = try scalar(file, "density_coulomb_gas/temperature"), tError = try scalar(file, "density_coulomb_gas/temperature_error")
    let omega = try scalar(file, "brody_omega"), omegaError = try scalar(file, "brody_omega_error")
    let ratioBeta = try scalar(file, "ratio_beta"), ratioBetaError = try scalar(file, "ratio_beta_error")
    print("GOE N=24: Coulomb gas beta \(beta) ± \(betaError), T \(t) ± \(tError); Brody \(omega) ± \(omegaError); ratio beta \(ratioBeta) ± \(ratioBetaError)")
    #expect(abs(beta - 1) < 3 * betaError)
    #expect(abs(t - 2) < 3 * tError)
    #expect(abs(omega - 1) < 3 * omegaError + 0.06)
    #expect(abs(ratioBeta - 1) < 3 * ratioBetaError + 0.06)
    let distances = try file.root().read("unfolded_spacing_ks_distance", as: Double.self)
    #expect(distances.indices.min { distances[$0] < distances[$1] } == 0, "KS distances \(distances)")
    let radius = try file.root().read("density_semicircle/value", as: Double.self)[1]
    // Maximum likelihood puts the semicircle's hard edge beyond the largest level, so R̂ exceeds
    // the large-N radius 2√(NT) = 9.8 by the Tracy-Widom spread of the edge (≈ N^(-2/3) R per
    // spectrum, more for the extreme of 200): within 20 %.
    #expect(radius > 9.8 && radius < 1.2 * 9.8, "semicircle radius \(radius)")
    // A GOE spectrum (mean ≈ 0) has no Marchenko–Pastur bulk: a result recorded per ensemble, not a failure.
    let status = try file.root().openGroup("density_marchenko_pastur").readStrings("status")
    #expect(status.count == 1 && status[0].hasPrefix("Marchenko-Pastur fit:"), "\(status)")
    #expect(try file.root().read("density_marchenko_pastur/value", as: Double.self).allSatisfy(\.isNaN))
}

/// The direct Dyson Brownian motion dx_i = −x_i dt + βT Σ_j dt/(x_i − x_j) + √(2T) dB_i with
/// β = 2, T = 1, N = 4, recorded every step of dt = 10⁻³ for 300 steps, 300 seeds, through the
/// stages with select = "all": drift a = βT = 2, b = −1, diffusion D = T = 1 and a/D = β = 2.
/// The regression leaves out observations with a neighbour closer than 0.1 ≈ 2√(2TΔt) (see
/// DysonBrownianMotionCheck). Each within 3σ (jackknife over seeds, σ_β ≈ 0.1, σ_D ≈ 0.002) + 0.04 for
/// the O(dt) bias of the drift-implicit integrator read by an explicit regression (0.02 for D).
@Test func theDynamicsFitRecoversTheDriftAndDiffusionOfTheDirectDysonBrownianMotion() throws {
    let scratch = try Scratch()
    let input = try spectra(of: """
        model = "dyson_brownian_motion"
        seeds = 300
        run_seed = 12
        centres = [0.0, 0.0, 0.0, 0.0]
        beta = 2.0
        temperature = 1.0
        confinement = 1.0
        time_step = 0.001
        steps = 300
        snapshot_every_steps = 1
        """, select: "all", matrix: "levels", in: scratch)
    try UnfoldStage.run(input: input, config: UnfoldConfig(), output: scratch.file("unfolded.h5"))
    let fit = try StageConfigFile.fit("scaling_amplitude = \"none\"\nks_replicas = 5\ndynamics = true\ndynamics_minimum_spacing = 0.1",
                                      source: "test")
    try FitStage.run(inputs: [scratch.file("unfolded.h5")], config: fit, output: scratch.file("fit.h5"))
    let file = try File.open(scratch.file("fit.h5"))
    func estimate(_ name: String) throws -> (Double, Double) {
        (try scalar(file, "dynamics/\(name)"), try scalar(file, "dynamics/\(name)_error"))
    }
    let (beta, betaError) = try estimate("effective_beta")
    let (a, aError) = try estimate("coulomb_coefficient")
    let (b, bError) = try estimate("confinement_coefficient")
    let (d, dError) = try estimate("mean_residual_diffusion")
    print("DBM dynamics: beta \(beta) ± \(betaError), a \(a) ± \(aError), b \(b) ± \(bError), D \(d) ± \(dError)")
    #expect(try file.root().read("dynamics/snapshot_count", as: Int64.self) == [301])
    #expect(abs(beta - 2) < 3 * betaError + 0.04)
    #expect(abs(a - 2) < 3 * aError + 0.04)
    #expect(abs(b + 1) < 3 * bError + 0.04)
    #expect(abs(d - 1) < 3 * dError + 0.02)
}

/// A method's data requirements are bad input, not a trap: a degree-9 polynomial cannot be
/// fitted per spectrum to 4 levels, a dynamics fit needs more than one snapshot and some
/// observations left after its minimum-spacing cut.
@Test func unfoldAndFitRejectDataTheirMethodsCannotUse() throws {
    let scratch = try Scratch()
    let input = try spectra(of: """
        model = "dyson_brownian_motion"
        seeds = 20
        centres = [0.0, 0.0, 0.0, 0.0]
        steps = 10
        """, matrix: "levels", in: scratch)
    let polynomial = try StageConfigFile.unfold("method = \"polynomial\"\ndegree = 9", source: "test")
    #expect(throws: DysonError.self) { try UnfoldStage.run(input: input, config: polynomial, output: scratch.file("u.h5")) }
    #expect(!FileManager.default.fileExists(atPath: scratch.file("u.h5")))
    try UnfoldStage.run(input: input, config: UnfoldConfig(), output: scratch.file("u.h5"))
    let dynamics = try StageConfigFile.fit("scaling_amplitude = \"none\"\nks_replicas = 5\ndynamics = true", source: "test")
    #expect(throws: DysonError.self) { try FitStage.run(inputs: [scratch.file("u.h5")], config: dynamics, output: scratch.file("f.h5")) }
    #expect(!FileManager.default.fileExists(atPath: scratch.file("f.h5")))
    // A minimum-spacing cut that removes every observation leaves no regression: bad input, not a trap.
    var all = SnapshotConfig()
    all.matrix = "levels"
    all.select = "all"
    try SnapshotStage.run(inputs: [scratch.file("run.h5")], config: all, output: scratch.file("e-all.h5"))
    var eigenvalues = DiagonaliseConfig()
    eigenvalues.quantity = "eigenvalues"
    try DiagonaliseStage.run(input: scratch.file("e-all.h5"), config: eigenvalues, output: scratch.file("s-all.h5"))
    try UnfoldStage.run(input: scratch.file("s-all.h5"), config: UnfoldConfig(), output: scratch.file("u-all.h5"))
    let cut = try StageConfigFile.fit("scaling_amplitude = \"none\"\nks_replicas = 5\ndynamics = true\ndynamics_minimum_spacing = 1e9",
                                      source: "test")
    #expect(throws: DysonError.self) { try FitStage.run(inputs: [scratch.file("u-all.h5")], config: cut, output: scratch.file("f.h5")) }
    #expect(!FileManager.default.fileExists(atPath: scratch.file("f.h5")))
}
