/// Hyper-parameters of the linear one-hidden-layer teacher–student network (SPEC §2.3).
public struct LinearNetworkConfig: Sendable, Equatable, Codable {
    /// Teacher, data, induced noise, SGD and initialisation exactly as for the one-layer model
    /// (SPEC §2.1): N = `size` is the input and output dimension, W_t = O diag(d) Oᵀ is N × N,
    /// and `initialStd` is the scale of the entries of W₁ and W₂.
    public var base = TeacherStudentConfig()
    /// H: hidden units; W₁ is H × N, W₂ is N × H.
    public var hiddenUnits: Int = 2
    /// A seed whose batch loss exceeds this stops as `.diverged(step:)` (SGD on a product of two
    /// layers is unstable for α‖C‖‖W‖² ≳ 1; the loss then grows geometrically).
    public var divergenceThreshold: Double = 1e6

    public init() {}

    /// T = α/|B|, the effective temperature of SGD.
    public var temperature: Double { base.temperature }
}

/// The linear one-hidden-layer teacher–student network of SPEC §2.3 (arXiv:2412.20496), both
/// layers trained by SGD, as an `EnsembleModel`.
///
/// **Model.** f(x) = W₂W₁x, W₁ ∈ ℝ^{H×N}, W₂ ∈ ℝ^{N×H}, product P = W₂W₁; teacher
/// W_t = O diag(d) Oᵀ with O Haar; data x ~ N(0, I_N), a fixed set of |B| × batchesPerEpoch
/// samples in consecutive batches (same order every epoch), shared by the seeds or per seed.
///
/// **Training.** Per sample the update direction in product space is
/// G_n = (W_t − P) x_n x_nᵀ + a_n (a_n a quenched GOE(ε) matrix, as SPEC §2.1), i.e. minus the
/// gradient of ℓ_n = ½‖(W_t − P)x_n‖² − tr(a_nᵀP). Both layers follow it through the chain rule,
/// simultaneously (from the old weights):
///     W₂ ← W₂ + α G_B W₁ᵀ,   W₁ ← W₁ + α W₂ᵀ G_B,   G_B = (W_t − P) C_B + A_B,
/// with C_B = mean_B x xᵀ and A_B = mean_B a_n per-batch constants precomputed once. A_B is
/// drawn from its exact law GOE(ε/√|B|) (see `TeacherStudent`). Two layers give two coupled
/// spectra, X₁ = W₁ᵀW₁ and X₂ = W₂W₂ᵀ; gradient flow conserves W₁W₁ᵀ − W₂ᵀW₂, so from a small
/// initialisation both share the singular values of P ≈ W_t (balanced solutions).
///
/// **Divergence and failure.** The batch loss ℓ_B = ½ tr((W_t − P) C_B (W_t − P)ᵀ) of step s is
/// computed before its update; above `divergenceThreshold` the seed stops as `.diverged(step: s)`
/// at its weights W(s), NaN as `.failed(step: s)`.
///
/// **State.** W₁ (H × N, "W1"), W₂ (N × H, "W2") and the product P (N × N, "product", recomputed
/// from W₁, W₂ after every interval, so it is what the weights imply); the teacher is the fixed
/// matrix "teacher" with target "product".
///
/// **Randomness.** Teacher from `.teacher`, data from `.data` (seed index shared or the seed's),
/// A_B from the seed's `.noise` stream batch by batch, W₁ then W₂ from `.initialisation`.
///
/// Cost per step: 3N²H + N³ multiply–adds, whatever |B| is.
public struct LinearNetwork: EnsembleModel {
    public let config: LinearNetworkConfig
    public let runSeed: UInt64
    public let seeds: Int
    /// [copy][N²] teachers (one copy when shared).
    let teachers: [Double]
    /// [copy][batch][N²] C_B, and [copy][N²] the data set's mean x xᵀ.
    let batchCovariances: [Double]
    let dataCovariances: [Double]
    /// [seed][batch][N²] A_B; empty when ε = 0.
    let batchNoise: [Double]

