import RealModule

/// Hyper-parameters of the multilayer tanh teacher–student network (SPEC §2.4).
public struct TanhNetworkConfig: Sendable, Equatable, Codable {
    /// Input dimension (x ∈ ℝ³ in the paper).
    public var inputs: Int = 3
    /// L: width of the frozen first layer M ∈ ℝ^{L×3}, i.e. the features tanh(Mx) that W reads.
    public var inputFeatures: Int = 32
    /// K: rows of the trained W ∈ ℝ^{K×L}, the width the frozen read-out Z ∈ ℝ^{1×K} sums.
    public var hiddenUnits: Int = 16
    /// α: SGD step size.
    public var learningRate: Double = 1
    /// σ_W: the student starts at W ~ N(0, σ_W²/L) (the disorder strength of the phase diagram).
    public var initialWidth: Double = 1
    /// |B|: samples per mini-batch.
    public var batchSize: Int = 4
    /// Mini-batches per epoch; the data set has batchSize × batchesPerEpoch samples.
    public var batchesPerEpoch: Int = 1000
    /// The paper's 10⁵ epochs are 10⁸ steps per model.
    public var epochs: Int = 100_000
    /// A seed whose batch loss exceeds this stops as `.diverged(step:)`.
    ///
    /// With this architecture |y| ≤ Σ_k |Z_k| for teacher and student alike, so the batch loss
    /// never exceeds 2(Σ_k |Z_k|)² ≈ 4K/π (≈ 20 for K = 16): the paper's threshold of 100 can
    /// only fire for K ≳ 80 or a non-finite loss. Lower it to use divergence as a stopping rule.
    public var divergenceThreshold: Double = 100
    /// Fixed inputs of the per-seed test set on which `testLoss` is measured.
    public var testSamples: Int = 128

    public init() {}

    /// T = α/|B|, the effective temperature of SGD.
    public var temperature: Double { learningRate / Double(batchSize) }
    /// r = L/K, the aspect ratio of W.
    public var aspectRatio: Double { Double(inputFeatures) / Double(hiddenUnits) }
    /// Samples in the fixed training set.
    public var trainingSamples: Int { batchSize * batchesPerEpoch }
}

/// The multilayer tanh teacher–student network of SPEC §2.4 (arXiv:2509.01349) as an
/// `EnsembleModel`: ŷ = Z tanh(W tanh(M x)) with only W trained.
///
/// **Model.** x ∈ ℝ³ ~ N(0, I); frozen M ∈ ℝ^{L×3}, M_ij ~ N(0, 1/3), and Z ∈ ℝ^{1×K},
/// Z_k ~ N(0, 1/K); trained W ∈ ℝ^{K×L}. The teacher is the same network with W_t ~ N(0, 1/L);
/// the student starts at W ~ N(0, σ_W²/L). M, Z, W_t and the data are drawn anew for every seed.
///
/// **Training.** Sample loss ℓ_n = ½(ŷ_n − y_n)², batch loss ℓ_B = mean_{n∈B} ℓ_n, step
/// W ← W − α ∇_W ℓ_B with ∇_W ℓ_n = δ_n s⁰_nᵀ, δ_n,k = (ŷ_n − y_n) Z_k (1 − tanh²(W s⁰_n)_k) and
/// s⁰_n = tanh(M x_n). Step s uses batch s mod batchesPerEpoch, the consecutive slice of |B|
/// samples, so every epoch visits the data in the same order.
///
/// **Divergence and failure.** The batch loss of step s is computed before its update; if it
/// exceeds `divergenceThreshold` the seed stops with `.diverged(step: s)` at the weights W(s) it
/// had (the update is not applied); a NaN loss stops it with `.failed(step: s)`. W can become
/// non-finite only through a non-finite α (every update is bounded by α·2(Σ|Z|)·max|Z_k|), and
/// then does so at the first update: with a non-finite α the seed stops after its first step s
/// with `.failed(step: s + 1)`, wherever `advance` intervals begin and end (so splitting an
/// interval never changes a result).
///
/// **Precomputation.** M is frozen, so the features s⁰_n (L values per sample) and the teacher's
/// outputs y_n are per-seed constants, computed once at construction: a step touches only W and
/// |B| precomputed feature rows. Memory: about 8·(n + 128)·(L + 1) bytes per seed (`tableBytes`),
/// ≈ 1 MB at the paper's sizes, plus, while training, a lane group's interleaved copy of its
/// four seeds' features (32·n·L bytes per thread, see `trainLanes`).
///
/// **Randomness** (stream seed index = seed): `.teacher` draws M (row-major), then Z, then W_t
/// (row-major); `.data` the training inputs x_n in order, 3 deviates each; `.evaluation` the
/// test inputs; `.initialisation` W (row-major). Training itself draws nothing.
///
/// **State.** W (K × L, row-major), recorded as "W"; the teacher W_t is the fixed matrix
/// "teacher" with target "W".
///
/// Cost per step: 2|B|KL multiply–adds and |B|K tanh; allocation-free.
public struct TanhNetwork: EnsembleModel {
    public let config: TanhNetworkConfig
    public let runSeed: UInt64
    public let seeds: Int
    /// [seed][L·inputs] M; [seed][K] Z; [seed][K·L] W_t.
    let firstLayers: [Double]
    let readouts: [Double]
    let teachers: [Double]
    /// [seed][n][L] s⁰_n = tanh(M x_n) and [seed][n] y_n for the training set.
    let features: [Double]
    let targets: [Double]
    /// The same for the test set: [seed][128][L] and [seed][128].
    let testFeatures: [Double]
    let testTargets: [Double]

