import Foundation
import LinearAlgebra
import Simulation
import Spectra

/// The per-model observables of the phase diagram of the multilayer tanh network (SPEC §2.4;
/// arXiv:2509.01349), from the initial W⁰ and final W of one seed.
///
/// With s⁰_n = tanh(M x_n) the frozen input features of the n = 1 … N training samples:
/// - `testLoss` ½ mean (ŷ − y)² over the seed's 128 fixed test inputs; `trainingLoss` and
///   `gradientNorm` ‖∇_W L‖_F over the whole training set (`TanhNetwork.measure`);
/// - features s_n = tanh(W s⁰_n) ∈ ℝ^K; `featureOverlap` q = Σ_n s⁰ᵢₙᵢₜ·s_n / √(Σ|s_init|² Σ|s|²)
///   with s_init = tanh(W⁰ s⁰_n): the normalised overlap of initial and final features, 1 when
///   the features did not move (jammed), ≈ 0 when they decorrelated;
/// - `fieldAlignment` m = Σ_n s_n·h_n / √(Σ_n|s_n|² Σ_n|h_n|²) with the random field
///   h_n = Zᵀ y_n ∈ ℝ^K (y_n the teacher's output): since s_n·h_n = ŷ_n y_n, m is the cosine
///   between student and teacher outputs weighted by |s_n|/|Z|;
/// - `teacherOverlap` the same normalised overlap between s_n and the teacher's features
///   tanh(W_t s⁰_n): 1 when the student's features are the teacher's (ordered);
/// - `teacherSpectrumDistance` ‖σ − σ_t‖/‖σ_t‖ between the singular values of W and of the
///   teacher W_t (both sorted): → 0 when the singular values converge to the teacher's (ordered);
/// - `spacingGrowthRate` ln(ū/ū⁰)/epochs, ū = (x_max − x_min)/(K − 1) the mean nearest-neighbour
///   spacing of the eigenvalues of WWᵀ (ū⁰ at W⁰);
/// - `driftSpread`, `coulombScale`, `isOrdered`: the Langevin classifier (`LangevinDrift`) at the
///   final W from the N per-sample gradients.
struct PhaseObservables: Sendable, Equatable {
    var testLoss: Double
    var trainingLoss: Double
    var gradientNorm: Double
    var featureOverlap: Double
    var fieldAlignment: Double
    var teacherOverlap: Double
    var teacherSpectrumDistance: Double
    var spacingGrowthRate: Double
    var driftSpread: Double
    var coulombScale: Double
    var isOrdered: Bool
    /// 𝒦_ii in the eigenbasis of X, descending eigenvalues (empty for a missing seed).
    var driftDiagonal: [Double] = []

    static let names = ["test_loss", "training_loss", "gradient_norm", "feature_overlap", "field_alignment",
                        "teacher_overlap", "teacher_spectrum_distance", "spacing_growth_rate", "drift_spread", "coulomb_scale"]
    static let descriptions = [
        "test loss 1/2 mean (y_hat - y)^2 on the 128 fixed test inputs at the final W",
        "training loss over the whole fixed data set at the final W",
        "Frobenius norm of the full-batch gradient at the final W",
        "overlap q = sum s_init.s / sqrt(sum|s_init|^2 sum|s|^2) of initial and final features s = tanh(W tanh(M x)) over the training set",
        "alignment m = sum s.h / sqrt(sum|s|^2 sum|h|^2) of the final features with the random field h = Z^T y_teacher",
        "normalised overlap of the final features with the teacher's features tanh(W_t tanh(M x))",
        "relative distance |sigma - sigma_t|/|sigma_t| of the singular values of W and of the teacher W_t",
        "ln(u_final/u_initial)/epochs, u the mean nearest-neighbour spacing of the eigenvalues of W W^T",
        "Langevin drift spread (|K_00| - |K_{K-1,K-1}|)/(sqrt(r)(K-1)), eigenvalues descending",
        "Coulomb scale T sum_d Vbar_d/d / (4 sigma_W^2/(sqrt(r)(K-1))), Vbar_d the mean noise of levels d apart",
    ]

    var values: [Double] {
        [testLoss, trainingLoss, gradientNorm, featureOverlap, fieldAlignment, teacherOverlap, teacherSpectrumDistance, spacingGrowthRate,
         driftSpread, coulombScale]
    }