    /// Bytes of precomputed per-batch tables for `seeds` seeds, to check memory before a run.
    public static func tableBytes(_ config: LinearNetworkConfig, seeds: Int) -> Int {
        let perBatch = config.base.size * config.base.size * config.base.batchesPerEpoch
        return 8 * perBatch * ((config.base.sharedData ? 1 : seeds) + (config.base.noiseStd > 0 ? seeds : 0))
    }

    public init(config: LinearNetworkConfig, runSeed: UInt64, seeds: Int, threads: Int) {
        precondition(config.base.size >= 1 && config.hiddenUnits >= 1, "layer sizes must be positive")
        precondition(config.base.teacherSpectrum.count == config.base.size, "teacher spectrum must have N entries")
        precondition(config.base.batchSize >= 1 && config.base.batchesPerEpoch >= 1 && config.base.epochs >= 0, "batch sizes must be positive")
        self.config = config
        self.runSeed = runSeed
        self.seeds = seeds
        let n = config.base.size, nn = n * n, batches = config.base.batchesPerEpoch
        let copies = config.base.sharedData ? 1 : seeds
        var teachers = [Double](), covariances = [Double](), dataCovariances = [Double]()
        parallelFill(copies: copies, threads: threads) { copy -> ([Double], [Double]) in
            let index = config.base.sharedData ? RandomStream.sharedSeedIndex : UInt32(copy)
            var teacherStream = RandomStream(runSeed: runSeed, seedIndex: index, purpose: .teacher)
            let o = RandomMatrices.haarOrthogonal(n, stream: &teacherStream)
            var dataStream = RandomStream(runSeed: runSeed, seedIndex: index, purpose: .data)
            return (RandomMatrices.rotatedDiagonal(o, spectrum: config.base.teacherSpectrum),
                    TeacherStudent.batchCovariances(size: n, batchSize: config.base.batchSize, batches: batches, stream: &dataStream))
        } store: { _, result in
            teachers += result.0
            covariances += result.1
            var mean = [Double](repeating: 0, count: nn)
            for b in 0..<batches {
                for k in 0..<nn { mean[k] += result.1[b * nn + k] / Double(batches) }
            }
            dataCovariances += mean
        }
        var noise = [Double]()
        if config.base.noiseStd > 0 {
            let std = config.base.noiseStd / Double(config.base.batchSize).squareRoot()
            noise.reserveCapacity(seeds * batches * nn)
            parallelFill(copies: seeds, threads: threads) { seed -> [Double] in
                var stream = RandomStream(runSeed: runSeed, seedIndex: UInt32(seed), purpose: .noise)
                return (0..<batches).flatMap { _ in RandomMatrices.goe(n, offDiagonalStd: std, stream: &stream) }
            } store: { _, table in noise += table }
        }
        self.teachers = teachers
        self.batchCovariances = covariances
        self.dataCovariances = dataCovariances
        self.batchNoise = noise
    }

    var firstLayerCount: Int { config.hiddenUnits * config.base.size }
    public var stateSize: Int { 2 * firstLayerCount + config.base.size * config.base.size }
    public var totalSteps: Int { config.base.epochs * config.base.batchesPerEpoch }
    public var stepsPerEpoch: Int { config.base.batchesPerEpoch }
    public var recordedMatrices: [RecordedMatrix] {
        let n = config.base.size, h = config.hiddenUnits
        return [RecordedMatrix(name: "W1", rows: h, columns: n, offset: 0),
                RecordedMatrix(name: "W2", rows: n, columns: h, offset: firstLayerCount),
                RecordedMatrix(name: "product", rows: n, columns: n, offset: 2 * firstLayerCount)]
    }
    public var fixedMatrices: [FixedMatrix] {
        let n = config.base.size
        return [FixedMatrix(name: "teacher", target: "product", rows: n, columns: n,
                            values: (0..<seeds).flatMap { teacher(seed: $0) },
                            description: "teacher W_t = O diag(d) O^T the product W2 W1 learns")]
    }

    /// The teacher of `seed` (N × N, row-major).
    public func teacher(seed: Int) -> [Double] {
        let nn = config.base.size * config.base.size, copy = config.base.sharedData ? 0 : seed
        return Array(teachers[(copy * nn)..<((copy + 1) * nn)])
    }

