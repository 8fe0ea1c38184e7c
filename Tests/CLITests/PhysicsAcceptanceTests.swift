import Foundation
import HDF5
import Testing

/// SPEC §2.1 at the paper's settings through every stage: α = 0.1, |B| = 16, ε = 0.1, N = 2,
/// d = (2, 2), 10 epochs × 500 batches, 3 000 seeds.
///
/// Statistics: ⟨S⟩ has relative standard error √(4/π − 1)/√3000 ≈ 0.95 % (Rayleigh); the test
/// asks for |⟨S⟩ − theory| < 3 jackknife σ. The theory neglects the batch-covariance noise, which
/// raises the variance by α²·3/|B|/(α(2 − α)) ≈ 1 % (⟨S⟩ by ≈ 0.5 %, i.e. 0.5 σ). Data are drawn per
/// seed: with the paper's single shared data set all seeds see the same last batches, which moves
/// the ensemble mean by a few per cent per data draw — an error the seed jackknife cannot see.
/// s = S/⟨S⟩ must pass the Monte-Carlo-calibrated KS test against the β = 1 surmise at 1 %.
/// The run seed was fixed before the test was first run.
@Test func theDegeneratePairSpacingFollowsTheOrnsteinUhlenbeckPrediction() throws {
    let scratch = try Scratch()
    let pipeline = scratch.file("acceptance.toml")
    try """
    [pipeline]
    name = "acceptance"
    output = "\(scratch.file("out"))"
    [simulate]
    seeds = 3000
    run_seed = 20241
    learning_rate = 0.1
    batch_size = 16
    noise_std = 0.1
    size = 2
    teacher_spectrum = [2.0, 2.0]
    epochs = 10
    batches_per_epoch = 500
    snapshot_every_epochs = 2
    shared_data = false
    [fit]
    scaling_amplitude = "none"
    ks_replicas = 1000
    """.write(toFile: pipeline, atomically: true, encoding: .utf8)
    let result = try dyson(["run", pipeline])
    try #require(result.status == 0, "\(result.stderr)")

    let root = try File.open(scratch.file("out/fit.h5")).root()
    let mean = try root.read("mean_pair_spacing", as: Double.self)[0]
    let error = try root.read("mean_pair_spacing_error", as: Double.self)[0]
    let p = try root.read("ks_p_value", as: Double.self)[0]
    let theory = (2 * Double.pi * 0.1 * 0.01 / (16 * 1.9)).squareRoot()
    #expect(try root.read("samples_used", as: Int64.self) == [3000])
    #expect(abs(error / mean - 0.0095) < 0.002, "jackknife error \(error) is not the Rayleigh value")
    #expect(abs(mean - theory) < 3 * error, "⟨S⟩ = \(mean) ± \(error), theory \(theory)")
    #expect(p >= 0.01, "KS p = \(p) rejects the Wigner surmise")
    #expect(result.stdout.contains("consistent"))
}

/// Ground truth through every stage: two levels of the direct Dyson Brownian motion about one
/// centre have the spacing density ∝ S^β exp(−κS²/(4T)) — the Wigner surmise exactly — with
/// ⟨S⟩ = √(πT/κ) for β = 1 and Γ(2)/Γ(3/2)·√(4T/κ) for β = 2 (pipelines/dyson-brownian-motion.toml).
///
/// Statistics: 2 000 seeds give ⟨S⟩ to ≈ 1.2 %; the drift-implicit step's O(κ dt) bias is ≈ 0.5 %,
/// so the test allows 3σ + 1 %. The calibrated KS test must accept β = 1 data against the β = 1
/// surmise (p ≥ 0.01) and reject β = 2 data (p < 0.01): the test has power, not just tolerance.
@Test func theDirectDysonBrownianMotionGivesTheExactWignerSurmise() throws {
    let scratch = try Scratch()
    let pipeline = scratch.file("dbm.toml")
    try """
    [pipeline]
    output = "\(scratch.file("out"))"
    [simulate]
    model = "dyson_brownian_motion"
    seeds = 2000
    run_seed = 26
    centres = [0.0, 0.0]
    time_step = 0.01
    steps = 2000
    [sweep]
    beta = [1.0, 2.0]
    [snapshot]
    matrix = "levels"
    [diagonalise]
    quantity = "eigenvalues"
    [fit]
    scaling_amplitude = "none"
    """.write(toFile: pipeline, atomically: true, encoding: .utf8)
    let result = try dyson(["run", pipeline])
    try #require(result.status == 0, "\(result.stderr)")
    let root = try File.open(scratch.file("out/fit.h5")).root()
    #expect(try root.read("beta", as: Double.self) == [1, 2])
    let mean = try root.read("mean_pair_spacing", as: Double.self)
    let error = try root.read("mean_pair_spacing_error", as: Double.self)
    let p = try root.read("ks_p_value", as: Double.self)
    for (k, theory) in [Double.pi.squareRoot(), 4 / Double.pi.squareRoot()].enumerated() {
        #expect(abs(mean[k] - theory) < 3 * error[k] + 0.01 * theory, "β = \(k + 1): ⟨S⟩ = \(mean[k]) ± \(error[k]), exact \(theory)")
    }
    #expect(p[0] >= 0.01, "β = 1 data rejected by the β = 1 surmise: p = \(p[0])")
    #expect(p[1] < 0.01, "β = 2 data not distinguished from the β = 1 surmise: p = \(p[1])")
}