    /// Bytes of precomputed per-seed constants for `seeds` seeds, to check memory before a run.
    public static func tableBytes(_ config: TanhNetworkConfig, seeds: Int) -> Int {
        let l = config.inputFeatures, k = config.hiddenUnits
        let perSeed = l * config.inputs + k + k * l + (config.trainingSamples + config.testSamples) * (l + 1)
        return 8 * seeds * perSeed
    }

    /// Draws every seed's frozen layers, teacher and data and precomputes features and targets,
    /// seeds split over `threads` threads (the result does not depend on `threads`).
    public init(config: TanhNetworkConfig, runSeed: UInt64, seeds: Int, threads: Int) {
        precondition(config.inputs >= 1 && config.inputFeatures >= 1 && config.hiddenUnits >= 1,
                     "layer sizes must be positive")
        precondition(config.batchSize >= 1 && config.batchesPerEpoch >= 1 && config.epochs >= 0 && config.testSamples >= 0,
                     "batch size and batches per epoch must be positive, epochs and test samples non-negative")
        precondition(seeds >= 1, "an ensemble needs at least one seed")
        self.config = config
        self.runSeed = runSeed
        self.seeds = seeds
        let d = config.inputs, l = config.inputFeatures, k = config.hiddenUnits
        let n = config.trainingSamples, nTest = config.testSamples

        struct SeedTables { var m, z, t, s, y, sTest, yTest: [Double] }
        var firstLayers = [Double](), readouts = [Double](), teachers = [Double]()
        var features = [Double](), targets = [Double](), testFeatures = [Double](), testTargets = [Double]()
        firstLayers.reserveCapacity(seeds * l * d)
        features.reserveCapacity(seeds * n * l)
        parallelFill(copies: seeds, threads: threads) { seed -> SeedTables in
            var teacherStream = RandomStream(runSeed: runSeed, seedIndex: UInt32(seed), purpose: .teacher)
            let m = (0..<(l * d)).map { _ in teacherStream.nextNormal() / Double(d).squareRoot() }
            let z = (0..<k).map { _ in teacherStream.nextNormal() / Double(k).squareRoot() }
            let t = (0..<(k * l)).map { _ in teacherStream.nextNormal() / Double(l).squareRoot() }
            var dataStream = RandomStream(runSeed: runSeed, seedIndex: UInt32(seed), purpose: .data)
            let (s, y) = Self.featuresAndTargets(count: n, config: config, m: m, z: z, teacher: t, stream: &dataStream)
            var testStream = RandomStream(runSeed: runSeed, seedIndex: UInt32(seed), purpose: .evaluation)
            let (sTest, yTest) = Self.featuresAndTargets(count: nTest, config: config, m: m, z: z, teacher: t, stream: &testStream)
            return SeedTables(m: m, z: z, t: t, s: s, y: y, sTest: sTest, yTest: yTest)
        } store: { _, tables in
            firstLayers += tables.m
            readouts += tables.z
            teachers += tables.t
            features += tables.s
            targets += tables.y
            testFeatures += tables.sTest
            testTargets += tables.yTest
        }
        self.firstLayers = firstLayers
        self.readouts = readouts
        self.teachers = teachers
        self.features = features
        self.targets = targets
        self.testFeatures = testFeatures
        self.testTargets = testTargets
    }

    /// `count` inputs x ~ N(0, I) from `stream`, returned as features s⁰ = tanh(M x) ([count][L])
    /// and teacher outputs y = Z tanh(W_t s⁰) ([count]).
    static func featuresAndTargets(count: Int, config: TanhNetworkConfig, m: [Double], z: [Double],
                                   teacher: [Double], stream: inout RandomStream) -> ([Double], [Double]) {
        let d = config.inputs, l = config.inputFeatures, k = config.hiddenUnits
        var s = [Double](repeating: 0, count: count * l)
        var x = [Double](repeating: 0, count: d)
        for sample in 0..<count {
            for i in 0..<d { x[i] = stream.nextNormal() }
            for j in 0..<l {
                var sum = 0.0
                for i in 0..<d { sum += m[j * d + i] * x[i] }
                s[sample * l + j] = sum
            }
        }
        s.withUnsafeMutableBufferPointer { tanhInPlace($0.baseAddress!, $0.count) }
        // The teacher's outputs through the same `output` (same `dot`, same `tanh`) the student's
        // loss uses, so that W = W_t has exactly zero loss and gradient.
        let y = teacher.withUnsafeBufferPointer { t in
            s.withUnsafeBufferPointer { s in
                z.withUnsafeBufferPointer { z in
                    (0..<count).map { output(t.baseAddress!, features: s.baseAddress! + $0 * l, readout: z.baseAddress!, l: l, k: k) }
                }
            }
        }
        return (s, y)
    }

    public var stateSize: Int { config.hiddenUnits * config.inputFeatures }
    public var totalSteps: Int { config.epochs * config.batchesPerEpoch }
    public var stepsPerEpoch: Int { config.batchesPerEpoch }
    public var recordedMatrices: [RecordedMatrix] {
        [RecordedMatrix(name: "W", rows: config.hiddenUnits, columns: config.inputFeatures, offset: 0)]
    }
    /// Only the teacher: a fixed matrix must have its target's shape (the run file gives it the
    /// target's axes), so M (L × 3) and Z (1 × K) are available through `firstLayer(seed:)` and
    /// `readout(seed:)` instead.
    public var fixedMatrices: [FixedMatrix] {
        [FixedMatrix(name: "teacher", target: "W", rows: config.hiddenUnits, columns: config.inputFeatures,
                     values: teachers, description: "teacher middle layer W_t ~ N(0, 1/L) the student W learns")]
    }