    public func initialise(seed: Int, state: UnsafeMutableBufferPointer<Double>) {
        var stream = RandomStream(runSeed: runSeed, seedIndex: UInt32(seed), purpose: .initialisation)
        stream.fillNormal(UnsafeMutableBufferPointer(rebasing: state[0..<(2 * firstLayerCount)]), std: config.base.initialStd)
        Self.multiply(state.baseAddress! + firstLayerCount, state.baseAddress!, into: state.baseAddress! + 2 * firstLayerCount,
                      n: config.base.size, h: config.hiddenUnits)
    }

    /// P = W₂W₁ (N × H times H × N).
    @inline(__always)
    static func multiply(_ w2: UnsafePointer<Double>, _ w1: UnsafePointer<Double>, into p: UnsafeMutablePointer<Double>, n: Int, h: Int) {
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0
                for a in 0..<h { sum += w2[i &* h &+ a] * w1[a &* n &+ j] }
                p[i &* n &+ j] = sum
            }
        }
    }

    public func advance(seed: Int, state: UnsafeMutableBufferPointer<Double>, from step: Int, count: Int) -> SeedStatus {
        precondition(state.count == stateSize, "state has \(state.count) values, expected \(stateSize)")
        let n = config.base.size, h = config.hiddenUnits, nn = n * n, batches = config.base.batchesPerEpoch
        let copy = config.base.sharedData ? 0 : seed
        let alpha = config.base.learningRate, threshold = config.divergenceThreshold
        let w1 = state.baseAddress!, w2 = w1 + firstLayerCount, product = w2 + firstLayerCount
        let status = teachers.withUnsafeBufferPointer { teachers in
            batchCovariances.withUnsafeBufferPointer { covariances in
                batchNoise.withUnsafeBufferPointer { noise in
                    withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * nn + n * h) { scratch -> SeedStatus in
                        let e = scratch.baseAddress!, g = e + nn, oldW2 = g + nn
                        let t = teachers.baseAddress! + copy * nn
                        var b = step % batches
                        for s in step..<(step + count) {
                            let c = covariances.baseAddress! + (copy * batches + b) * nn
                            // E = W_t − W₂W₁, then G = E C_B (+ A_B) and ℓ_B = ½ Σ (E C_B) ∘ E.
                            Self.multiply(w2, w1, into: e, n: n, h: h)
                            for k in 0..<nn { e[k] = t[k] - e[k] }
                            var loss = 0.0
                            for i in 0..<n {
                                for j in 0..<n {
                                    var sum = 0.0
                                    for k in 0..<n { sum += e[i &* n &+ k] * c[k &* n &+ j] }
                                    loss += sum * e[i &* n &+ j]
                                    g[i &* n &+ j] = sum
                                }
                            }
                            loss *= 0.5
                            if loss.isNaN { return .failed(step: s) }
                            if loss > threshold { return .diverged(step: s) }
                            if !noise.isEmpty {
                                let a = noise.baseAddress! + (seed * batches + b) * nn
                                for k in 0..<nn { g[k] += a[k] }
                            }
                            // W₂ ← W₂ + α G W₁ᵀ, then W₁ ← W₁ + α W₂(old)ᵀ G.
                            for k in 0..<(n * h) { oldW2[k] = w2[k] }
                            for i in 0..<n {
                                for a in 0..<h {
                                    var sum = 0.0
                                    for j in 0..<n { sum += g[i &* n &+ j] * w1[a &* n &+ j] }
                                    w2[i &* h &+ a] += alpha * sum
                                }
                            }
                            for a in 0..<h {
                                for j in 0..<n {
                                    var sum = 0.0
                                    for i in 0..<n { sum += oldW2[i &* h &+ a] * g[i &* n &+ j] }
                                    w1[a &* n &+ j] += alpha * sum
                                }
                            }
                            b += 1
                            if b == batches { b = 0 }
                        }
                        return .ok
                    }
                }
            }
        }
        Self.multiply(w2, w1, into: product, n: n, h: h)
        guard status == .ok else { return status }
        return state.allSatisfy(\.isFinite) ? .ok : .failed(step: step + count)
    }

    // MARK: Losses and gradients outside the training loop

    /// (W₁, W₂) from a flat array holding W₁ then W₂ (the state's first 2HN values).
    private func layers(_ weights: [Double]) -> (w1: [Double], w2: [Double], product: [Double]) {
        precondition(weights.count >= 2 * firstLayerCount, "weights must hold W1 and W2 (\(2 * firstLayerCount) values)")
        let w1 = Array(weights[0..<firstLayerCount]), w2 = Array(weights[firstLayerCount..<(2 * firstLayerCount)])
        var p = [Double](repeating: 0, count: config.base.size * config.base.size)
        w2.withUnsafeBufferPointer { w2 in
            w1.withUnsafeBufferPointer { w1 in
                p.withUnsafeMutableBufferPointer { Self.multiply(w2.baseAddress!, w1.baseAddress!, into: $0.baseAddress!, n: config.base.size, h: config.hiddenUnits) }
            }
        }
        return (w1, w2, p)
    }

    /// ½ tr(E C Eᵀ), E = W_t − W₂W₁, for a covariance block `c` of copy `copy`; and E C.
    private func quadraticLoss(seed: Int, weights: [Double], covariance c: ArraySlice<Double>) -> (loss: Double, ec: [Double], p: [Double]) {
        let n = config.base.size
        let t = teacher(seed: seed)
        let (_, _, p) = layers(weights)
        let e = (0..<(n * n)).map { t[$0] - p[$0] }
        var ec = [Double](repeating: 0, count: n * n)
        var loss = 0.0
        let c0 = c.startIndex
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0
                for k in 0..<n { sum += e[i * n + k] * c[c0 + k * n + j] }
                ec[i * n + j] = sum
                loss += 0.5 * sum * e[i * n + j]
            }
        }
        return (loss, ec, p)
    }

    /// The objective whose negative gradient the step of batch `batch` follows:
    /// ½ tr((W_t − P) C_B (W_t − P)ᵀ) − tr(A_Bᵀ P), P = W₂W₁, at `weights` (W₁ then W₂). The first
    /// term alone is the batch loss checked for divergence.
    public func batchObjective(seed: Int, weights: [Double], batch: Int) -> Double {
        let nn = config.base.size * config.base.size, copy = config.base.sharedData ? 0 : seed
        let start = (copy * config.base.batchesPerEpoch + batch) * nn
        let (loss, _, p) = quadraticLoss(seed: seed, weights: weights, covariance: batchCovariances[start..<(start + nn)])
        guard !batchNoise.isEmpty else { return loss }
        let a = (seed * config.base.batchesPerEpoch + batch) * nn
        return loss - (0..<nn).map { batchNoise[a + $0] * p[$0] }.reduce(0, +)
    }

    /// Loss ½ mean_n ‖(W_t − W₂W₁)x_n‖² over the data set (noise excluded) and the Frobenius norm
    /// of its gradient with respect to (W₁, W₂): ∂/∂W₁ = −W₂ᵀ E C, ∂/∂W₂ = −E C W₁ᵀ.
    public func measure(seed: Int, state: UnsafeBufferPointer<Double>) -> Measurement {
        let n = config.base.size, h = config.hiddenUnits, nn = n * n, copy = config.base.sharedData ? 0 : seed
        let weights = Array(state)
        let (loss, ec, _) = quadraticLoss(seed: seed, weights: weights, covariance: dataCovariances[(copy * nn)..<((copy + 1) * nn)])
        let (w1, w2, _) = layers(weights)
        var squared = 0.0
        for a in 0..<h {
            for j in 0..<n {
                var sum = 0.0
                for i in 0..<n { sum += w2[i * h + a] * ec[i * n + j] }
                squared += sum * sum
            }
        }
        for i in 0..<n {
            for a in 0..<h {
                var sum = 0.0
                for j in 0..<n { sum += ec[i * n + j] * w1[a * n + j] }
                squared += sum * sum
            }
        }
        return Measurement(loss: loss, gradientNorm: squared.squareRoot())
    }
}
