import RealModule

/// Hyper-parameters of the Gaussian RBM learning a lattice scalar field (SPEC §2.2).
public struct GaussianRBMConfig: Sendable, Equatable, Codable {
    /// N: sites of the periodic 1-d lattice = visible units.
    public var sites: Int = 10
    /// N_h: hidden units; W is N_h × N.
    public var hiddenUnits: Int = 10
    /// m: mass of the target field, K = (2 + m²) I − (shift + shiftᵀ).
    public var mass: Double = 2
    /// μ: fixed visible mass (not trained); the model precision is μ² − σ_h² WᵀW.
    public var visibleMass: Double = 3
    /// α: step size.
    public var learningRate: Double = 0.1
    /// |B|: number of persistent Markov chains that estimate the model term.
    public var batchSize: Int = 16
    /// k: (φ-sample, h-sample) sweeps per update after the first h-sample.
    public var gibbsSweeps: Int = 3
    public var steps: Int = 100_000
    /// Standard deviation of the initial entries of W.
    public var initialStd: Double = 0.1

    public init() {}

    /// σ_h²: the hidden variance, fixed at 1 by SPEC §2.2.
    public static let hiddenVariance = 1.0

    /// T = α/|B|, the effective temperature.
    public var temperature: Double { learningRate / Double(batchSize) }

    /// κ_k = m² + 2 − 2 cos(2πk/N), k = 0 ..< N: the eigenvalues of K (pairs k, N − k degenerate).
    public var latticeEigenvalues: [Double] {
        (0..<sites).map { k in mass * mass + 2 - 2 * Double.cos(2 * Double.pi * Double(k) / Double(sites)) }
    }

    /// K, N × N row-major: 2 + m² on the diagonal, −1 between periodic neighbours.
    public var targetPrecision: [Double] {
        let n = sites
        var k = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            k[i * n + i] += 2 + mass * mass
            k[i * n + (i + 1) % n] -= 1
            k[i * n + (i + n - 1) % n] -= 1
        }
        return k
    }
}

/// The Gaussian restricted Boltzmann machine of SPEC §2.2 (arXiv:2407.16427, arXiv:2412.20496)
/// trained by persistent contrastive divergence on a free lattice scalar field, as an
/// `EnsembleModel`.
///
/// **Model.** p(φ, h) ∝ exp(−μ²|φ|²/2 − |h|²/(2σ_h²) + hᵀWφ), σ_h² = 1; conditionals
/// h | φ ~ N(σ_h² Wφ, σ_h²), φ | h ~ N(Wᵀh/μ², 1/μ²); marginal p(φ) = N(0, A⁻¹) with precision
/// A = μ² − σ_h² WᵀW (a proper density only while A is positive definite).
///
/// **Training.** Per update (= step): every chain b draws h | φ_b, then (k − 1) × (φ, h) and a
/// last φ — the spec's "one h-sample, then k × (φ-sample, h-sample)" without the trailing
/// h-sample, which the next update's first h-sample overwrites before anything reads it (same law,
/// fewer draws). Then Ĉ = (1/|B|) Σ_b φ_b φ_bᵀ and W ← W + α(W K⁻¹ − σ_h² W Ĉ): the exact data term
/// (the target covariance K⁻¹ is known) minus the PCD model term. With Ĉ replaced by A⁻¹ the
/// update is −α ∇_W KL(target ‖ model) (see `exactUpdateDirection`).
///
/// **State.** W (N_h × N, row-major, recorded as "W") followed by the |B| chains φ_b (|B| × N),
/// which start at φ = 1; resuming from a state continues the chains exactly.
///
/// **Randomness.** W(0) ~ N(0, initialStd²) from the seed's `.initialisation` stream; the Gibbs
/// draws of step s from its `.training` stream at block s · ⌈|B| k (N_h + N)/2⌉, chains in order,
/// each chain's h then φ deviates in order.
///
/// **Failure.** A non-finite W or chain after step s (typically A lost positive definiteness and
/// the chains ran away) stops the seed with `.failed(step: s + 1)`.
///
/// Cost per step: O(|B| k N_h N) for the chains plus O(N_h N²) for the update.
public struct GaussianRBM: EnsembleModel {
    public let config: GaussianRBMConfig
    public let runSeed: UInt64
    /// K⁻¹ (N × N): the target covariance, the exact data term's right factor.
    public let targetCovariance: [Double]
    /// ln det K = Σ_k ln κ_k.
    let targetLogDeterminant: Double

