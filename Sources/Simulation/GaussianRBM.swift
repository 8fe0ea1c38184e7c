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
/// **Training.** Per update (= step): every chain b makes k Gibbs sweeps (h | φ_b, then φ | h) —
/// the spec's "one h-sample, then k × (φ-sample, h-sample)" without the trailing h-sample, which
/// the next update's first h-sample overwrites before anything reads it — drawn in one step from
/// the exact k-sweep kernel (see `advance`: same law, N deviates per chain). Then Ĉ = (1/|B|) Σ_b φ_b φ_bᵀ and W ← W + α(W K⁻¹ − σ_h² W Ĉ): the exact data term
/// (the target covariance K⁻¹ is known) minus the PCD model term. With Ĉ replaced by A⁻¹ the
/// update is −α ∇_W KL(target ‖ model) (see `exactUpdateDirection`).
///
/// **State.** W (N_h × N, row-major, recorded as "W") followed by the |B| chains φ_b (|B| × N),
/// which start at φ = 1; resuming from a state continues the chains exactly.
///
/// **Randomness.** W(0) ~ N(0, initialStd²) from the seed's `.initialisation` stream; the Gibbs
/// draws of step s from its `.training` stream at block s · ⌈|B| N/2⌉, chains in order, N
/// deviates ξ per chain.
///
/// **Failure.** A non-finite W or chain after step s (typically A lost positive definiteness and
/// the chains ran away) stops the seed with `.failed(step: s + 1)`; a k-sweep covariance Σ_k that
/// overflows before its step (no Cholesky factor) with `.failed(step: s)`.
///
/// Cost per step: O(|B| N²) for the chains plus O(k N³ + N_h N²) for the kernel and the update.
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

    /// One N-vector of deviates per chain and update (the composed Gibbs kernel, see `advance`).
    var normalsPerStep: Int { config.batchSize * config.sites }

    public func initialise(seed: Int, state: UnsafeMutableBufferPointer<Double>) {
        var stream = RandomStream(runSeed: runSeed, seedIndex: UInt32(seed), purpose: .initialisation)
        stream.fillNormal(UnsafeMutableBufferPointer(rebasing: state[0..<weightCount]), std: config.initialStd)
        for k in weightCount..<stateSize { state[k] = 1 }
    }

    /// Seeds per `advance(seeds:states:from:count:)` call: one per SIMD4<Double> lane.
    public var seedGroupWidth: Int { 4 }

    /// One seed alone: lane 0 of the lane kernel (the spare lanes repeat it and are discarded).
    public func advance(seed: Int, state: UnsafeMutableBufferPointer<Double>, from step: Int, count: Int) -> SeedStatus {
        advance(seeds: [seed], states: [state], from: step, count: count)[0]
    }

    /// Advances the chains and weights of up to four seeds through `count` updates, seed i in
    /// SIMD4 lane i; each lane repeats one seed's arithmetic in a fixed order (the order of the
    /// scalar loops written out below), so a seed's result does not depend on its companions.
    ///
    /// **The chains' k Gibbs sweeps in one draw.** A sweep h | φ ~ N(σ_h² Wφ, σ_h²),
    /// φ' | h ~ N(Wᵀh/μ², 1/μ²) is the linear Gaussian map φ' = Mφ + η with M = (σ_h²/μ²) X,
    /// X = WᵀW, and η ~ N(0, Σ₁), Σ₁ = (σ_h²/μ⁴) X + 1/μ², independent of φ. M and Σ₁ are
    /// polynomials in X, so they commute, and k sweeps are φ_k = Mᵏφ + η_k with
    /// η_k ~ N(0, Σ_k), Σ_k = Σ₁ Σ_{j<k} M²ʲ = (1/μ²) Σ_{j<2k} Mʲ: the same Markov kernel as the explicit sweeps
    /// (identical law of every chain's trajectory at update boundaries, the only place anything
    /// reads it), drawn as φ ← Mᵏφ + L ξ with L Lᵀ = Σ_k (Cholesky) and ξ ~ N(0, I_N). That is N
    /// deviates per chain and update instead of k(N_h + N), and the per-update cost of Mᵏ, Σ_k and
    /// L (≈ (k − 1)N³ + N_h N² + N³/6 multiply–adds) is shared by all |B| chains. Σ_k ⪰ 1/μ² is positive
    /// definite for every finite W; when A = μ² − σ_h² X is not (M has eigenvalues > 1) the chains
    /// run away exactly as explicit Gibbs sweeps would. `Tests/Baselines/gaussian_rbm.py` runs
    /// the explicit sweeps; `GaussianRBMTests` checks the two kernels agree in distribution.
    ///
    /// **Lanes.** W, the chains and every N × N intermediate live transposed in scratch
    /// (SIMD4 per entry, lane = seed) for the whole interval; each lane draws its own ξ from its
    /// own stream (`fillNormals`, scalar). A lane that fails is written back at once (as the
    /// scalar loop would have left it) and ignored from then on.
    public func advance(seeds group: [Int], states: [UnsafeMutableBufferPointer<Double>], from step: Int, count: Int) -> [SeedStatus] {
        precondition(!group.isEmpty && group.count <= 4 && group.count == states.count, "1 to 4 seeds, one state each")
        for state in states { precondition(state.count == stateSize, "state has \(state.count) values, expected \(stateSize)") }
        let live = group.count
        let lanes = (0..<4).map { states[min($0, live - 1)].baseAddress! }
        let n = config.sites, nn = n * n
        let nh = config.hiddenUnits
        let chains = config.batchSize
        let sweeps = config.gibbsSweeps
        let muSquared = SIMD4<Double>(repeating: config.visibleMass * config.visibleMass)
        let hScale = GaussianRBMConfig.hiddenVariance
        let mScale = SIMD4<Double>(repeating: hScale / (config.visibleMass * config.visibleMass))
        let alpha = SIMD4<Double>(repeating: config.learningRate)
        let weight = SIMD4<Double>(repeating: hScale / Double(chains))
        let blocksPerStep = UInt64((normalsPerStep + 1) / 2)
        let size = stateSize, chainValues = chains * n
        var statuses = [SeedStatus](repeating: .ok, count: 4)
        var stopped = SIMDMask<SIMD4<Int64>>(repeating: false)
        for t in live..<4 { stopped[t] = true }
        let zero = SIMD4<Double>()
        targetCovariance.withUnsafeBufferPointer { kInverse in
            withUnsafeTemporaryAllocation(of: SIMD4<Double>.self, capacity: 6 * nn + size + chainValues + n) { lanesBuffer in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 5 * chainValues) { normalsBuffer in
                let state = lanesBuffer.baseAddress!, wT = state, phiT = state + weightCount
                let m = state + size, mk = m + nn, power = mk + nn, l = power + nn, temp = l + nn, c = temp + nn
                let xiT = c + nn, old = xiT + chainValues
                let normals = normalsBuffer.baseAddress!, uniforms = normals + 4 * chainValues
                for i in 0..<size { state[i] = SIMD4(lanes[0][i], lanes[1][i], lanes[2][i], lanes[3][i]) }
                func stop(_ stops: SIMDMask<SIMD4<Int64>>, _ status: SeedStatus) {
                    for t in 0..<4 where stops[t] {
                        statuses[t] = status
                        for i in 0..<size { lanes[t][i] = state[i][t] }
                    }
                    stopped = stopped .| stops
                }
                for s in step..<(step + count) {
                    // M = (σ_h²/μ²) WᵀW, exactly symmetric (upper triangle mirrored), each entry
                    // summed over a in order.
                    for i in 0..<n {
                        for j in i..<n {
                            var v = zero
                            for a in 0..<nh { v += wT[a &* n &+ i] * wT[a &* n &+ j] }
                            v *= mScale
                            m[i &* n &+ j] = v
                            m[j &* n &+ i] = v
                        }
                    }
                    // Σ_k = Σ₁ Σ_{j<k} M²ʲ = (1 + M)(1 + M² + … + M²ᵏ⁻²)/μ² = (1/μ²) Σ_{j<2k} Mʲ:
                    // the powers M², …, M²ᵏ⁻¹ (Mᵏ among them) summed into l, then its Cholesky
                    // factor in l's lower triangle. Powers of the symmetric M are symmetric, so
                    // (Mʲ⁻¹M)_ab = Σ_i (Mʲ⁻¹)_ai M_ib, upper triangle only.
                    for k in 0..<nn { power[k] = m[k]; l[k] = m[k] }
                    for i in 0..<n { l[i &* n &+ i] += 1 }
                    if sweeps == 1 { for k in 0..<nn { mk[k] = m[k] } }
                    if 2 * sweeps - 1 >= 2 {
                        for j in 2...(2 * sweeps - 1) {
                            for a in 0..<n {
                                for b in a..<n {
                                    var v = zero
                                    for i in 0..<n { v += power[a &* n &+ i] * m[i &* n &+ b] }
                                    temp[a &* n &+ b] = v
                                    temp[b &* n &+ a] = v
                                }
                            }
                            for k in 0..<nn { power[k] = temp[k]; l[k] += temp[k] }
                            if j == sweeps { for k in 0..<nn { mk[k] = temp[k] } }
                        }
                    }
                    for k in 0..<nn { l[k] /= muSquared }
                    let failed = Self.factorLanes(l, n: n) .& .!stopped
                    if any(failed) {
                        stop(failed, .failed(step: s))
                        if all(stopped) { return }
                    }
                    for t in 0..<4 where !stopped[t] {
                        var stream = RandomStream(runSeed: runSeed, seedIndex: UInt32(group[t]), purpose: .training,
                                                  block: UInt64(s) * blocksPerStep)
                        stream.fillNormals(normals + t &* chainValues, count: chainValues, scratch: uniforms)
                    }
                    for k in 0..<chainValues {
                        xiT[k] = SIMD4(normals[k], normals[chainValues &+ k], normals[2 &* chainValues &+ k], normals[3 &* chainValues &+ k])
                    }
                    // φ_b ← Mᵏ φ_b + L ξ_b, then Ĉ gains φ_b φ_bᵀ, chains in order.
                    for k in 0..<nn { c[k] = zero }
                    for b in 0..<chains {
                        let phi = phiT + b &* n, xi = xiT + b &* n
                        for i in 0..<n { old[i] = phi[i] }
                        for i in 0..<n {
                            var v = zero
                            for j in 0..<n { v += mk[i &* n &+ j] * old[j] }
                            for j in 0...i { v += l[i &* n &+ j] * xi[j] }
                            phi[i] = v
                        }
                        for i in 0..<n {
                            let pi = phi[i]
                            for j in i..<n { c[i &* n &+ j] += pi * phi[j] }
                        }
                    }
                    // K⁻¹ − σ_h² Ĉ (symmetric), then W ← W + α W (K⁻¹ − σ_h² Ĉ).
                    for i in 0..<n {
                        for j in i..<n {
                            let d = SIMD4(repeating: kInverse[i &* n &+ j]) - weight * c[i &* n &+ j]
                            c[i &* n &+ j] = d
                            c[j &* n &+ i] = d
                        }
                    }
                    var check = zero
                    for a in 0..<nh {
                        // Row a of W (K⁻¹ − σ_h² Ĉ) from the old row a, then written back.
                        let row = wT + a &* n
                        for j in 0..<n { temp[j] = zero }
                        for i in 0..<n {
                            let wi = row[i]
                            for j in 0..<n { temp[j] += wi * c[i &* n &+ j] }
                        }
                        for j in 0..<n {
                            row[j] += alpha * temp[j]
                            check += row[j]
                        }
                    }
                    for k in 0..<chainValues { check += phiT[k] }
                    // Non-finite: check − check is NaN exactly when check is ±∞ or NaN.
                    let runaway = (check - check) .!= zero .& .!stopped
                    if any(runaway) {
                        stop(runaway, .failed(step: s + 1))
                        if all(stopped) { return }
                    }
                }
                stop(.!stopped, .ok)
            }
            }
        }
        return Array(statuses[0..<live])
    }

    /// `SmallSPDMatrix.factor` lane by lane on SIMD4 entries (the same operations in the same
    /// order): overwrites the lower triangle with L; returns the lanes whose pivot was not
    /// positive or not finite (those lanes' entries are then meaningless).
    @inline(__always)
    static func factorLanes(_ a: UnsafeMutablePointer<SIMD4<Double>>, n: Int) -> SIMDMask<SIMD4<Int64>> {
        var bad = SIMDMask<SIMD4<Int64>>(repeating: false)
        for j in 0..<n {
            var d = a[j &* n &+ j]
            for k in 0..<j { d -= a[j &* n &+ k] * a[j &* n &+ k] }
            bad = bad .| .!(d .> 0 .& d .< .infinity)
            let l = d.squareRoot()
            a[j &* n &+ j] = l
            for i in (j &+ 1)..<max(j &+ 1, n) {
                var s = a[i &* n &+ j]
                for k in 0..<j { s -= a[i &* n &+ k] * a[j &* n &+ k] }
                a[i &* n &+ j] = s / l
            }
        }
        return bad
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