    /// The teacher's W_t of `seed` (K × L, row-major).
    public func teacher(seed: Int) -> [Double] { slice(teachers, seed: seed, size: stateSize) }
    /// The frozen first layer M of `seed` (L × inputs, row-major).
    public func firstLayer(seed: Int) -> [Double] { slice(firstLayers, seed: seed, size: config.inputFeatures * config.inputs) }
    /// The frozen read-out Z of `seed` (K values).
    public func readout(seed: Int) -> [Double] { slice(readouts, seed: seed, size: config.hiddenUnits) }
    /// The features s⁰_n = tanh(M x_n) of `seed`'s training set ([n][L], row-major).
    public func trainingFeatures(seed: Int) -> [Double] { slice(features, seed: seed, size: config.trainingSamples * config.inputFeatures) }

    /// The features s⁰ = tanh(M x) of `seed`'s `testSamples` fixed test inputs ([128][L], row-major).
    public func testInputFeatures(seed: Int) -> [Double] { slice(testFeatures, seed: seed, size: config.testSamples * config.inputFeatures) }

    private func slice(_ table: [Double], seed: Int, size: Int) -> [Double] {
        precondition(seed >= 0 && seed < seeds, "seed \(seed) outside 0..<\(seeds)")
        return Array(table[(seed * size)..<((seed + 1) * size)])
    }

    public func initialise(seed: Int, state: UnsafeMutableBufferPointer<Double>) {
        var stream = RandomStream(runSeed: runSeed, seedIndex: UInt32(seed), purpose: .initialisation)
        stream.fillNormal(state, std: config.initialWidth / Double(config.inputFeatures).squareRoot())
    }

    /// Seeds per `advance(seeds:states:from:count:)` call: one per SIMD4<Double> lane.
    public var seedGroupWidth: Int { 4 }

    /// One seed alone: lane 0 of the lane kernel (the spare lanes repeat it and are discarded),
    /// so a seed's result is the same whether it trains alone or beside three others.
    public func advance(seed: Int, state: UnsafeMutableBufferPointer<Double>, from step: Int, count: Int) -> SeedStatus {
        advance(seeds: [seed], states: [state], from: step, count: count)[0]
    }

    /// Up to four seeds at once, seed i in SIMD lane i (`trainLanes`). Every lane repeats one
    /// seed's arithmetic in the same order, so each result is independent of its companions.
    public func advance(seeds group: [Int], states: [UnsafeMutableBufferPointer<Double>], from step: Int, count: Int) -> [SeedStatus] {
        precondition(!group.isEmpty && group.count <= 4 && group.count == states.count, "1 to 4 seeds, one state each")
        for seed in group { precondition(seed >= 0 && seed < seeds, "seed \(seed) outside 0..<\(seeds)") }
        for state in states { precondition(state.count == stateSize, "state has \(state.count) values, expected \(stateSize)") }
        let lane = (0..<4).map { min($0, group.count - 1) }
        let n = config.trainingSamples, l = config.inputFeatures, k = config.hiddenUnits
        let statuses = features.withUnsafeBufferPointer { features in
            targets.withUnsafeBufferPointer { targets in
                readouts.withUnsafeBufferPointer { readouts in
                    Self.trainLanes(lane.map { states[$0].baseAddress! }, seeds: group.count, config: config,
                                    features: lane.map { features.baseAddress! + group[$0] * n * l },
                                    targets: lane.map { targets.baseAddress! + group[$0] * n },
                                    readouts: lane.map { readouts.baseAddress! + group[$0] * k },
                                    from: step, count: count)
                }
            }
        }
        return statuses
    }