    public init(config: GaussianRBMConfig, runSeed: UInt64) {
        precondition(config.sites >= 3, "the periodic lattice needs at least 3 sites")
        precondition(config.hiddenUnits >= 1 && config.batchSize >= 1 && config.gibbsSweeps >= 1,
                     "hidden units, batch size and Gibbs sweeps must be positive")
        precondition(config.visibleMass > 0 && config.learningRate >= 0 && config.steps >= 0,
                     "μ must be positive, α and steps non-negative")
        self.config = config
        self.runSeed = runSeed
        guard let (inverse, logDet) = SmallSPDMatrix.inverse(config.targetPrecision, n: config.sites) else {
            preconditionFailure("K = (2 + m²) I − neighbours is positive definite for every real m")
        }
        targetCovariance = inverse
        targetLogDeterminant = logDet
    }

    var weightCount: Int { config.hiddenUnits * config.sites }
    public var stateSize: Int { weightCount + config.batchSize * config.sites }
    public var totalSteps: Int { config.steps }
    /// There is no data set; an epoch is one update.
    public var stepsPerEpoch: Int { 1 }
    public var recordedMatrices: [RecordedMatrix] {
        [RecordedMatrix(name: "W", rows: config.hiddenUnits, columns: config.sites, offset: 0)]
    }
    public var fixedMatrices: [FixedMatrix] { [] }

    var normalsPerStep: Int { config.batchSize * config.gibbsSweeps * (config.hiddenUnits + config.sites) }

    public func initialise(seed: Int, state: UnsafeMutableBufferPointer<Double>) {
        var stream = RandomStream(runSeed: runSeed, seedIndex: UInt32(seed), purpose: .initialisation)
        stream.fillNormal(UnsafeMutableBufferPointer(rebasing: state[0..<weightCount]), std: config.initialStd)
        for k in weightCount..<stateSize { state[k] = 1 }
    }

    public func advance(seed: Int, state: UnsafeMutableBufferPointer<Double>, from step: Int, count: Int) -> SeedStatus {
        let n = config.sites
        let nh = config.hiddenUnits
        let chains = config.batchSize
        let muSquared = config.visibleMass * config.visibleMass
        let phiStd = 1 / config.visibleMass
        let hStd = GaussianRBMConfig.hiddenVariance.squareRoot()
        let hScale = GaussianRBMConfig.hiddenVariance
        let alpha = config.learningRate
        let blocksPerStep = UInt64((normalsPerStep + 1) / 2)
        var h = [Double](repeating: 0, count: nh)
        var c = [Double](repeating: 0, count: n * n)
        var direction = [Double](repeating: 0, count: n * n)
        var row = [Double](repeating: 0, count: n)
        let w = state.baseAddress!
        let phis = w + weightCount
        return targetCovariance.withUnsafeBufferPointer { kInverse in
            for s in step..<(step + count) {
                var stream = RandomStream(runSeed: runSeed, seedIndex: UInt32(seed), purpose: .training,
                                          block: UInt64(s) * blocksPerStep)
                for k in 0..<(n * n) { c[k] = 0 }
                for b in 0..<chains {
                    let phi = phis + b * n
                    for _ in 0..<config.gibbsSweeps {
                        // h | φ ~ N(σ_h² Wφ, σ_h²)
                        for a in 0..<nh {
                            var sum = 0.0
                            for i in 0..<n { sum += w[a * n + i] * phi[i] }
                            h[a] = hScale * sum + hStd * stream.nextNormal()
                        }
                        // φ | h ~ N(Wᵀh/μ², 1/μ²)
                        for i in 0..<n {
                            var sum = 0.0
                            for a in 0..<nh { sum += w[a * n + i] * h[a] }
                            phi[i] = sum / muSquared + phiStd * stream.nextNormal()
                        }
                    }
                    for i in 0..<n {
                        for j in i..<n { c[i * n + j] += phi[i] * phi[j] }
                    }
                }
                // K⁻¹ − σ_h² Ĉ (symmetric), then W ← W + α W (K⁻¹ − σ_h² Ĉ).
                let weight = hScale / Double(chains)
                for i in 0..<n {
                    for j in i..<n {
                        let d = kInverse[i * n + j] - weight * c[i * n + j]
                        direction[i * n + j] = d
                        direction[j * n + i] = d
                    }
                }
                var check = 0.0
                for a in 0..<nh {
                    // Row a of W (K⁻¹ − σ_h² Ĉ) from the old row a, then written back.
                    for j in 0..<n {
                        var sum = 0.0
                        for i in 0..<n { sum += w[a * n + i] * direction[i * n + j] }
                        row[j] = sum
                    }
                    for j in 0..<n {
                        w[a * n + j] += alpha * row[j]
                        check += w[a * n + j]
                    }
                }
                for k in 0..<(chains * n) { check += phis[k] }
                if !check.isFinite { return .failed(step: s + 1) }
            }
            return .ok
        }
    }

