import Foundation

/// Hyper-parameters of the character-level decoder-only transformer (SPEC §2.5) and its training.
///
/// Defaults are the small configuration that trains in minutes on 2 cores; ``nanoGPT`` is the
/// nanoGPT "shakespeare-char"-sized one (6 layers, 6 heads, embedding 384, context 256).
public struct TransformerConfig: Sendable, Equatable, Codable {
    public enum Optimiser: String, Sendable, Codable, CaseIterable {
        /// Adam with decoupled weight decay (Loshchilov & Hutter, arXiv:1711.05101).
        case adamw
        /// Plain SGD: θ ← θ − α_t ∇ℓ (the learning-rate schedule applies).
        case sgd
    }

    /// Transformer blocks.
    public var layers = 4
    /// Attention heads per block; `embedding` must be a multiple of it.
    public var heads = 4
    /// Width C of the residual stream.
    public var embedding = 128
    /// Context length T (tokens per sequence).
    public var context = 64
    /// MLP hidden width = mlpRatio · C.
    public var mlpRatio = 4
    /// Output head tied to the token embedding (logits = LN(x)·wteᵀ) or a separate matrix.
    public var tiedHead = false
    /// Dropout probability after the embeddings, the attention projection and the MLP (0: off).
    public var dropout = 0.0
    /// Standard deviation of every weight matrix and embedding at initialisation (biases 0,
    /// layer-norm gains 1): N(0, 0.02²) as in GPT-2 / nanoGPT.
    public var initialStd = 0.02

    public var optimiser = Optimiser.adamw
    /// Peak learning rate α.
    public var learningRate = 1e-3
    /// Sequences per mini-batch |B|.
    public var batchSize = 16
    public var steps = 1000
    /// Linear warm-up from 0 to α over these steps, then cosine decay to minLearningRate at `steps`.
    public var warmupSteps = 100
    public var minLearningRate = 1e-4
    /// AdamW's decoupled weight decay λ (applied to weight matrices and embeddings only).
    public var weightDecay = 0.1
    public var beta1 = 0.9
    public var beta2 = 0.99
    public var epsilon = 1e-8

    /// Characters of the generated corpus and the seed of its grammar (shared by every seed of
    /// a run, like a fixed data set).
    public var corpusCharacters = 1_200_000
    public var corpusSeed = 1
    public var validationFraction = 0.1
    /// Validation sequences (of `context` tokens, fixed positions) on which the recorded loss is
    /// measured at each snapshot.
    public var evaluationSequences = 64

    public init() {}

    /// The default configuration with these sizes.
    public init(layers: Int, heads: Int, embedding: Int, context: Int, batchSize: Int) {
        self.layers = layers
        self.heads = heads
        self.embedding = embedding
        self.context = context
        self.batchSize = batchSize
    }

    /// nanoGPT's shakespeare-char configuration: 6 layers, 6 heads, C = 384, T = 256, dropout 0.2,
    /// α = 1e-3, warm-up 100, 5000 steps, β₂ = 0.99 (batch 12 rather than 64 to fit 2 cores).
    public static var nanoGPT: TransformerConfig {
        var c = TransformerConfig(layers: 6, heads: 6, embedding: 384, context: 256, batchSize: 12)
        c.dropout = 0.2
        c.steps = 5000
        c.minLearningRate = 1e-4
        return c
    }

    public var headSize: Int { embedding / heads }
    public var hiddenWidth: Int { mlpRatio * embedding }
    /// Tokens per step, |B|·T.
    public var tokensPerStep: Int { batchSize * context }

    /// The learning rate of step s (0-based): α(s + 1)/w for s < w, then
    /// α_min + ½(α − α_min)(1 + cos(π(s − w)/(S − w))) up to the last step S.
    public func learningRate(atStep s: Int) -> Double {
        if s < warmupSteps { return learningRate * Double(s + 1) / Double(warmupSteps) }
        let span = max(1, steps - warmupSteps)
        let progress = min(1, Double(s - warmupSteps) / Double(span))
        return minLearningRate + 0.5 * (learningRate - minLearningRate) * (1 + cos(Double.pi * progress))
    }

    /// Problems with the configuration, as (key, message) pairs; empty when it is valid.
    public var problems: [(key: String, message: String)] {
        var p: [(String, String)] = []
        if layers < 1 { p.append(("layers", "must be at least 1")) }
        if heads < 1 || embedding % max(heads, 1) != 0 { p.append(("heads", "must be at least 1 and divide embedding = \(embedding)")) }
        if embedding < 1 { p.append(("embedding", "must be at least 1")) }
        if context < 2 { p.append(("context", "must be at least 2")) }
        if mlpRatio < 1 { p.append(("mlp_ratio", "must be at least 1")) }
        if !(dropout >= 0 && dropout < 1) { p.append(("dropout", "must be in [0, 1)")) }
        if !(initialStd > 0) { p.append(("initial_std", "must be positive")) }
        if !(learningRate > 0) { p.append(("learning_rate", "must be positive")) }
        if batchSize < 1 { p.append(("batch_size", "must be at least 1")) }
        if steps < 1 { p.append(("steps", "must be at least 1")) }
        if warmupSteps < 0 { p.append(("warmup_steps", "must be non-negative")) }
        if !(minLearningRate >= 0 && minLearningRate <= learningRate) { p.append(("min_learning_rate", "must be in [0, learning_rate]")) }
        if !(weightDecay >= 0) { p.append(("weight_decay", "must be non-negative")) }
        if !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) { p.append(("beta1", "beta1 and beta2 must be in [0, 1)")) }
        if !(epsilon > 0) { p.append(("epsilon", "must be positive")) }
        // The split moves to the next paragraph break (paragraphs are < 2 000 characters), so
        // this leaves at least two contexts of validation text.
        if Double(corpusCharacters) * validationFraction < Double(2 * (context + 1) + 2000) {
            p.append(("corpus_characters", "times validation_fraction must be at least 2·(context + 1) + 2000 characters of validation text"))
        }
        if corpusSeed < 0 { p.append(("corpus_seed", "must be non-negative")) }
        if !(validationFraction > 0 && validationFraction <= 0.5) { p.append(("validation_fraction", "must be in (0, 0.5]")) }
        if evaluationSequences < 1 { p.append(("evaluation_sequences", "must be at least 1")) }
        return p
    }
}