    /// The SGD loop of `advance` for four seeds in SIMD4 lanes (lane t: `w[t]`, `features[t]`, …;
    /// lanes ≥ `seeds` are spare, never written back). Per step and lane: the forward pass of the
    /// |B| samples (a = W s⁰, h = tanh a, e = Z·h − y), the divergence check, then
    /// W ← W − Σ_n c_n s⁰_nᵀ with c_n = ((α/|B|) e_n Z) ∘ (1 − h²) = (α/|B|) δ_n (the factor
    /// applied to e first: one multiplication per sample instead of one per coefficient; for a
    /// power-of-two α/|B|, such as the default 1/4, exactly (α/|B|)(e Z ∘ (1 − h²))). Returns the
    /// lanes' statuses (`.ok` if never stopped).
    ///
    /// The lanes' W live transposed in scratch ([K][L] of SIMD4, lane = seed) for the whole
    /// interval; the feature rows are interleaved the same way (the whole data set once if the
    /// interval visits every batch, else each step's batch), each step's targets too. Every sum
    /// runs in a fixed order per lane: a_kn = Σ_j W_kj s⁰_nj sequentially over j, the output
    /// over k, the loss over n, the update over n; so no horizontal sums or remainders, and a
    /// lane's result is independent of the other lanes. A lane that diverges or fails is written
    /// back at once and its e is zero from then on (its scratch W keeps changing only if a NaN
    /// h makes 0 · NaN: it is never written back, and lanes never mix).
    static func trainLanes(_ w: [UnsafeMutablePointer<Double>], seeds live: Int, config: TanhNetworkConfig,
                           features: [UnsafePointer<Double>], targets: [UnsafePointer<Double>],
                           readouts: [UnsafePointer<Double>], from step: Int, count: Int) -> [SeedStatus] {
        let l = config.inputFeatures, k = config.hiddenUnits, batch = config.batchSize
        let batches = config.batchesPerEpoch
        let scale = SIMD4<Double>(repeating: config.learningRate / Double(batch))
        let lossScale = SIMD4<Double>(repeating: 0.5 / Double(batch))
        let threshold = SIMD4<Double>(repeating: config.divergenceThreshold)
        let finiteRate = config.learningRate.isFinite
        let (f0, f1, f2, f3) = (features[0], features[1], features[2], features[3])
        let (y0, y1, y2, y3) = (targets[0], targets[1], targets[2], targets[3])
        var statuses = [SeedStatus](repeating: .ok, count: 4)
        // Lanes still training; spare lanes count as stopped from the start.
        var stopped = SIMDMask<SIMD4<Int64>>(repeating: false)
        for t in live..<4 { stopped[t] = true }
        // An interval that visits every batch interleaves the whole data set once (32·n·L bytes,
        // 4 MB at the paper's sizes) instead of each step's batch every step (the per-step
        // gather was ≈ 15 % of this function); a shorter one gathers per step.
        let wholeSet = count >= batches
        let featureVectors = wholeSet ? batches * batch * l : batch * l
        let capacity = k * l + featureVectors + k + batch + k * batch
        withUnsafeTemporaryAllocation(of: SIMD4<Double>.self, capacity: capacity) { scratch in
            let wT = scratch.baseAddress!, xT = wT + k * l, zT = xT + featureVectors
            let yT = zT + k, act = yT + batch
            for i in 0..<(k * l) { wT[i] = SIMD4(w[0][i], w[1][i], w[2][i], w[3][i]) }
            for a in 0..<k { zT[a] = SIMD4(readouts[0][a], readouts[1][a], readouts[2][a], readouts[3][a]) }
            func writeBack(_ t: Int) {
                let wt = w[t]
                for i in 0..<(k * l) { wt[i] = wT[i][t] }
            }
            if wholeSet { interleave(f0, f1, f2, f3, into: xT, count: featureVectors) }
            var b = step % batches
            for s in step..<(step + count) {
                let offset = b &* batch &* l
                let x = wholeSet ? xT + offset : xT
                if !wholeSet { interleave(f0 + offset, f1 + offset, f2 + offset, f3 + offset, into: xT, count: featureVectors) }
                let first = b &* batch
                for n in 0..<batch {
                    yT[n] = SIMD4(y0[first &+ n], y1[first &+ n], y2[first &+ n], y3[first &+ n])
                }
                forwardLanes(wT, x, into: act, k: k, l: l, batch: batch)
                tanhInPlace(act, k &* batch)
                var loss = SIMD4<Double>()
                for n in 0..<batch {
                    var output = SIMD4<Double>()
                    for a in 0..<k { output += zT[a] * act[a &* batch &+ n] }
                    let e = output - yT[n]
                    loss += e * e
                    yT[n] = e   // the target is not needed again this step
                }
                loss *= lossScale
                // NaN fails the lane, a loss above the threshold stops it as diverged; either
                // way before this step's update.
                let stops = (loss .!= loss .| loss .> threshold) .& .!stopped
                if any(stops) {
                    for t in 0..<4 where stops[t] {
                        statuses[t] = loss[t].isNaN ? .failed(step: s) : .diverged(step: s)
                        writeBack(t)
                    }
                    stopped = stopped .| stops
                    if all(stopped) { return }
                }
                // The update's coefficients (α/|B|) δ_n,a = ((α/|B|) e_n Z_a)(1 − h²), zero in
                // stopped lanes, in place of h.
                let zero = SIMD4<Double>()
                for n in 0..<batch {
                    let e = (scale * yT[n]).replacing(with: zero, where: stopped)
                    for a in 0..<k {
                        let h = act[a &* batch &+ n]
                        act[a &* batch &+ n] = e * zT[a] * (1 - h * h)
                    }
                }
                updateLanes(wT, act, x, k: k, l: l, batch: batch)
                if !finiteRate {   // W is no longer finite after this first update
                    let running = .!stopped
                    for t in 0..<4 where running[t] { statuses[t] = .failed(step: s + 1); writeBack(t) }
                    return
                }
                b += 1
                if b == batches { b = 0 }
            }
            for t in 0..<live where !stopped[t] { writeBack(t) }
        }
        return Array(statuses[0..<live])
    }

    /// out[i] = (f0[i], f1[i], f2[i], f3[i]) for i < `count`: a 4 × 4 transpose per four i from
    /// four 32-byte loads, stored as whole 32-byte vectors.
    @inline(__always)
    static func interleave(_ f0: UnsafePointer<Double>, _ f1: UnsafePointer<Double>, _ f2: UnsafePointer<Double>,
                           _ f3: UnsafePointer<Double>, into out: UnsafeMutablePointer<SIMD4<Double>>, count: Int) {
        var i = 0
        while i &+ 4 <= count {
            let a = UnsafeRawPointer(f0 + i).loadUnaligned(as: SIMD4<Double>.self)
            let b = UnsafeRawPointer(f1 + i).loadUnaligned(as: SIMD4<Double>.self)
            let c = UnsafeRawPointer(f2 + i).loadUnaligned(as: SIMD4<Double>.self)
            let d = UnsafeRawPointer(f3 + i).loadUnaligned(as: SIMD4<Double>.self)
            out[i] = SIMD4(a[0], b[0], c[0], d[0])
            out[i &+ 1] = SIMD4(a[1], b[1], c[1], d[1])
            out[i &+ 2] = SIMD4(a[2], b[2], c[2], d[2])
            out[i &+ 3] = SIMD4(a[3], b[3], c[3], d[3])
            i &+= 4
        }
        while i < count {
            out[i] = SIMD4(f0[i], f1[i], f2[i], f3[i])
            i &+= 1
        }
    }

    /// x_i ← tanh x_i for `count` lane vectors: their 4·count values, sixteen at a time.
    @inline(__always)
    static func tanhInPlace(_ x: UnsafeMutablePointer<SIMD4<Double>>, _ count: Int) {
        x.withMemoryRebound(to: Double.self, capacity: 4 &* count) { tanhInPlace($0, 4 &* count) }
    }

