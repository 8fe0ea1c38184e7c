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
