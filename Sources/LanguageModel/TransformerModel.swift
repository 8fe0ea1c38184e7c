import LinearAlgebra
import Simulation

/// The character-level transformer of SPEC §2.5 (arXiv:2411.13512) trained on a generated
/// corpus, as an `EnsembleModel`: every seed is an independent model trained on the same corpus.
///
/// **State** of one seed: θ (``ParameterLayout``), then for AdamW the first and second moments
/// m and v (3P values in all; P for SGD). The step is the optimiser's time step, so state + step
/// determine the rest of the run and `--resume` is exact.
///
/// **Recorded matrices**: per layer `layer<l>_query`, `_key`, `_value`, `_attention_output`
/// (C × C), `_mlp_in` (4C × C), `_mlp_out` (C × 4C), stored as [out, in] so X = WᵀW is the
/// in × in matrix of SPEC §2.5 (for `mlp_out` take WWᵀ).
///
/// **Randomness** (stream seed index = seed): `.initialisation` draws θ's matrices in layout
/// order; `.training` block s·|B| onward the |B| sequence starts of step s (uniform over the
/// training split); `.noise` block s·2²⁶ onward step s's dropout masks. The evaluation sequences
/// are fixed (shared stream, `.evaluation`) and identical for every seed; the corpus is a
/// function of `corpusSeed` only.
///
/// **Measurement** at each snapshot: `loss` is the mean cross-entropy (nats per character) on
/// the `evaluationSequences` fixed validation sequences, without dropout — the validation loss;
/// `gradientNorm` is ‖∇θ‖ of that same loss.
///
/// A seed whose training loss becomes non-finite stops as `.failed(step:)`. BLAS runs with
/// `blasThreads` threads inside one model (the trainer's per-seed threads are idle with 1 seed).
public struct TransformerModel: EnsembleModel {
    public let config: TransformerConfig
    public let runSeed: UInt64
    public let corpus: Corpus
    public let transformer: Transformer
    public let blasThreads: Int
    /// Starts of the fixed validation sequences, as indices into `corpus.tokens`.
    public let evaluationStarts: [Int]

    public init(config: TransformerConfig, runSeed: UInt64, seeds: Int, threads: Int) {
        self.config = config
        self.runSeed = runSeed
        corpus = Corpus(characters: config.corpusCharacters, seed: UInt64(config.corpusSeed),
                        validationFraction: config.validationFraction)
        transformer = Transformer(config: config, vocabularySize: corpus.vocabularySize)
        blasThreads = max(1, threads / max(1, min(seeds, threads)))
        var stream = RandomStream(runSeed: runSeed, seedIndex: RandomStream.sharedSeedIndex, purpose: .evaluation)
        let first = corpus.splitIndex, span = corpus.tokens.count - config.context - 1 - first
        precondition(span > 0, "TransformerModel: the validation split is shorter than one context")
        evaluationStarts = (0..<config.evaluationSequences).map { _ in first + Self.uniformIndex(span, &stream) }
    }

    public var parameterCount: Int { transformer.parameterCount }
    public var stateSize: Int { config.optimiser == .adamw ? 3 * parameterCount : parameterCount }
    public var totalSteps: Int { config.steps }
    /// Steps per pass over the training split (|B|·T tokens per step).
    public var stepsPerEpoch: Int { max(1, corpus.splitIndex / config.tokensPerStep) }
    public var fixedMatrices: [FixedMatrix] { [] }

    public var recordedMatrices: [RecordedMatrix] {
        transformer.layout.analysedMatrices.map { RecordedMatrix(name: $0.name, rows: $0.rows, columns: $0.columns, offset: $0.offset) }
    }

    public func initialise(seed: Int, state: UnsafeMutableBufferPointer<Double>) {
        var stream = RandomStream(runSeed: runSeed, seedIndex: UInt32(seed), purpose: .initialisation)
        let p = parameterCount
        transformer.initialise(UnsafeMutableBufferPointer(rebasing: state[0..<p]), normal: { stream.nextNormal() })
        for i in p..<state.count { state[i] = 0 }
    }