    /// act[a·|B| + n] = Σ_j w[a·L + j] x[n·L + j] for every row a < K and sample n < |B|, lane by
    /// lane, summed sequentially over j. Two rows × four samples per pass (eight independent
    /// accumulators; six loads per eight multiply–adds); the same order for the remainders.
    @inline(__always)
    static func forwardLanes(_ w: UnsafePointer<SIMD4<Double>>, _ x: UnsafePointer<SIMD4<Double>>,
                             into act: UnsafeMutablePointer<SIMD4<Double>>, k: Int, l: Int, batch: Int) {
        var a = 0
        while a &+ 2 <= k {
            let wa = w + a &* l, wb = wa + l
            var n = 0
            while n &+ 4 <= batch {
                let x0 = x + n &* l, x1 = x0 + l, x2 = x1 + l, x3 = x2 + l
                var s0 = SIMD4<Double>(), s1 = SIMD4<Double>(), s2 = SIMD4<Double>(), s3 = SIMD4<Double>()
                var t0 = SIMD4<Double>(), t1 = SIMD4<Double>(), t2 = SIMD4<Double>(), t3 = SIMD4<Double>()
                var j = 0
                while j < l {   // two j per iteration where possible: fewer loop instructions
                    let u = wa[j], v = wb[j]
                    let p0 = x0[j], p1 = x1[j], p2 = x2[j], p3 = x3[j]
                    s0.addProduct(u, p0); s1.addProduct(u, p1); s2.addProduct(u, p2); s3.addProduct(u, p3)
                    t0.addProduct(v, p0); t1.addProduct(v, p1); t2.addProduct(v, p2); t3.addProduct(v, p3)
                    j &+= 1
                    guard j < l else { break }
                    let u1 = wa[j], v1 = wb[j]
                    let q0 = x0[j], q1 = x1[j], q2 = x2[j], q3 = x3[j]
                    s0.addProduct(u1, q0); s1.addProduct(u1, q1); s2.addProduct(u1, q2); s3.addProduct(u1, q3)
                    t0.addProduct(v1, q0); t1.addProduct(v1, q1); t2.addProduct(v1, q2); t3.addProduct(v1, q3)
                    j &+= 1
                }
                let ra = act + (a &* batch &+ n), rb = ra + batch
                ra[0] = s0; ra[1] = s1; ra[2] = s2; ra[3] = s3
                rb[0] = t0; rb[1] = t1; rb[2] = t2; rb[3] = t3
                n &+= 4
            }
            while n < batch {
                act[a &* batch &+ n] = dotLanes(wa, x + n &* l, l)
                act[(a &+ 1) &* batch &+ n] = dotLanes(wb, x + n &* l, l)
                n &+= 1
            }
            a &+= 2
        }
        if a < k {
            for n in 0..<batch { act[a &* batch &+ n] = dotLanes(w + a &* l, x + n &* l, l) }
        }
    }

    /// Σ_j a_j b_j lane by lane, sequentially over j.
    @inline(__always)
    static func dotLanes(_ a: UnsafePointer<SIMD4<Double>>, _ b: UnsafePointer<SIMD4<Double>>, _ n: Int) -> SIMD4<Double> {
        var sum = SIMD4<Double>()
        for j in 0..<n { sum.addProduct(a[j], b[j]) }
        return sum
    }

    /// w[a·L + j] ← w[a·L + j] − Σ_n c[a·|B| + n] x[n·L + j] for every row a < K, subtracted
    /// in order n = 0, 1, … for each element. For |B| = 4 two rows per pass with their eight
    /// coefficients in registers (six loads, two stores per sixteen multiply–subtracts).
    @inline(__always)
    static func updateLanes(_ w: UnsafeMutablePointer<SIMD4<Double>>, _ c: UnsafePointer<SIMD4<Double>>,
                            _ x: UnsafePointer<SIMD4<Double>>, k: Int, l: Int, batch: Int) {
        var a = 0
        if batch == 4 {
            let x0 = x, x1 = x0 + l, x2 = x1 + l, x3 = x2 + l
            while a &+ 2 <= k {
                let ca = c + a &* 4, cb = ca + 4
                let a0 = -ca[0], a1 = -ca[1], a2 = -ca[2], a3 = -ca[3]
                let b0 = -cb[0], b1 = -cb[1], b2 = -cb[2], b3 = -cb[3]
                let wa = w + a &* l, wb = wa + l
                for j in 0..<l {
                    let p0 = x0[j], p1 = x1[j], p2 = x2[j], p3 = x3[j]
                    var u = wa[j], v = wb[j]
                    u.addProduct(a0, p0); v.addProduct(b0, p0)
                    u.addProduct(a1, p1); v.addProduct(b1, p1)
                    u.addProduct(a2, p2); v.addProduct(b2, p2)
                    u.addProduct(a3, p3); v.addProduct(b3, p3)
                    wa[j] = u; wb[j] = v
                }
                a &+= 2
            }
        }
        while a < k {
            let wa = w + a &* l, ca = c + a &* batch
            for j in 0..<l {
                var v = wa[j]
                for n in 0..<batch { v.addProduct(-ca[n], x[n &* l &+ j]) }
                wa[j] = v
            }
            a &+= 1
        }
    }

