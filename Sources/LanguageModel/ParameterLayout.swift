/// Where every parameter tensor of the transformer lives in the flat parameter vector θ.
///
/// Linear maps are stored as PyTorch stores `nn.Linear.weight`: W ∈ ℝ^{out × in}, row-major,
/// y = x Wᵀ + b. So for every weight matrix X = WᵀW is the in × in matrix whose spectrum SPEC §2.5
/// analyses (for the query/key/value/output maps, C × C at ratio q = 1; for `mlp_in`, 4C × C with
/// q = 1/4; for `mlp_out`, C × 4C, use WWᵀ). Q, K and V of a layer are consecutive C × C blocks,
/// i.e. the fused `c_attn` weight [3C, C] of nanoGPT, so one GEMM produces all three.
///
/// Order: wte [V, C], wpe [T, C]; per layer: ln1 gain, ln1 bias [C], query, key, value [C, C],
/// qkv bias [3C], attention output [C, C], its bias [C], ln2 gain, ln2 bias [C], mlp_in [4C, C],
/// its bias [4C], mlp_out [C, 4C], its bias [C]; final ln gain, bias [C]; head [V, C] (untied only).
public struct ParameterLayout: Sendable, Equatable {
    /// One tensor of θ.
    public struct Tensor: Sendable, Equatable {
        public let name: String
        public let offset: Int
        public let rows: Int
        public let columns: Int
        /// Weight matrices and embeddings: initialised N(0, σ²), weight-decayed, recorded.
        public let isMatrix: Bool
        public var count: Int { rows * columns }
    }

    public struct Block: Sendable, Equatable {
        public let ln1Gain, ln1Bias, qkv, qkvBias, attentionOutput, attentionOutputBias: Int
        public let ln2Gain, ln2Bias, mlpIn, mlpInBias, mlpOut, mlpOutBias: Int
    }

    public let tokenEmbedding: Int
    public let positionEmbedding: Int
    public let blocks: [Block]
    public let finalGain: Int
    public let finalBias: Int
    /// Offset of the output head [V, C]: the token embedding when tied.
    public let head: Int
    public let count: Int
    public let tensors: [Tensor]

    public init(config c: TransformerConfig, vocabularySize v: Int) {
        let e = c.embedding, h = c.hiddenWidth
        var tensors: [Tensor] = []
        var offset = 0
        func add(_ name: String, _ rows: Int, _ columns: Int, matrix: Bool) -> Int {
            tensors.append(Tensor(name: name, offset: offset, rows: rows, columns: columns, isMatrix: matrix))
            defer { offset += rows * columns }
            return offset
        }
        tokenEmbedding = add("token_embedding", v, e, matrix: true)
        positionEmbedding = add("position_embedding", c.context, e, matrix: true)
        var blocks: [Block] = []
        for l in 0..<c.layers {
            let p = "layer\(l)_"
            let ln1g = add(p + "ln1_gain", 1, e, matrix: false)
            let ln1b = add(p + "ln1_bias", 1, e, matrix: false)
            let q = add(p + "query", e, e, matrix: true)
            _ = add(p + "key", e, e, matrix: true)
            _ = add(p + "value", e, e, matrix: true)
            let qkvb = add(p + "qkv_bias", 1, 3 * e, matrix: false)
            let o = add(p + "attention_output", e, e, matrix: true)
            let ob = add(p + "attention_output_bias", 1, e, matrix: false)
            let ln2g = add(p + "ln2_gain", 1, e, matrix: false)
            let ln2b = add(p + "ln2_bias", 1, e, matrix: false)
            let mi = add(p + "mlp_in", h, e, matrix: true)
            let mib = add(p + "mlp_in_bias", 1, h, matrix: false)
            let mo = add(p + "mlp_out", e, h, matrix: true)
            let mob = add(p + "mlp_out_bias", 1, e, matrix: false)
            blocks.append(Block(ln1Gain: ln1g, ln1Bias: ln1b, qkv: q, qkvBias: qkvb, attentionOutput: o,
                                attentionOutputBias: ob, ln2Gain: ln2g, ln2Bias: ln2b, mlpIn: mi, mlpInBias: mib,
                                mlpOut: mo, mlpOutBias: mob))
        }
        self.blocks = blocks
        finalGain = add("final_ln_gain", 1, e, matrix: false)
        finalBias = add("final_ln_bias", 1, e, matrix: false)
        head = c.tiedHead ? tokenEmbedding : add("head", v, e, matrix: true)
        count = offset
        self.tensors = tensors
    }

    /// The weight matrices analysed as random matrices: per layer query, key, value,
    /// attention_output, mlp_in, mlp_out (the embeddings and head are matrices too but their
    /// row count is the vocabulary, not a width).
    public var analysedMatrices: [Tensor] {
        tensors.filter { t in ["query", "key", "value", "attention_output", "mlp_in", "mlp_out"].contains { t.name.hasSuffix("_" + $0) } }
    }
}