/// The Gaussian RBM through every stage (SPEC §2.2): every degenerate pair of WᵀW converges to
/// x = μ² − κ_k. The linearised relaxation time is ≤ 210 updates at α = 0.1, but from W ~ 0.1 the
/// lowest pair must first grow at the rate 2α(1/κ − 1/μ²) ≈ 0.004 per update, so the run is 4 000
/// updates (at 1 500 that pair is still at λ ≈ 8.0 against κ₄ = 7.62). At α/|B| = 0.00625 the
/// papers and our runs see λ/κ − 1 of 1–3 % (a finite-temperature shift, → 0 as α/|B| → 0), with
/// statistical errors ≈ 0.2 %; the test asks for |λ/κ − 1| < 5 % per pair, which a wrong transform,
/// level order or pair mapping (errors of 15 % and more between neighbouring κ) cannot meet.
@Test func theGaussianRBMLearnsTheLatticeSpectrum() throws {
    let scratch = try Scratch()
    let pipeline = scratch.file("rbm.toml")
    try """
    [pipeline]
    output = "\(scratch.file("out"))"
    [simulate]
    model = "gaussian_rbm"
    seeds = 60
    run_seed = 7
    steps = 4000
    learning_rate = 0.1
    batch_size = 16
    [snapshot]
    matrix = "W"
    transform = "WtW"
    [diagonalise]
    quantity = "eigenvalues"
    [unfold]
    pairs = [[1, 2], [3, 4], [5, 6], [7, 8]]
    [fit]
    scaling_amplitude = "pair_level"
    ks_replicas = 200
    """.write(toFile: pipeline, atomically: true, encoding: .utf8)
    let result = try dyson(["run", pipeline])
    try #require(result.status == 0, "\(result.stderr)")
    let level = try File.open(scratch.file("out/fit.h5")).root().read("mean_pair_level", as: Double.self)
    let kappa = [4, 3, 2, 1].map { 6 - 2 * cos(2 * Double.pi * Double($0) / 10) }  // m = 2, N = 10, pairs ascending in x
    for p in 0..<4 {
        #expect(abs((9 - level[p]) / kappa[p] - 1) < 0.05, "pair \(p): λ = \(9 - level[p]), κ = \(kappa[p])")
    }
    #expect(result.stdout.contains("## Fitted centres"))
}

/// Spacing ratios through every stage on exact ground truth: the stationary direct DBM of 16
/// levels (β = 1, 2) in the bulk (4 levels trimmed per edge, 6 ratios per spectrum). Large-N
/// values are 0.5307 and 0.5996 (Atas et al. 2013); a spectrum of 8 bulk levels is within ≈ 0.005 of
/// them (the DBM's own test measured 0.5316 ± 0.0050 and 0.6043 ± 0.0045). 200 seeds give a
/// jackknife error of ≈ 0.009 (this run: 0.5380 ± 0.0089, 0.6074 ± 0.0081); the test allows
/// 3σ + 0.01 for the finite size and the O(dt) bias.
@Test func spacingRatiosOfTheDirectDysonBrownianMotionMatchTheGaussianEnsembles() throws {
    let scratch = try Scratch()
    let pipeline = scratch.file("ratios.toml")
    try """
    [pipeline]
    output = "\(scratch.file("out"))"
    [simulate]
    model = "dyson_brownian_motion"
    seeds = 200
    run_seed = 16
    centres = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    time_step = 0.005
    steps = 1200
    [sweep]
    beta = [1.0, 2.0]
    [snapshot]
    matrix = "levels"
    [diagonalise]
    quantity = "eigenvalues"
    [unfold]
    ratio_trim = 4
    [fit]
    scaling_amplitude = "none"
    ks_replicas = 50
    """.write(toFile: pipeline, atomically: true, encoding: .utf8)
    let result = try dyson(["run", pipeline])
    try #require(result.status == 0, "\(result.stderr)")
    let root = try File.open(scratch.file("out/fit.h5")).root()
    let ratio = try root.read("mean_spacing_ratio", as: Double.self)
    let error = try root.read("mean_spacing_ratio_error", as: Double.self)
    for (k, expected) in [0.5307, 0.5996].enumerated() {
        #expect(abs(ratio[k] - expected) < 3 * error[k] + 0.01, "β = \(k + 1): ⟨r̃⟩ = \(ratio[k]) ± \(error[k]), expected \(expected)")
    }
    #expect(result.stdout.contains("## Spacing ratios"))
}