    /// Σ_j a_j b_j over n values: two SIMD4 partial sums, then the lanes in a fixed order (so
    /// results are reproducible; a strictly sequential sum would forbid vectorising).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var acc0 = SIMD4<Double>(), acc1 = SIMD4<Double>()
        var j = 0
        while j &+ 8 <= n {
            let ra = UnsafeRawPointer(a + j), rb = UnsafeRawPointer(b + j)
            acc0 += ra.loadUnaligned(as: SIMD4<Double>.self) * rb.loadUnaligned(as: SIMD4<Double>.self)
            acc1 += ra.loadUnaligned(fromByteOffset: 32, as: SIMD4<Double>.self)
                * rb.loadUnaligned(fromByteOffset: 32, as: SIMD4<Double>.self)
            j &+= 8
        }
        let acc = acc0 + acc1
        var sum = (acc[0] + acc[1]) + (acc[2] + acc[3])
        while j < n {
            sum += a[j] * b[j]
            j &+= 1
        }
        return sum
    }

    /// tanh |x| = (1 − E)/(1 + E) with E = e^{−u}, u = min(2|x|, 40) (tanh 20 rounds to 1), and
    /// the sign of x restored; branch-free, so a loop of them vectorises and pipelines (libm's
    /// tanh costs ≈ 26 ns a call, more than half of a K = 16, L = 32 step).
    ///
    /// Cody–Waite reduction u = −k ln 2 + s, |s| ≤ ln2/2, k ∈ [−58, 0], so E = 2ᵏ e^{−s}, and
    /// e^{−s} = (c − s)/(c + s) with c = s coth(s/2), an even function (the form of fdlibm's exp):
    /// multiplying through by c + s leaves one division,
    ///
    ///     tanh |x| = (c (1 − 2ᵏ) + s (1 + 2ᵏ)) / (c (1 + 2ᵏ) + s (1 − 2ᵏ)).
    ///
    /// For k = 0 (|x| < ln2/4) the numerator is 2s = 2u exactly, so small arguments keep full
    /// relative accuracy; 1 ± 2ᵏ are exact for k ≥ −52 (below, tanh rounds to 1 anyway).
    /// c ≈ 2 + z (P₁ + z (P₂ + z (P₃ + z (P₄ + z P₅)))), z = s² ≤ (ln2/2)², P_i from a degree-4
    /// Chebyshev fit of (c − 2)/z at 50 digits (mpmath `chebyfit`, `Tests/Baselines/tanh_coefficients.py`):
    /// relative error of c ≤ 3.5·10⁻¹⁸, measured on 2 001 points in 50-digit arithmetic
    /// (the degree-13 Taylor expm1 this replaces needed 13 multiply–adds, this 6).
    /// 2ᵏ is built from the bits of k + 1.5·2⁵²; −u·log₂e ∈ [−57.8, 0] plus 1.5·2⁵² rounds it to
    /// the nearest integer (ties to even, the FPU's mode) without a libm `rint` call (baseline
    /// x86-64 has no roundsd). Measured against glibc over |x| ≤ 21 (2.5·10⁶ points, four runs
    /// of fresh random points): ≤ 4 ulp, relative ≤ 2.7·2⁻⁵² (`TanhNetworkTests` allows 8 ulp).
    /// NaN propagates.
    @inline(__always)
    public static func tanh(_ x: Double) -> Double {
        let u = min(2 * abs(x), 40)
        let shifted = (0x1.8p52).addingProduct(u, -1.4426950408889634)
        let kd = shifted - 0x1.8p52
        let s = u.addingProduct(kd, 6.93147180369123816490e-01).addingProduct(kd, 1.90821492927058770002e-10)
        let z = s * s
        var q = 4.1437725653582016e-08
        q = (-1.6534060165972636e-06).addingProduct(q, z)
        q = (6.613756471707873e-05).addingProduct(q, z)
        q = (-0.0027777777777564573).addingProduct(q, z)
        q = (0.1666666666666666).addingProduct(q, z)
        let c = (2.0).addingProduct(q, z)
        let twoToK = Double(bitPattern: (shifted.bitPattern &+ 1023) << 52)
        let oneMinus = 1 - twoToK, onePlus = 1 + twoToK
        let t = (s * onePlus).addingProduct(c, oneMinus) / (s * oneMinus).addingProduct(c, onePlus)
        return Double(signOf: x, magnitudeOf: t)
    }

    /// `tanh` lane by lane: the same operations in the same order on sixteen lanes (four ymm
    /// registers, four independent chains in flight: the polynomial's latency, not its
    /// arithmetic, bounds a loop of SIMD4 calls; eight lanes measured 8 % slower), so every lane
    /// is bit-identical to the scalar function (`TanhNetworkTests`). NaN propagates (the clamp
    /// is a comparison, not `pointwiseMin`, which would turn NaN into 40). Concrete types on
    /// purpose: generic SIMD comparisons compile to per-lane loops.
    @inline(__always)
    public static func tanh(_ x: SIMD16<Double>) -> SIMD16<Double> {
        typealias V = SIMD16<Double>
        let sign = SIMD16<UInt64>(repeating: 1 << 63)
        let bits = unsafeBitCast(x, to: SIMD16<UInt64>.self)
        var u = 2 * unsafeBitCast(bits & ~sign, to: V.self)
        u.replace(with: 40, where: V(repeating: 40) .< u)
        let shifted = V(repeating: 0x1.8p52).addingProduct(u, V(repeating: -1.4426950408889634))
        let kd = shifted - 0x1.8p52
        let s = u.addingProduct(kd, V(repeating: 6.93147180369123816490e-01))
            .addingProduct(kd, V(repeating: 1.90821492927058770002e-10))
        let z = s * s
        var q = V(repeating: 4.1437725653582016e-08)
        q = V(repeating: -1.6534060165972636e-06).addingProduct(q, z)
        q = V(repeating: 6.613756471707873e-05).addingProduct(q, z)
        q = V(repeating: -0.0027777777777564573).addingProduct(q, z)
        q = V(repeating: 0.1666666666666666).addingProduct(q, z)
        let c = V(repeating: 2).addingProduct(q, z)
        let twoToK = unsafeBitCast((unsafeBitCast(shifted, to: SIMD16<UInt64>.self) &+ 1023) &<< 52, to: V.self)
        let oneMinus = 1 - twoToK, onePlus = 1 + twoToK
        let t = (s * onePlus).addingProduct(c, oneMinus) / (s * oneMinus).addingProduct(c, onePlus)
        // t ≥ 0 (including +0 for x = ±0), so or-ing x's sign bit restores the sign.
        return unsafeBitCast(unsafeBitCast(t, to: SIMD16<UInt64>.self) | (bits & sign), to: V.self)
    }

    /// Four lanes, through the sixteen-lane function (the other lanes repeat them).
    @inline(__always)
    public static func tanh(_ x: SIMD4<Double>) -> SIMD4<Double> {
        tanh(SIMD16(lowHalf: SIMD8(lowHalf: x, highHalf: x), highHalf: SIMD8(lowHalf: x, highHalf: x))).lowHalf.lowHalf
    }

    // MARK: Loss and gradients outside the training loop

    /// ŷ = Z tanh(W s⁰) for one feature row; writes tanh(W s⁰) into `h` when given.
    private static func output(_ w: UnsafePointer<Double>, features s: UnsafePointer<Double>, readout z: UnsafePointer<Double>,
                               l: Int, k: Int, hidden h: UnsafeMutablePointer<Double>? = nil) -> Double {
        func sum(_ h: UnsafeMutablePointer<Double>) -> Double {
            for a in 0..<k { h[a] = dot(w + a * l, s, l) }
            tanhInPlace(h, k)
            var output = 0.0
            for a in 0..<k { output += z[a] * h[a] }
            return output
        }
        if let h { return sum(h) }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: k) { sum($0.baseAddress!) }
    }

    /// x_i ← tanh x_i for `count` values, sixteen at a time through the lane tanh (bit-identical
    /// to the scalar calls, whose latency would otherwise serialise).
    @inline(__always)
    static func tanhInPlace(_ x: UnsafeMutablePointer<Double>, _ count: Int) {
        var i = 0
        while i &+ 16 <= count {
            let raw = UnsafeMutableRawPointer(x + i)
            raw.storeBytes(of: tanh(raw.loadUnaligned(as: SIMD16<Double>.self)), as: SIMD16<Double>.self)
            i &+= 16
        }
        while i < count {
            x[i] = tanh(x[i])
            i &+= 1
        }
    }

    /// ½ mean_n (ŷ_n − y_n)² over `count` feature rows and targets.
    private func meanLoss(seed: Int, weights: [Double], features table: [Double], targets: [Double], count: Int) -> Double {
        precondition(weights.count == stateSize, "weights must have K × L = \(stateSize) entries, got \(weights.count)")
        guard count > 0 else { return 0 }
        let l = config.inputFeatures, k = config.hiddenUnits
        var sum = 0.0
        weights.withUnsafeBufferPointer { w in
            table.withUnsafeBufferPointer { s in
                readouts.withUnsafeBufferPointer { z in
                    for n in 0..<count {
                        let e = Self.output(w.baseAddress!, features: s.baseAddress! + (seed * count + n) * l,
                                            readout: z.baseAddress! + seed * k, l: l, k: k) - targets[seed * count + n]
                        sum += e * e
                    }
                }
            }
        }
        return 0.5 * sum / Double(count)
    }

    /// Training loss ½ mean_n (ŷ_n − y_n)² over the whole fixed data set of `seed` at W = `weights`
    /// (K × L, row-major). O(n K L).
    public func trainingLoss(seed: Int, weights: [Double]) -> Double {
        meanLoss(seed: seed, weights: weights, features: features, targets: targets, count: config.trainingSamples)
    }

    /// Test loss ½ mean (ŷ − y)² over the `testSamples` (128) fixed inputs of `seed`, drawn from
    /// the seed's `.evaluation` stream and never trained on. O(128 K L).
    public func testLoss(seed: Int, weights: [Double]) -> Double {
        meanLoss(seed: seed, weights: weights, features: testFeatures, targets: testTargets, count: config.testSamples)
    }

    /// Batch loss ℓ_B = ½ mean_{n∈B}(ŷ_n − y_n)² of the batch that step `step` uses: the quantity
    /// the divergence check compares with the threshold.
    public func batchLoss(seed: Int, weights: [Double], step: Int) -> Double {
        let b = step % config.batchesPerEpoch
        var sum = 0.0
        forEachPerSampleGradient(seed: seed, weights: weights, samples: (b * config.batchSize)..<((b + 1) * config.batchSize)) { _, loss, _ in
            sum += loss
        }
        return sum / Double(config.batchSize)
    }

    /// Calls `body(n, ℓ_n, G_n)` for every training sample n in `samples` (default: all), with
    /// the sample loss ℓ_n = ½(ŷ_n − y_n)² and its gradient G_n = ∂ℓ_n/∂W = δ_n s⁰_nᵀ
    /// (K × L, row-major, δ_n,k = (ŷ_n − y_n) Z_k (1 − tanh²(W s⁰_n)_k)) at W = `weights`.
    ///
    /// The mean of G_n over a batch is the SGD step's gradient; over the data set, the full
    /// gradient. These are the per-sample gradients of the Langevin classifier (SPEC §2.4),
    /// δX_n = W G_nᵀ + G_n Wᵀ. `G_n` is only valid inside `body`. O(|samples| K L), one K × L
    /// scratch matrix for the whole loop.
    public func forEachPerSampleGradient(seed: Int, weights: [Double], samples: Range<Int>? = nil,
                                         _ body: (Int, Double, UnsafeBufferPointer<Double>) -> Void) {
        precondition(weights.count == stateSize, "weights must have K × L = \(stateSize) entries, got \(weights.count)")
        precondition(seed >= 0 && seed < seeds, "seed \(seed) outside 0..<\(seeds)")
        let samples = samples ?? 0..<config.trainingSamples
        precondition(samples.lowerBound >= 0 && samples.upperBound <= config.trainingSamples,
                     "samples \(samples) outside the data set 0..<\(config.trainingSamples)")
        let l = config.inputFeatures, k = config.hiddenUnits
        var g = [Double](repeating: 0, count: k * l)
        var h = [Double](repeating: 0, count: k)
        weights.withUnsafeBufferPointer { w in
            features.withUnsafeBufferPointer { table in
                readouts.withUnsafeBufferPointer { readouts in
                    let z = readouts.baseAddress! + seed * k
                    for n in samples {
                        let s = table.baseAddress! + (seed * config.trainingSamples + n) * l
                        let e = h.withUnsafeMutableBufferPointer { h in
                            Self.output(w.baseAddress!, features: s, readout: z, l: l, k: k, hidden: h.baseAddress!)
                        } - targets[seed * config.trainingSamples + n]
                        for a in 0..<k {
                            let delta = e * z[a] * (1 - h[a] * h[a])
                            for j in 0..<l { g[a * l + j] = delta * s[j] }
                        }
                        g.withUnsafeBufferPointer { body(n, 0.5 * e * e, $0) }
                    }
                }
            }
        }
    }

    /// Per-sample gradients G_n = ∂ℓ_n/∂W for n in `samples` (default: the whole data set) as
    /// one array [sample][K][L]; see `forEachPerSampleGradient`, which avoids the n·K·L array.
    public func perSampleGradients(seed: Int, weights: [Double], samples: Range<Int>? = nil) -> [Double] {
        var all: [Double] = []
        all.reserveCapacity((samples?.count ?? config.trainingSamples) * stateSize)
        forEachPerSampleGradient(seed: seed, weights: weights, samples: samples) { _, _, g in all += g }
        return all
    }

    /// The full-data-set gradient ∇_W L = mean_n G_n (K × L, row-major).
    public func fullGradient(seed: Int, weights: [Double]) -> [Double] {
        var sum = [Double](repeating: 0, count: stateSize)
        forEachPerSampleGradient(seed: seed, weights: weights) { _, _, g in
            for i in 0..<sum.count { sum[i] += g[i] }
        }
        let weight = 1 / Double(config.trainingSamples)
        return sum.map { $0 * weight }
    }

    /// Training loss over the whole data set and the Frobenius norm of its gradient. O(n K L).
    ///
    /// The same arithmetic as summing `forEachPerSampleGradient`'s G_n (bit for bit), without
    /// materialising each K × L matrix: row a of the sum gains δ_n,a s⁰_n in place. Four samples
    /// at a time: their 4K pre-activations (each `dot` as in `output`) go through one
    /// `tanhInPlace` (four sixteen-lane calls in flight instead of one latency-bound call per
    /// sample) and each gradient entry gains the four products in sample order in one pass
    /// (a quarter of the loads and stores); the sums are those of the one-sample loop.
    public func measure(seed: Int, state: UnsafeBufferPointer<Double>) -> Measurement {
        precondition(state.count == stateSize, "state has \(state.count) values, expected \(stateSize)")
        let l = config.inputFeatures, k = config.hiddenUnits, n = config.trainingSamples
        var lossSum = 0.0
        var sum = [Double](repeating: 0, count: stateSize)
        var h = [Double](repeating: 0, count: 4 * k)
        features.withUnsafeBufferPointer { table in
            readouts.withUnsafeBufferPointer { readouts in
                targets.withUnsafeBufferPointer { targets in
                    sum.withUnsafeMutableBufferPointer { g in
                        h.withUnsafeMutableBufferPointer { h in
                            let z = readouts.baseAddress! + seed * k, w = state.baseAddress!, h = h.baseAddress!
                            let rows = table.baseAddress! + seed * n * l, y = targets.baseAddress! + seed * n
                            var first = 0
                            while first < n {
                                let block = min(4, n - first)
                                for t in 0..<block {
                                    for a in 0..<k { h[t * k + a] = Self.dot(w + a * l, rows + (first + t) * l, l) }
                                }
                                Self.tanhInPlace(h, block * k)
                                // h ← δ = e Z ∘ (1 − h²) per sample, e = Z·h − y as in `output`.
                                for t in 0..<block {
                                    let ht = h + t * k
                                    var output = 0.0
                                    for a in 0..<k { output += z[a] * ht[a] }
                                    let e = output - y[first + t]
                                    lossSum += 0.5 * e * e
                                    for a in 0..<k { ht[a] = e * z[a] * (1 - ht[a] * ht[a]) }
                                }
                                let s0 = rows + first * l
                                for a in 0..<k {
                                    let row = g.baseAddress! + a * l
                                    if block == 4 {
                                        let d0 = h[a], d1 = h[k + a], d2 = h[2 * k + a], d3 = h[3 * k + a]
                                        let s1 = s0 + l, s2 = s1 + l, s3 = s2 + l
                                        for j in 0..<l { row[j] = (((row[j] + d0 * s0[j]) + d1 * s1[j]) + d2 * s2[j]) + d3 * s3[j] }
                                    } else {
                                        for t in 0..<block {
                                            let d = h[t * k + a], st = s0 + t * l
                                            for j in 0..<l { row[j] += d * st[j] }
                                        }
                                    }
                                }
                                first += block
                            }
                        }
                    }
                }
            }
        }
        let count = Double(n)
        let norm = sum.map { ($0 / count) * ($0 / count) }.reduce(0, +).squareRoot()
        return Measurement(loss: lossSum / count, gradientNorm: norm)
    }
}
