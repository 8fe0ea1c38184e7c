import RealModule
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

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

    /// The most steps a run can have: step s draws from blocks s · 2³² … of its stream.
    public static let maximumSteps = Int(UInt32.max)

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
/// draws of step s from its `.training` stream, N deviates ξ per chain, chains in order, by the
/// ziggurat (`RandomStream.fillNormals`): one 32-bit half-word each from block s · 2³² on, the
/// rare rejections' draws from block s · 2³² + 2³¹ on, so any step's draws are addressable.
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
        precondition(config.visibleMass > 0 && config.learningRate >= 0 && (0...GaussianRBMConfig.maximumSteps).contains(config.steps),
                     "μ must be positive, α non-negative, steps in 0...\(GaussianRBMConfig.maximumSteps)")
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
    /// loops written out below), so a seed's result does not depend on its companions.
    ///
    /// **The chains' k Gibbs sweeps in one draw.** A sweep h | φ ~ N(σ_h² Wφ, σ_h²),
    /// φ' | h ~ N(Wᵀh/μ², 1/μ²) is the linear Gaussian map φ' = Mφ + η with M = (σ_h²/μ²) X,
    /// X = WᵀW, and η ~ N(0, Σ₁), Σ₁ = (σ_h²/μ⁴) X + 1/μ², independent of φ. M and Σ₁ are
    /// polynomials in X, so they commute, and k sweeps are φ_k = Mᵏφ + η_k with
    /// η_k ~ N(0, Σ_k), Σ_k = Σ₁ Σ_{j<k} M²ʲ = (1/μ²) Σ_{j<2k} Mʲ = (1/μ²) Q (1 + Mᵏ),
    /// Q = Σ_{j<k} Mʲ: the same Markov kernel as the explicit sweeps (identical law of every
    /// chain's trajectory at update boundaries, the only place anything reads it), drawn as
    /// φ ← Mᵏφ + Lξ with L Lᵀ = Σ_k (Cholesky) and ξ ~ N(0, I_N). That is N deviates per chain
    /// and update instead of k(N_h + N), and the per-update cost of Mᵏ, Σ_k and L (k products of
    /// N × N matrices, N_h N² for X and N³/6 for L) is shared by all |B| chains. Σ_k ⪰ 1/μ² is
    /// positive definite for every finite W; when A = μ² − σ_h² X is not (M has eigenvalues > 1)
    /// the chains run away exactly as explicit Gibbs sweeps would.
    /// `Tests/Baselines/gaussian_rbm.py` runs the explicit sweeps; `GaussianRBMTests` checks the
    /// two kernels agree in distribution.
    ///
    /// **Lanes.** W, the chains and every N × N intermediate live transposed in scratch (SIMD4 per
    /// entry, lane = seed) for the whole interval. Every product sums blocks of two rows × five
    /// columns in registers (fused multiply–adds; see the kernels below), so the loops are bound
    /// by arithmetic, not by the latency of one long sum. Each lane draws its own ξ from its own
    /// streams. A lane that fails is written back at once (as a lone seed
    /// would have left it) and ignored from then on.
    public func advance(seeds group: [Int], states: [UnsafeMutableBufferPointer<Double>], from step: Int, count: Int) -> [SeedStatus] {
        precondition(!group.isEmpty && group.count <= 4 && group.count == states.count, "1 to 4 seeds, one state each")
        for state in states { precondition(state.count == stateSize, "state has \(state.count) values, expected \(stateSize)") }
        let live = group.count
        let lanes = (0..<4).map { states[min($0, live - 1)].baseAddress! }
        let n = config.sites, nh = config.hiddenUnits, nn = n &* n
        let chains = config.batchSize
        let sweeps = config.gibbsSweeps
        let hScale = GaussianRBMConfig.hiddenVariance
        let muSquared = config.visibleMass * config.visibleMass
        let mScale = SIMD4<Double>(repeating: hScale / muSquared)
        let noiseScale = SIMD4<Double>(repeating: 1 / muSquared)
        let alpha = SIMD4<Double>(repeating: config.learningRate)
        let chainScale = SIMD4<Double>(repeating: -hScale / Double(chains))
        let size = stateSize, chainValues = chains * n
        var statuses = [SeedStatus](repeating: .ok, count: 4)
        var stopped = SIMDMask<SIMD4<Int64>>(repeating: false)
        for t in live..<4 { stopped[t] = true }
        let zero = SIMD4<Double>()
        // Scratch: the lanes' state; seven N × N matrices (M, Q, U, D, two for the powers Mʲ, and
        // the data term −(|B|/σ_h²) K⁻¹, so that D = (Σ_b φ_b φ_bᵀ + that) · (−σ_h²/|B|) in one
        // kernel); two N-vectors (the rows a kernel pass overwrites, copied first); the deviates,
        // lane-interleaved, on cache lines of their own (SIMD4 loads never straddle two).
        let scratch = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: size + 7 * nn + 2 * n)
        let normalsMemory = UnsafeMutableRawPointer.allocate(byteCount: 32 * chainValues, alignment: 64)
        let normals = normalsMemory.bindMemory(to: Double.self, capacity: 4 * chainValues)
        defer {
            scratch.deallocate()
            normalsMemory.deallocate()
        }
        let state = scratch, wT = state, phiT = state + weightCount
        let m = state + size, q = m + nn, u = q + nn, d = u + nn, dataTerm = d + nn
        let powers = (dataTerm + nn, dataTerm + 2 * nn)
        let oldPair = powers.1 + nn
        for k in 0..<nn { dataTerm[k] = SIMD4(repeating: targetCovariance[k] / chainScale[0]) }
        for i in 0..<size { state[i] = SIMD4(lanes[0][i], lanes[1][i], lanes[2][i], lanes[3][i]) }
        func stop(_ stops: SIMDMask<SIMD4<Int64>>, _ status: SeedStatus) {
            for t in 0..<4 where stops[t] {
                statuses[t] = status
                for i in 0..<size { lanes[t][i] = state[i][t] }
            }
            stopped = stopped .| stops
        }
        steps: for s in step..<(step + count) {
            // M = (σ_h²/μ²) WᵀW; Q = Σ_{j<k} Mʲ and the power P = Mᵏ; Σ_k = (Q P + Q)/μ² and
            // its factor U (upper triangle).
            Self.crossProduct(wT, wT, rows: nh, n: n, scale: mScale, into: m)
            for k in 0..<nn { q[k] = sweeps > 1 ? m[k] : zero }
            for i in 0..<n { q[i &* n &+ i] += SIMD4(repeating: 1) }
            var power = UnsafePointer(m)
            for j in 1..<max(sweeps, 1) {
                if j > 1 { for k in 0..<nn { q[k] += power[k] } }
                let next = j & 1 == 1 ? powers.0 : powers.1
                Self.crossProduct(power, m, rows: n, n: n, into: next)
                power = UnsafePointer(next)
            }
            Self.crossProduct(q, power, rows: n, n: n, plus: q, scale: noiseScale, into: u)
            let failed = Self.factorUpper(u, n: n) .& .!stopped
            if any(failed) {
                stop(failed, .failed(step: s))
                if all(stopped) { break steps }
            }
            let streamStart = UInt64(s) << 32
            for t in 0..<4 where !stopped[t] {
                var stream = RandomStream(runSeed: runSeed, seedIndex: UInt32(group[t]), purpose: .training, block: streamStart)
                var overflow = RandomWords(RandomStream(runSeed: runSeed, seedIndex: UInt32(group[t]), purpose: .training,
                                                        block: streamStart | 1 << 31))
                stream.fillNormals(normals + t, count: chainValues, stride: 4, overflow: &overflow)
            }
            Self.moveChains(phiT, chains: chains, n: n, power: power, factor: u, noise: UnsafeRawPointer(normals), scratch: oldPair)
            // W ← W + α W D, D = K⁻¹ − σ_h² Ĉ. A non-finite chain leaves W non-finite in the same
            // step (its φ_bi² enters D_ii, and 0 · ∞ is NaN), so only W is checked: the sum of its
            // new entries, where check − check is NaN exactly when check is ±∞ or NaN.
            Self.crossProduct(phiT, phiT, rows: chains, n: n, plus: dataTerm, scale: chainScale, into: d)
            let check = Self.step(wT, rows: nh, n: n, direction: d, alpha: alpha, scratch: oldPair)
            let runaway = (check - check) .!= zero .& .!stopped
            if any(runaway) {
                stop(runaway, .failed(step: s + 1))
                if all(stopped) { break steps }
            }
        }
        stop(.!stopped, .ok)
        return Array(statuses[0..<live])
    }

    // The lane kernels of `advance`: N × N (or N_h × N) row-major matrices of SIMD4 entries, lane =
    // seed. Register blocking: each pass sums two output rows × five columns (`Block`, ten
    // accumulators that stay in registers) over the whole inner dimension, so every loaded entry
    // of the shared operand feeds two multiply–adds (one load per multiply–add was the limit).
    // The five columns are a constant (`forEachChunk`), so the loops over a block unroll. An odd
    // last row is computed twice (the pair's second row is the first) and written once more,
    // identically.

    /// Five lane accumulators: a value, so it aliases nothing and lives in registers.
    typealias Block = InlineArray<5, SIMD4<Double>>

    /// `body(j0, 5)` for chunks of five columns until column n − 1 is covered, the last one moved
    /// back to [n − 5, n) where fewer than five remain: every chunk has the constant width five
    /// (its loops unroll, and ten accumulators hide the multiply–adds' latency); the columns it
    /// shares with its neighbour are summed again, identically. For n < 5 one chunk [0, n).
    @inline(__always)
    static func forEachChunk(_ n: Int, _ body: (Int, Int) -> Void) {
        guard n >= 5 else { return body(0, n) }
        var j0 = 0
        while j0 < n {
            body(min(j0, n &- 5), 5)
            j0 &+= 5
        }
    }

    /// out = (xᵀy + addend) · scale for x, y with `rows` rows of n: the Gram matrices WᵀW and
    /// ΦᵀΦ (x = y), and the products A B of symmetric A (read by columns, its rows up to
    /// rounding), every entry summed over r in order. (Summing only the upper triangle and
    /// mirroring it measured no faster: the mirrored stores cost what the skipped multiply–adds
    /// saved.)
    @inline(__always)
    static func crossProduct(_ x: UnsafePointer<SIMD4<Double>>, _ y: UnsafePointer<SIMD4<Double>>, rows: Int, n: Int,
                             plus addend: UnsafePointer<SIMD4<Double>>? = nil, scale: SIMD4<Double> = SIMD4(repeating: 1),
                             into out: UnsafeMutablePointer<SIMD4<Double>>) {
        for i in stride(from: 0, to: n, by: 2) {
            let i1 = min(i &+ 1, n &- 1)
            forEachChunk(n) { j0, width in
                var r0 = Block(repeating: SIMD4()), r1 = r0
                for r in 0..<rows {
                    let xr = x + r &* n, x0 = xr[i], x1 = xr[i1], chunk = y + (r &* n &+ j0)
                    for j in 0..<width {
                        r0[j] = r0[j].addingProduct(x0, chunk[j])
                        r1[j] = r1[j].addingProduct(x1, chunk[j])
                    }
                }
                if let addend {
                    for j in 0..<width {
                        r0[j] += addend[i &* n &+ j0 &+ j]
                        r1[j] += addend[i1 &* n &+ j0 &+ j]
                    }
                }
                for j in 0..<width {
                    out[i &* n &+ j0 &+ j] = r0[j] * scale
                    out[i1 &* n &+ j0 &+ j] = r1[j] * scale
                }
            }
        }
    }

    /// old = (a, b), the two N-vectors a pass reads while it overwrites them.
    @inline(__always)
    static func copyPair(_ a: UnsafePointer<SIMD4<Double>>, _ b: UnsafePointer<SIMD4<Double>>,
                         into old: UnsafeMutablePointer<SIMD4<Double>>, n: Int) {
        for i in 0..<n {
            old[i] = a[i]
            old[n &+ i] = b[i]
        }
    }

    /// (a M, b M) on the columns [j0, j0 + width) for the pair of N-vectors a = old[0..<n],
    /// b = old[n..<2n] (as `copyPair` leaves them) and the N × N matrix M: Σ_j a_j M_j· and
    /// Σ_j b_j M_j· over j in order, in registers. The chains' Mᵏφ (Mᵏ symmetric) and W D.
    @inline(__always)
    static func pairTimes(_ old: UnsafePointer<SIMD4<Double>>, _ m: UnsafePointer<SIMD4<Double>>, n: Int,
                          columns j0: Int, width: Int) -> (Block, Block) {
        var r0 = Block(repeating: SIMD4()), r1 = r0
        for j in 0..<n {
            let a = old[j], b = old[n &+ j], row = m + (j &* n &+ j0)
            for i in 0..<width {
                r0[i] = r0[i].addingProduct(row[i], a)
                r1[i] = r1[i].addingProduct(row[i], b)
            }
        }
        return (r0, r1)
    }

    /// φ_b ← Mᵏ φ_b + L ξ_b for every chain b, two chains at a time, with L = Uᵀ:
    /// (Lξ)_i = Σ_{j ≤ i} U_ji ξ_j and Mᵏ symmetric, so both read rows; only L's triangle is
    /// summed (the diagonal block's triangle unrolled). ξ_b is the b-th N-vector of SIMD4 lanes
    /// at `noise` (lane t: seed t's deviates, written with stride 4). The old φ of both chains is
    /// copied to `scratch` (2N entries) first, so every chunk reads only old values.
    @inline(__always)
    static func moveChains(_ phi: UnsafeMutablePointer<SIMD4<Double>>, chains: Int, n: Int, power: UnsafePointer<SIMD4<Double>>,
                           factor u: UnsafePointer<SIMD4<Double>>, noise: UnsafeRawPointer,
                           scratch old: UnsafeMutablePointer<SIMD4<Double>>) {
        for b in stride(from: 0, to: chains, by: 2) {
            let b1 = min(b &+ 1, chains &- 1)
            let chain0 = phi + b &* n, chain1 = phi + b1 &* n
            let xi0 = noise + (b &* n) &* 32, xi1 = noise + (b1 &* n) &* 32
            copyPair(chain0, chain1, into: old, n: n)
            forEachChunk(n) { i0, width in
                var (r0, r1) = pairTimes(old, power, n: n, columns: i0, width: width)
                // Rows j < i0 of U in full, then the diagonal block's triangle (row i0 + jj from
                // column jj on), unrolled with the constant width.
                for j in 0..<i0 {
                    let x0 = xi0.loadUnaligned(fromByteOffset: j &* 32, as: SIMD4<Double>.self)
                    let x1 = xi1.loadUnaligned(fromByteOffset: j &* 32, as: SIMD4<Double>.self)
                    let uRow = u + (j &* n &+ i0)
                    for i in 0..<width {
                        r0[i] = r0[i].addingProduct(uRow[i], x0)
                        r1[i] = r1[i].addingProduct(uRow[i], x1)
                    }
                }
                for jj in 0..<width {
                    let j = i0 &+ jj
                    let x0 = xi0.loadUnaligned(fromByteOffset: j &* 32, as: SIMD4<Double>.self)
                    let x1 = xi1.loadUnaligned(fromByteOffset: j &* 32, as: SIMD4<Double>.self)
                    let uRow = u + (j &* n &+ i0)
                    for i in jj..<width {
                        r0[i] = r0[i].addingProduct(uRow[i], x0)
                        r1[i] = r1[i].addingProduct(uRow[i], x1)
                    }
                }
                for i in 0..<width {
                    chain0[i0 &+ i] = r0[i]
                    chain1[i0 &+ i] = r1[i]
                }
            }
        }
    }

    /// W ← W + α W D, two rows at a time (their old values copied to `scratch`, 2N entries, then
    /// each row's W D summed from them and written back). Returns the sum of the new entries.
    @inline(__always)
    static func step(_ w: UnsafeMutablePointer<SIMD4<Double>>, rows: Int, n: Int, direction d: UnsafePointer<SIMD4<Double>>,
                     alpha: SIMD4<Double>, scratch old: UnsafeMutablePointer<SIMD4<Double>>) -> SIMD4<Double> {
        var sum = SIMD4<Double>()
        for a in stride(from: 0, to: rows, by: 2) {
            let a1 = min(a &+ 1, rows &- 1)
            let row0 = w + a &* n, row1 = w + a1 &* n
            copyPair(row0, row1, into: old, n: n)
            forEachChunk(n) { j0, width in
                let (r0, r1) = pairTimes(old, d, n: n, columns: j0, width: width)
                var chunkSum = SIMD4<Double>()
                for j in 0..<width {
                    let new0 = old[j0 &+ j].addingProduct(alpha, r0[j]), new1 = old[n &+ j0 &+ j].addingProduct(alpha, r1[j])
                    row0[j0 &+ j] = new0
                    row1[j0 &+ j] = new1
                    chunkSum += new0 + new1
                }
                sum += chunkSum
            }
        }
        return sum
    }

    /// Cholesky factor A = UᵀU of the symmetric N × N lane matrix `a`, in place in its upper
    /// triangle, by way of A = Rᵀ D⁻¹ R (R upper with diagonal D): right-looking, row j's pivot
    /// d_j = R_jj removes R_j·ᵀ R_j· / d_j from the trailing upper triangle (independent
    /// updates), then U = D^{−1/2} R row by row. Only a division lies between one pivot and the
    /// next; the square roots, off that path, are independent. Returns the lanes whose pivot was
    /// not positive or not finite (those lanes' entries are then meaningless). The lower
    /// triangle is not read; it is set to zero, so that U's rows can be used at full width.
    @inline(__always)
    static func factorUpper(_ a: UnsafeMutablePointer<SIMD4<Double>>, n: Int) -> SIMDMask<SIMD4<Int64>> {
        var bad = SIMDMask<SIMD4<Int64>>(repeating: false)
        for j in 0..<n {
            let row = a + j &* n
            let d = row[j]
            bad = bad .| .!(d .> 0 .& d .< .infinity)
            let inverse = 1 / d
            for r in (j &+ 1)..<n {
                let minusRatio = -(row[r] * inverse), target = a + r &* n
                for i in r..<n { target[i] = target[i].addingProduct(minusRatio, row[i]) }
            }
        }
        for j in 0..<n {
            let row = a + j &* n
            let pivot = laneSquareRoot(row[j]), inverse = 1 / pivot
            row[j] = pivot
            for i in (j &+ 1)..<n { row[i] *= inverse }
            for i in 0..<j { row[i] = SIMD4() }
        }
        return bad
    }

    /// √x in every lane, as one vector instruction where there is one: `SIMD4.squareRoot()`
    /// compiles to four scalar roots, each behind a branch to libm for negative inputs (errno).
    /// Both round correctly, so results are identical.
    @inline(__always)
    static func laneSquareRoot(_ x: SIMD4<Double>) -> SIMD4<Double> {
        #if arch(x86_64)
        _mm256_sqrt_pd(x)
        #else
        x.squareRoot()
        #endif
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
