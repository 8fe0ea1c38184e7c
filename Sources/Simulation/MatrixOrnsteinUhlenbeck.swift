import RealModule

/// Hyper-parameters of the matrix Ornstein–Uhlenbeck process (SPEC §2.6).
public struct MatrixOrnsteinUhlenbeckConfig: Sendable, Equatable, Codable {
    /// The symmetry class of W and of its noise.
    public enum Ensemble: String, Sendable, Equatable, Codable, CaseIterable {
        /// Real symmetric W; Dyson index β = 1.
        case goe
        /// Complex Hermitian W; Dyson index β = 2.
        case gue

        /// Dyson's β: 1 for GOE, 2 for GUE.
        public var beta: Int { self == .goe ? 1 : 2 }
    }

    /// The diagonal of the centre W* = diag(c); its length is N. All equal (the default, zeros)
    /// makes every level degenerate at the centre, so the stationary spectrum is a semicircle.
    public var centre: [Double] = Array(repeating: 0, count: 10)
    public var ensemble: Ensemble = .goe
    /// T: the stationary off-diagonal variance E|W_ij − W*_ij|².
    public var temperature: Double = 0.01
    /// dt: time per step. The discretisation is exact, so dt only sets the snapshot resolution.
    public var timeStep: Double = 0.01
    public var steps: Int = 1000
    /// W(0) = W* + initialStd · G with G a unit GOE/GUE matrix; 0 (the default) starts at W*.
    public var initialStd: Double = 0

    public init() {}

    /// N: W is N × N.
    public var size: Int { centre.count }

    /// Stationary E|W_ij − W*_ij|² for i ≠ j: T, for both ensembles.
    public var offDiagonalVariance: Double { temperature }

    /// Stationary Var W_ii: 2T (GOE) or T (GUE), the normalisation P(W) ∝ exp(−β tr(W − W*)²/(4T)).
    public var diagonalVariance: Double { ensemble == .goe ? 2 * temperature : temperature }
}

/// The matrix Ornstein–Uhlenbeck process dW = −(W − W*) dt + √(2T) dG of SPEC §2.6, as an
/// `EnsembleModel`: exactly solvable ground truth for every analysis stage.
///
/// **Noise normalisation.** dG is a GOE or GUE increment with density ∝ exp(−β tr dG²/(4dt)):
/// GOE off-diagonal variance dt, diagonal 2dt; GUE off-diagonal real and imaginary parts dt/2
/// each (E|dG_ij|² = dt), diagonal dt. The stationary law is then
/// P(W) ∝ exp(−β tr(W − W*)²/(4T)): off-diagonal E|W_ij − W*_ij|² = T, diagonal variance 2T/β.
/// Its eigenvalues (for W* = 0) are a β-Coulomb gas P ∝ Π|x_i − x_j|^β exp(−β Σx_i²/(4T)),
/// semicircle radius 2√(N T) (Dyson, J. Math. Phys. 3 (1962) 1191, doi:10.1063/1.1703862).
///
/// **Exact discretisation.** The process is linear, so each step draws from the exact transition
/// law: W ← W* + e^{−dt}(W − W*) + √(T(1 − e^{−2dt}))·G with G a unit GOE/GUE matrix (off-diagonal
/// variance 1). The stationary variance is T(1 − e^{−2dt})/(1 − e^{−2dt}) = T for every dt, and
/// 1 − e^{−2dt} is computed with `expm1` so small dt loses no digits.
///
/// **State and recorded matrix.** GOE: W itself, N × N row-major (recorded as "W"). GUE: the real
/// 2N × 2N embedding [[A, −B], [B, A]] of W = A + iB (A symmetric, B antisymmetric), recorded as
/// "W". The embedding is real symmetric, so `snapshot → symmetricEigenvalues` works unchanged,
/// but every eigenvalue of W appears exactly twice: analyses must take every second level.
/// The centre is recorded once per seed as the fixed matrix "centre" (same shape).
///
/// **Randomness.** The increment of step s comes from the seed's `.training` stream at block
/// s · ⌈n_s/2⌉ (n_s normals per step), so a resumed run redraws exactly the same increments.
/// The `.initialisation` stream draws W(0) when `initialStd > 0`.
///
/// One step costs O(N²) (N² normals); `stepsPerEpoch` is the number of steps per unit time.
public struct MatrixOrnsteinUhlenbeck: EnsembleModel {
    public let config: MatrixOrnsteinUhlenbeckConfig
    public let runSeed: UInt64
    public let seeds: Int

    public init(config: MatrixOrnsteinUhlenbeckConfig, runSeed: UInt64, seeds: Int) {
        precondition(config.size > 0, "the centre must have at least one entry")
        precondition(config.temperature >= 0 && config.temperature.isFinite, "temperature must be finite and ≥ 0")
        precondition(config.timeStep > 0 && config.timeStep.isFinite, "time step must be positive")
        precondition(config.steps >= 0, "steps must be ≥ 0")
        precondition(seeds > 0, "an ensemble needs at least one seed")
        self.config = config
        self.runSeed = runSeed
        self.seeds = seeds
    }