    /// KL(target ‖ model) = ½[tr(A K⁻¹) − ln det A + ln det K − N], A = μ² − σ_h² WᵀW, for the
    /// weights `w` (N_h × N row-major); +∞ when A is not positive definite (no normalisable
    /// model). Equals the model's negative log-likelihood per target sample minus the target's
    /// entropy, so its W-gradient is that of the likelihood.
    public func klDivergence(weights w: [Double]) -> Double {
        guard let (_, logDetA, a) = modelPrecision(weights: w) else { return .infinity }
        let n = config.sites
        var trace = 0.0
        for i in 0..<n {
            for j in 0..<n { trace += a[i * n + j] * targetCovariance[j * n + i] }
        }
        return 0.5 * (trace - logDetA + targetLogDeterminant - Double(n))
    }

    /// The expected update direction W K⁻¹ − σ_h² W A⁻¹ = −∇_W KL(target ‖ model), i.e. the PCD
    /// update with Ĉ replaced by the exact model covariance A⁻¹; nil when A is not positive
    /// definite. (∂ tr(A K⁻¹) = −2σ_h² W K⁻¹, ∂(−ln det A) = 2σ_h² W A⁻¹.)
    public func exactUpdateDirection(weights w: [Double]) -> [Double]? {
        guard let (covariance, _, _) = modelPrecision(weights: w) else { return nil }
        let n = config.sites
        let nh = config.hiddenUnits
        let s = GaussianRBMConfig.hiddenVariance
        var g = [Double](repeating: 0, count: nh * n)
        for a in 0..<nh {
            for j in 0..<n {
                var sum = 0.0
                for i in 0..<n { sum += w[a * n + i] * (targetCovariance[i * n + j] - s * covariance[i * n + j]) }
                g[a * n + j] = sum
            }
        }
        return g
    }

    /// (A⁻¹, ln det A, A) for A = μ² − σ_h² WᵀW, or nil if A is not positive definite.
    func modelPrecision(weights w: [Double]) -> ([Double], Double, [Double])? {
        let n = config.sites
        let nh = config.hiddenUnits
        precondition(w.count == nh * n, "weights must have N_h × N = \(nh * n) entries, got \(w.count)")
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0
                for k in 0..<nh { sum += w[k * n + i] * w[k * n + j] }
                a[i * n + j] = (i == j ? config.visibleMass * config.visibleMass : 0) - GaussianRBMConfig.hiddenVariance * sum
            }
        }
        guard let (inverse, logDet) = SmallSPDMatrix.inverse(a, n: n) else { return nil }
        return (inverse, logDet, a)
    }

    /// Loss: KL(target ‖ model) in closed form (`klDivergence`), 0 exactly at WᵀW = μ² − K;
    /// gradient norm: ‖W K⁻¹ − σ_h² W A⁻¹‖_F, the exact (not chain-estimated) gradient. Loss +∞ and
    /// gradient norm NaN when A is not positive definite.
    public func measure(seed: Int, state: UnsafeBufferPointer<Double>) -> Measurement {
        let w = Array(state[0..<weightCount])
        guard let g = exactUpdateDirection(weights: w) else { return Measurement(loss: .infinity, gradientNorm: .nan) }
        return Measurement(loss: klDivergence(weights: w), gradientNorm: g.map { $0 * $0 }.reduce(0, +).squareRoot())
    }
}