    /// Every observable NaN: a seed that diverged or failed.
    static let missing = PhaseObservables(testLoss: .nan, trainingLoss: .nan, gradientNorm: .nan, featureOverlap: .nan,
                                          fieldAlignment: .nan, teacherOverlap: .nan, teacherSpectrumDistance: .nan, spacingGrowthRate: .nan,
                                          driftSpread: .nan, coulombScale: .nan, isOrdered: false)

    /// The observables of model `seed` of `network` (its frozen layers, teacher and data), from
    /// W⁰, W (K × L row-major), the eigensystems of W⁰W⁰ᵀ and WWᵀ (ascending values, vectors in
    /// columns), the eigenvalues of W_tW_tᵀ (ascending) and the epochs trained.
    static func measure(network: TanhNetwork, seed: Int, initial: [Double], final w: [Double],
                        initialSpectrum: [Double], finalSpectrum: [Double], finalVectors: [Double],
                        teacherSpectrum: [Double], epochs: Double) -> PhaseObservables {
        let c = network.config
        let k = c.hiddenUnits, l = c.inputFeatures, n = c.trainingSamples
        let measurement = w.withUnsafeBufferPointer { network.measure(seed: seed, state: $0) }
        let s0 = network.trainingFeatures(seed: seed)
        let z = network.readout(seed: seed)
        let teacher = network.teacher(seed: seed)
        var initialFinal = 0.0, initialNorm = 0.0, finalNorm = 0.0, teacherNorm = 0.0, teacherFinal = 0.0
        var fieldFinal = 0.0, fieldNorm = 0.0
        let zNorm = z.reduce(0) { $0 + $1 * $1 }
        for sample in 0..<n {
            let row = sample * l
            var y = 0.0
            var final = [Double](repeating: 0, count: k)
            for a in 0..<k {
                var pre0 = 0.0, pre = 0.0, preT = 0.0
                for j in 0..<l {
                    pre0 += initial[a * l + j] * s0[row + j]
                    pre += w[a * l + j] * s0[row + j]
                    preT += teacher[a * l + j] * s0[row + j]
                }
                let si = Foundation.tanh(pre0), sf = Foundation.tanh(pre), st = Foundation.tanh(preT)
                final[a] = sf
                y += z[a] * st
                initialFinal += si * sf
                initialNorm += si * si
                finalNorm += sf * sf
                teacherNorm += st * st
                teacherFinal += st * sf
            }
            for a in 0..<k { fieldFinal += final[a] * z[a] * y }
            fieldNorm += zNorm * y * y
        }
        let drift = LangevinDrift(weights: w, rows: k, columns: l, eigenvalues: finalSpectrum, eigenvectors: finalVectors) { body in
            network.forEachPerSampleGradient(seed: seed, weights: w) { _, _, g in body(g) }
        }
        let singular = finalSpectrum.map { max($0, 0).squareRoot() }, target = teacherSpectrum.map { max($0, 0).squareRoot() }
        let distance = (zip(singular, target).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            / target.reduce(0) { $0 + $1 * $1 }).squareRoot()
        let rate = log(meanSpacing(finalSpectrum) / meanSpacing(initialSpectrum)) / epochs
        return PhaseObservables(
            testLoss: network.testLoss(seed: seed, weights: w), trainingLoss: measurement.loss,
            gradientNorm: measurement.gradientNorm,
            featureOverlap: initialFinal / (initialNorm * finalNorm).squareRoot(),
            fieldAlignment: fieldFinal / (finalNorm * fieldNorm).squareRoot(),
            teacherOverlap: teacherFinal / (teacherNorm * finalNorm).squareRoot(),
            teacherSpectrumDistance: distance,
            spacingGrowthRate: rate,
            driftSpread: drift.driftSpread,
            coulombScale: drift.coulombScale(temperature: c.temperature, initialWidth: c.initialWidth),
            isOrdered: drift.isOrdered(temperature: c.temperature, initialWidth: c.initialWidth),
            driftDiagonal: (0..<k).map { drift.drift[$0 * k + $0] })
    }

    /// ū = (x_max − x_min)/(K − 1), the mean of the K − 1 nearest-neighbour spacings.
    static func meanSpacing(_ levels: [Double]) -> Double {
        (levels.max()! - levels.min()!) / Double(levels.count - 1)
    }
}