    /// Rows (= columns) of the stored matrix: N for GOE, 2N for the GUE embedding.
    public var storedOrder: Int { config.ensemble == .goe ? config.size : 2 * config.size }
    public var stateSize: Int { storedOrder * storedOrder }
    public var totalSteps: Int { config.steps }
    /// Steps per unit time, ⌊1/dt⌉ (at least 1).
    public var stepsPerEpoch: Int { max(1, Int((1 / config.timeStep).rounded())) }

    public var recordedMatrices: [RecordedMatrix] {
        [RecordedMatrix(name: "W", rows: storedOrder, columns: storedOrder, offset: 0)]
    }

    public var fixedMatrices: [FixedMatrix] {
        let m = storedOrder
        var centre = [Double](repeating: 0, count: m * m)
        for i in 0..<m { centre[i * m + i] = config.centre[i % config.size] }
        let text = config.ensemble == .goe
            ? "centre W* = diag(c) of the Ornstein-Uhlenbeck process"
            : "centre W* = diag(c) of the Ornstein-Uhlenbeck process, real 2N x 2N embedding"
        return [FixedMatrix(name: "centre", target: "W", rows: m, columns: m,
                            values: Array((0..<seeds).map { _ in centre }.joined()), description: text)]
    }

    /// Normal deviates per step: N(N + 1)/2 (GOE) or N² (GUE).
    var normalsPerStep: Int {
        let n = config.size
        return config.ensemble == .goe ? n * (n + 1) / 2 : n * n
    }

    public func initialise(seed: Int, state: UnsafeMutableBufferPointer<Double>) {
        let m = storedOrder
        for k in state.indices { state[k] = 0 }
        for i in 0..<m { state[i * m + i] = config.centre[i % config.size] }
        var stream = RandomStream(runSeed: runSeed, seedIndex: UInt32(seed), purpose: .initialisation)
        addUnitNoise(to: state, scale: config.initialStd, contraction: 1, stream: &stream)
    }

    public func advance(seed: Int, state: UnsafeMutableBufferPointer<Double>, from step: Int, count: Int) -> SeedStatus {
        let dt = config.timeStep
        let contraction = Double.exp(-dt)
        // √(T(1 − e^{−2dt})), with expm1 for small dt.
        let scale = (config.temperature * -Double.expMinusOne(-2 * dt)).squareRoot()
        let blocksPerStep = UInt64((normalsPerStep + 1) / 2)
        for s in step..<(step + count) {
            var stream = RandomStream(runSeed: runSeed, seedIndex: UInt32(seed), purpose: .training,
                                      block: UInt64(s) * blocksPerStep)
            addUnitNoise(to: state, scale: scale, contraction: contraction, stream: &stream)
        }
        return state.allSatisfy(\.isFinite) ? .ok : .failed(step: step + count)
    }

    /// D ← contraction · D + scale · G for the deviation D = W − W*, G a unit GOE/GUE matrix drawn
    /// upper triangle row by row (GUE: real part, then imaginary part of each off-diagonal entry).
    private func addUnitNoise(to w: UnsafeMutableBufferPointer<Double>, scale: Double, contraction: Double,
                              stream: inout RandomStream) {
        let n = config.size
        let c = config.centre
        let sqrt2 = 2.0.squareRoot()
        let halfStd = 0.5.squareRoot()
        switch config.ensemble {
        case .goe:
            for i in 0..<n {
                w[i * n + i] = c[i] + contraction * (w[i * n + i] - c[i]) + scale * sqrt2 * stream.nextNormal()
                for j in (i + 1)..<max(i + 1, n) {
                    let x = contraction * w[i * n + j] + scale * stream.nextNormal()
                    w[i * n + j] = x
                    w[j * n + i] = x
                }
            }
        case .gue:
            let m = 2 * n
            for i in 0..<n {
                let d = c[i] + contraction * (w[i * m + i] - c[i]) + scale * stream.nextNormal()
                w[i * m + i] = d
                w[(n + i) * m + n + i] = d
                w[(n + i) * m + i] = 0
                w[i * m + n + i] = 0
                for j in (i + 1)..<max(i + 1, n) {
                    let a = contraction * w[i * m + j] + scale * halfStd * stream.nextNormal()
                    let b = contraction * w[(n + i) * m + j] + scale * halfStd * stream.nextNormal()
                    // A block (symmetric) in both diagonal blocks; B = Im W (antisymmetric) in the
                    // lower-left block, −B in the upper-right one.
                    w[i * m + j] = a; w[j * m + i] = a
                    w[(n + i) * m + n + j] = a; w[(n + j) * m + n + i] = a
                    w[(n + i) * m + j] = b; w[(n + j) * m + i] = -b
                    w[i * m + n + j] = -b; w[j * m + n + i] = b
                }
            }
        }
    }

    /// Loss ½ tr(W − W*)² (the potential whose gradient is the drift; Hermitian trace for GUE)
    /// and the Frobenius norm ‖W − W*‖ of its gradient.
    public func measure(seed: Int, state w: UnsafeBufferPointer<Double>) -> Measurement {
        let n = config.size
        let m = storedOrder
        var squared = 0.0
        for i in 0..<n {
            for j in 0..<n {
                let d = w[i * m + j] - (i == j ? config.centre[i] : 0)
                squared += d * d
                if config.ensemble == .gue { squared += w[(n + i) * m + j] * w[(n + i) * m + j] }
            }
        }
        return Measurement(loss: 0.5 * squared, gradientNorm: squared.squareRoot())
    }
}
