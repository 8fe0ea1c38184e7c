/// Every activation of one forward pass, kept for the backward pass, plus the backward buffers.
///
/// One allocation per buffer, made once and reused for every batch of at most `sequences`
/// sequences; not thread-safe (one workspace per thread). Memory: about
/// 8·N·(L(10C + 3·hidden + H·T + 2) + 9C + hidden + V) bytes for N = sequences·T rows.
public final class Workspace {
    /// The per-block activations.
    struct Layer {
        let xhat1, rstd1, ln1, qkv, probabilities, attention: UnsafeMutablePointer<Double>
        let xhat2, rstd2, ln2, preActivation, activation: UnsafeMutablePointer<Double>
        /// tanh(√(2/π)(f + 0.044715f³)) of the MLP pre-activation f, reused by GELU′.
        let geluTanh: UnsafeMutablePointer<Double>
    }

    public let sequences: Int
    /// Rows in use by the current batch.
    var rows = 0
    var hasDropout = false
    let residual, scratch, residualGradient, attentionGradient, qkvGradient, hiddenGradient, scoreGradient: UnsafeMutablePointer<Double>
    let finalNormalised, finalRstd, finalOutput, logits: UnsafeMutablePointer<Double>
    private let layers: [Layer]
    private let masks: [UnsafeMutablePointer<Double>]
    private var allocations: [UnsafeMutablePointer<Double>] = []

    public init(config: TransformerConfig, vocabularySize: Int, sequences: Int) {
        precondition(sequences >= 1, "Workspace: at least one sequence")
        self.sequences = sequences
        let n = sequences * config.context, c = config.embedding, h = config.hiddenWidth
        var allocations: [UnsafeMutablePointer<Double>] = []
        func make(_ count: Int) -> UnsafeMutablePointer<Double> {
            let p = UnsafeMutablePointer<Double>.allocate(capacity: max(1, count))
            p.initialize(repeating: 0, count: max(1, count))
            allocations.append(p)
            return p
        }
        residual = make(n * c); scratch = make(n * c); residualGradient = make(n * c); attentionGradient = make(n * c)
        qkvGradient = make(3 * n * c); hiddenGradient = make(n * h); scoreGradient = make(config.context * config.context)
        finalNormalised = make(n * c); finalRstd = make(n); finalOutput = make(n * c); logits = make(n * vocabularySize)
        layers = (0..<config.layers).map { _ in
            Layer(xhat1: make(n * c), rstd1: make(n), ln1: make(n * c), qkv: make(3 * n * c),
                  probabilities: make(sequences * config.heads * config.context * config.context), attention: make(n * c),
                  xhat2: make(n * c), rstd2: make(n), ln2: make(n * c), preActivation: make(n * h), activation: make(n * h), geluTanh: make(n * h))
        }
        masks = config.dropout > 0 ? (0..<(1 + 2 * config.layers)).map { _ in make(n * c) } : []
        self.allocations = allocations
    }

    deinit {
        for p in allocations { p.deallocate() }
    }

    func layer(_ l: Int) -> Layer { layers[l] }

    func mask(_ index: Int) -> UnsafeMutablePointer<Double> {
        precondition(index < masks.count, "Workspace: dropout mask \(index) requested but the config has dropout 0")
        return masks[index]
    }
}