    public func advance(seed: Int, state: UnsafeMutableBufferPointer<Double>, from step: Int, count: Int) -> SeedStatus {
        if BLAS.threads != blasThreads { BLAS.setThreads(blasThreads) }
        let p = parameterCount, b = config.batchSize, t = config.context
        let workspace = Workspace(config: config, vocabularySize: corpus.vocabularySize, sequences: b)
        var gradient = [Double](repeating: 0, count: p)
        var inputs = [Int32](repeating: 0, count: b * t), targets = inputs
        let theta = state.baseAddress!
        for s in step..<(step + count) {
            trainingBatch(seed: seed, step: s, inputs: &inputs, targets: &targets)
            for i in 0..<p { gradient[i] = 0 }
            let loss = gradient.withUnsafeMutableBufferPointer { g in
                transformer.loss(theta: UnsafeBufferPointer(start: theta, count: p), inputs: inputs, targets: targets,
                                 workspace: workspace, gradient: g,
                                 dropoutMask: config.dropout > 0 ? { index, mask in dropoutMask(seed: seed, step: s, index: index, mask) } : nil)
            }
            guard loss.isFinite else { return .failed(step: s) }
            gradient.withUnsafeBufferPointer { g in
                switch config.optimiser {
                case .adamw:
                    ParameterUpdate.adamw(theta: theta, first: theta + p, second: theta + 2 * p, gradient: g.baseAddress!,
                                    layout: transformer.layout, config: config, step: s)
                case .sgd:
                    ParameterUpdate.sgd(theta: theta, gradient: g.baseAddress!, count: p, config: config, step: s)
                }
            }
        }
        for i in 0..<p where !state[i].isFinite { return .failed(step: step + count - 1) }
        return .ok
    }

    public func measure(seed: Int, state: UnsafeBufferPointer<Double>) -> Measurement {
        var gradient = [Double](repeating: 0, count: parameterCount)
        let loss = gradient.withUnsafeMutableBufferPointer { g in
            validationLoss(theta: UnsafeBufferPointer(rebasing: state[0..<parameterCount]), gradient: g)
        }
        return Measurement(loss: loss, gradientNorm: gradient.reduce(0) { $0 + $1 * $1 }.squareRoot())
    }

    /// Mean cross-entropy on the fixed validation sequences (no dropout), in nats per character;
    /// with `gradient`, its gradient is added there. Batches of at most |B| sequences.
    public func validationLoss(theta: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>? = nil) -> Double {
        let t = config.context, chunk = config.batchSize
        let workspace = Workspace(config: config, vocabularySize: corpus.vocabularySize, sequences: chunk)
        var total = 0.0
        var start = 0
        while start < evaluationStarts.count {
            let starts = evaluationStarts[start..<min(evaluationStarts.count, start + chunk)]
            var inputs: [Int32] = [], targets: [Int32] = []
            for s in starts {
                inputs += corpus.tokens[s..<(s + t)]
                targets += corpus.tokens[(s + 1)..<(s + t + 1)]
            }
            let weight = Double(starts.count) / Double(evaluationStarts.count)
            total += weight * transformer.loss(theta: theta, inputs: inputs, targets: targets, workspace: workspace,
                                               gradient: gradient, gradientScale: weight)
            start += chunk
        }
        return total
    }

    /// The |B| training sequences of step s: starts uniform over the training split.
    func trainingBatch(seed: Int, step: Int, inputs: inout [Int32], targets: inout [Int32]) {
        let b = config.batchSize, t = config.context
        var stream = RandomStream(runSeed: runSeed, seedIndex: UInt32(seed), purpose: .training, block: UInt64(step * b))
        let span = corpus.splitIndex - t - 1
        corpus.tokens.withUnsafeBufferPointer { tokens in
            for i in 0..<b {
                let start = Self.uniformIndex(span, &stream)
                for j in 0..<t {
                    inputs[i * t + j] = tokens[start + j]
                    targets[i * t + j] = tokens[start + j + 1]
                }
            }
        }
    }

    /// Dropout mask `index` of step s: factor 1/(1 − p) with probability 1 − p, else 0, from
    /// 32-bit uniforms (four per Philox block).
    func dropoutMask(seed: Int, step: Int, index: Int, _ mask: UnsafeMutableBufferPointer<Double>) {
        let perMask = UInt64((mask.count + 3) / 4)
        var stream = RandomStream(runSeed: runSeed, seedIndex: UInt32(seed), purpose: .noise,
                                  block: UInt64(step) << 26 + UInt64(index) * perMask)
        let threshold = UInt32((config.dropout * 4294967296).rounded(.down).clamped(to: 0...4294967295))
        let keep = 1 / (1 - config.dropout)
        func factor(_ word: UInt32) -> Double { word < threshold ? 0 : keep }
        var i = 0
        while i + 4 <= mask.count {
            let r = stream.nextBlock()
            mask[i] = factor(r.0); mask[i + 1] = factor(r.1); mask[i + 2] = factor(r.2); mask[i + 3] = factor(r.3)
            i += 4
        }
        if i < mask.count {
            let r = stream.nextBlock()
            for (k, word) in [r.0, r.1, r.2].prefix(mask.count - i).enumerated() { mask[i + k] = factor(word) }
        }
    }

    /// Uniform integer in 0..<n from one uniform deviate (one Philox block).
    static func uniformIndex(_ n: Int, _ stream: inout RandomStream) -> Int {
        min(n - 1, Int(stream.nextUniform() * Double(n)))
    }
}

extension Comparable {
    fileprivate func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
