import Foundation
import LinearAlgebra
import Testing
@testable import Spectra

// The Langevin drift 𝒦 = mean δX_n and noise 𝒱 = var δX_n of X = WWᵀ, δX_n = W G_nᵀ + G_n Wᵀ,
// in the eigenbasis of X (descending), on cases small enough to do by hand. Exact arithmetic
// apart from rounding: tolerances 1e-12.

/// Eigenvalues (ascending) and eigenvectors (columns) of WWᵀ through LAPACK, as the stage does.
private func eigensystem(_ w: [Double], rows k: Int, columns l: Int) -> ([Double], [Double]) {
    var x = [Double](repeating: 0, count: k * k)
    for a in 0..<k { for b in 0..<k { for j in 0..<l { x[a * k + b] += w[a * l + j] * w[b * l + j] } } }
    let (values, vectors) = Diagonalisation.symmetricEigensystem(MatrixBatch(count: 1, rows: k, columns: k, elements: x), threads: 1)
    return (values[0], vectors.elements)
}

private func drift(_ w: [Double], rows k: Int, columns l: Int, _ gradients: [[Double]]) -> LangevinDrift {
    let (values, vectors) = eigensystem(w, rows: k, columns: l)
    return LangevinDrift(weights: w, rows: k, columns: l, eigenvalues: values, eigenvectors: vectors) { body in
        for g in gradients { g.withUnsafeBufferPointer(body) }
    }
}

/// W = diag(2, 1), G₁ = [[1, 0], [0, 0]], G₂ = [[0, 1], [1, 0]]: δX₁ = [[4, 0], [0, 0]],
/// δX₂ = [[0, 3], [3, 0]]; X = diag(4, 1) is already diagonal (descending), so 𝒦 = [[2, ±1.5],
/// [±1.5, 0]] and 𝒱 = [[4, 2.25], [2.25, 0]]. Then r = 1, K − 1 = 1: drift spread 2, Coulomb sum
/// 𝒱₀₁ = 2.25, MP spacing 4σ_W² = 4 (σ_W = 1), Coulomb scale 0.5625 T: ordered iff T ≤ 32/9.
@Test func driftAndNoiseOfAHandComputedCase() {
    let d = drift([2, 0, 0, 1], rows: 2, columns: 2, [[1, 0, 0, 0], [0, 1, 1, 0]])
    #expect(d.samples == 2)
    #expect(abs(d.eigenvalues[0] - 4) < 1e-12 && abs(d.eigenvalues[1] - 1) < 1e-12)
    #expect(abs(d.drift[0] - 2) < 1e-12 && abs(d.drift[3]) < 1e-12)
    #expect(abs(abs(d.drift[1]) - 1.5) < 1e-12 && d.drift[1] == d.drift[2])
    for (value, expected) in zip(d.noise, [4, 2.25, 2.25, 0.0]) { #expect(abs(value - expected) < 1e-12) }
    #expect(abs(d.driftSpread - 2) < 1e-12)
    #expect(abs(d.coulombSum - 2.25) < 1e-12)
    #expect(abs(d.marchenkoPasturSpacing(initialWidth: 1) - 4) < 1e-12)
    #expect(abs(d.coulombScale(temperature: 2, initialWidth: 1) - 1.125) < 1e-12)
    #expect(d.isOrdered(temperature: 3.5, initialWidth: 1))
    #expect(!d.isOrdered(temperature: 3.6, initialWidth: 1))
    // σ_W = 2 quadruples the MP spacing: the threshold moves to T = 128/9 ≈ 14.2.
    #expect(d.isOrdered(temperature: 14, initialWidth: 2) && !d.isOrdered(temperature: 14.5, initialWidth: 2))
}

/// Rotating W and every G_n on the left by R (X → R X Rᵀ, δX_n → R δX_n Rᵀ) and on the right by
/// an orthogonal Q (X and δX_n unchanged) leaves 𝒦's diagonal and all of 𝒱 unchanged: the
/// eigenbasis rotation undoes R. K = 2, L = 2, θ = 0.7 and 0.3.
@Test func driftAndNoiseAreInvariantUnderRotations() {
    func rotation(_ t: Double) -> [Double] { [cos(t), -sin(t), sin(t), cos(t)] }
    func product(_ a: [Double], _ b: [Double]) -> [Double] {
        [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]]
    }
    let r = rotation(0.7), q = rotation(0.3)
    let w = product(product(r, [2, 0, 0, 1]), q)
    let gradients = [[1.0, 0, 0, 0], [0, 1, 1, 0]].map { product(product(r, $0), q) }
    let d = drift(w, rows: 2, columns: 2, gradients)
    #expect(abs(d.drift[0] - 2) < 1e-12 && abs(d.drift[3]) < 1e-12 && abs(abs(d.drift[1]) - 1.5) < 1e-12)
    for (value, expected) in zip(d.noise, [4, 2.25, 2.25, 0.0]) { #expect(abs(value - expected) < 1e-12) }
}

/// K = 3, L = 5 with pseudo-random W and 7 gradients: 𝒦 and 𝒱 are symmetric, 𝒱 ≥ 0, and the
/// trace tr 𝒦 = tr mean δX_n = (2/N) Σ_n Σ_ij W_ij G_n,ij is basis independent.
@Test func driftTraceAndSymmetryOnAGenericCase() {
    var state: UInt64 = 12345
    func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53) - 0.5
    }
    let k = 3, l = 5
    let w = (0..<(k * l)).map { _ in next() }
    let gradients = (0..<7).map { _ in (0..<(k * l)).map { _ in next() } }
    let d = drift(w, rows: k, columns: l, gradients)
    let trace = gradients.reduce(0) { sum, g in sum + 2 * zip(w, g).reduce(0) { $0 + $1.0 * $1.1 } } / 7
    #expect(abs((0..<k).reduce(0) { $0 + d.drift[$1 * k + $1] } - trace) < 1e-12)
    for i in 0..<k {
        for j in 0..<k {
            #expect(d.drift[i * k + j] == d.drift[j * k + i] && d.noise[i * k + j] == d.noise[j * k + i])
            #expect(d.noise[i * k + j] >= 0)
        }
    }
    #expect(d.eigenvalues == d.eigenvalues.sorted(by: >))
    #expect(abs(d.aspectRatio - 5.0 / 3) < 1e-15)
}
