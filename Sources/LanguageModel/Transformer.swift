import Foundation
import LinearAlgebra

/// Forward and backward pass of a GPT-2-style decoder-only transformer, written out by hand with
/// every large product a BLAS `dgemm` (no autograd).
///
/// **Forward** for a batch of |B| sequences of T tokens (N = |B|T rows, C = embedding):
///
///     x  = drop(wte[tokens] + wpe[0..<T])
///     per block:  a = LN₁(x);  [q k v] = a W_qkvᵀ + b_qkv
///                 per head h:  P_h = softmax(q_h k_hᵀ/√d + causal mask),  y_h = P_h v_h
///                 x ← x + drop(y W_oᵀ + b_o)
///                 c = LN₂(x);  x ← x + drop(GELU(c W_inᵀ + b_in) W_outᵀ + b_out)
///     logits = LN_f(x) Hᵀ  (H = wte when tied),   ℓ = −(1/N) Σ_n log softmax(logits_n)[target_n]
///
/// LN(x) = (x − μ)/√(σ² + 10⁻⁵)·g + b over the C features of a row (biased variance); GELU is the
/// tanh form ½x(1 + tanh(√(2/π)(x + 0.044715x³))) of GPT-2 (Hendrycks & Gimpel, arXiv:1606.08415);
/// d = C/H. Dropout (inverted: kept units scaled by 1/(1 − p)) acts where `drop` is written.
/// References: Vaswani et al., arXiv:1706.03762; Radford et al. 2019 (GPT-2); Karpathy's nanoGPT.
///
/// **Backward** is the exact reverse-mode derivative of ℓ, layer by layer: softmax–cross-entropy
/// (p − onehot)/N; LN: dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂ x̂)) with dx̂ = dy·g; attention:
/// dS = P ∘ (dP − rowsum(dP ∘ P)); GELU′ in closed form; embeddings scatter-add.
///
/// Cost per token ≈ 6·(12 L C² + V C) flops plus 6 L T C for attention (T × T scores are computed in
/// full and masked). Memory: the workspace holds every activation of one batch, about
/// 8 N (L(13C + 2·4C) + H L T + V) bytes.
public struct Transformer: Sendable {
    public let config: TransformerConfig
    public let vocabularySize: Int
    public let layout: ParameterLayout

    public init(config: TransformerConfig, vocabularySize: Int) {
        precondition(config.problems.isEmpty, "Transformer: invalid config \(config.problems)")
        precondition(vocabularySize >= 2, "Transformer: vocabulary needs at least 2 characters")
        self.config = config
        self.vocabularySize = vocabularySize
        layout = ParameterLayout(config: config, vocabularySize: vocabularySize)
    }

    public var parameterCount: Int { layout.count }

    /// Fills θ: matrices and embeddings N(0, initialStd²) in layout order from `normal`, biases 0,
    /// layer-norm gains 1.
    public func initialise(_ theta: UnsafeMutableBufferPointer<Double>, normal: () -> Double) {
        precondition(theta.count == layout.count, "Transformer.initialise: θ has \(theta.count) entries, expected \(layout.count)")
        for tensor in layout.tensors {
            let isGain = tensor.name.hasSuffix("_gain")
            for i in tensor.offset..<(tensor.offset + tensor.count) {
                theta[i] = tensor.isMatrix ? config.initialStd * normal() : (isGain ? 1 : 0)
            }
        }
    }

    /// Mean cross-entropy (nats per token) of `targets` given `inputs`, |B|·T tokens each
    /// (sequence-major). With `gradient`, adds `gradientScale`·∂ℓ/∂θ into it. `dropoutMask(i, n)`
    /// fills dropout mask i (0: embeddings, 1 + 2l: attention of layer l, 2 + 2l: MLP of layer l)
    /// with n factors 0 or 1/(1 − p); nil means no dropout.
    public func loss(theta: UnsafeBufferPointer<Double>, inputs: [Int32], targets: [Int32], workspace: Workspace,
                     gradient: UnsafeMutableBufferPointer<Double>? = nil, gradientScale: Double = 1,
                     dropoutMask: ((Int, UnsafeMutableBufferPointer<Double>) -> Void)? = nil) -> Double {
        let sequences = inputs.count / config.context
        precondition(inputs.count == sequences * config.context && targets.count == inputs.count && sequences >= 1,
                     "Transformer.loss: inputs and targets must hold whole sequences of \(config.context) tokens")
        precondition(sequences <= workspace.sequences, "Transformer.loss: workspace holds \(workspace.sequences) sequences, got \(sequences)")
        precondition(theta.count == layout.count && (gradient == nil || gradient!.count == layout.count), "Transformer.loss: θ size mismatch")
        let w = workspace
        w.rows = sequences * config.context
        w.hasDropout = dropoutMask != nil
        let th = theta.baseAddress!
        forward(th, inputs: inputs, w, dropoutMask: dropoutMask)
        let loss = crossEntropy(targets: targets, w)
        if let gradient {
            backward(th, gradient.baseAddress!, inputs: inputs, targets: targets, scale: gradientScale, w)
        }
        return loss
    }

    // MARK: - Forward

    private func forward(_ th: UnsafePointer<Double>, inputs: [Int32], _ w: Workspace,
                         dropoutMask: ((Int, UnsafeMutableBufferPointer<Double>) -> Void)?) {
        let c = config.embedding, t = config.context, n = w.rows, hw = config.hiddenWidth
        let x = w.residual
        for row in 0..<n {
            let token = Int(inputs[row])
            precondition(token >= 0 && token < vocabularySize, "Transformer: token \(token) outside the vocabulary")
            let te = th + layout.tokenEmbedding + token * c, pe = th + layout.positionEmbedding + (row % t) * c
            for j in 0..<c { x[row * c + j] = te[j] + pe[j] }
        }
        applyDropout(0, x, count: n * c, w, dropoutMask)
        for (l, block) in layout.blocks.enumerated() {
            let a = w.layer(l)
            layerNorm(x, gain: th + block.ln1Gain, bias: th + block.ln1Bias, normalised: a.xhat1, rstd: a.rstd1, out: a.ln1, rows: n)
            linear(a.ln1, th + block.qkv, th + block.qkvBias, out: a.qkv, rows: n, inputs: c, outputs: 3 * c)
            attention(a, rows: n, w)
            linear(a.attention, th + block.attentionOutput, th + block.attentionOutputBias, out: w.scratch, rows: n, inputs: c, outputs: c)
            applyDropout(1 + 2 * l, w.scratch, count: n * c, w, dropoutMask)
            for i in 0..<(n * c) { x[i] += w.scratch[i] }
            layerNorm(x, gain: th + block.ln2Gain, bias: th + block.ln2Bias, normalised: a.xhat2, rstd: a.rstd2, out: a.ln2, rows: n)
            linear(a.ln2, th + block.mlpIn, th + block.mlpInBias, out: a.preActivation, rows: n, inputs: c, outputs: hw)
            for i in 0..<(n * hw) {
                let x = a.preActivation[i]
                let th = tanh(Self.geluScale * (x + 0.044715 * x * x * x))
                a.geluTanh[i] = th
                a.activation[i] = 0.5 * x * (1 + th)
            }
            linear(a.activation, th + block.mlpOut, th + block.mlpOutBias, out: w.scratch, rows: n, inputs: hw, outputs: c)
            applyDropout(2 + 2 * l, w.scratch, count: n * c, w, dropoutMask)
            for i in 0..<(n * c) { x[i] += w.scratch[i] }
        }
        layerNorm(x, gain: th + layout.finalGain, bias: th + layout.finalBias, normalised: w.finalNormalised,
                  rstd: w.finalRstd, out: w.finalOutput, rows: n)
        BLAS.gemm(transposeA: false, transposeB: true, m: n, n: vocabularySize, k: c, alpha: 1, w.finalOutput, lda: c,
                  th + layout.head, ldb: c, beta: 0, w.logits, ldc: vocabularySize)
    }

    private func applyDropout(_ index: Int, _ x: UnsafeMutablePointer<Double>, count: Int, _ w: Workspace,
                              _ dropoutMask: ((Int, UnsafeMutableBufferPointer<Double>) -> Void)?) {
        guard let dropoutMask else { return }
        let mask = w.mask(index)
        dropoutMask(index, UnsafeMutableBufferPointer(start: mask, count: count))
        for i in 0..<count { x[i] *= mask[i] }
    }

    /// Softmax of the logits in place (they become probabilities) and the mean cross-entropy.
    private func crossEntropy(targets: [Int32], _ w: Workspace) -> Double {
        let v = vocabularySize
        var total = 0.0
        for row in 0..<w.rows {
            let z = w.logits + row * v
            var peak = -Double.infinity
            for j in 0..<v { peak = max(peak, z[j]) }
            var sum = 0.0
            for j in 0..<v { z[j] = exp(z[j] - peak); sum += z[j] }
            let target = Int(targets[row])
            precondition(target >= 0 && target < v, "Transformer: target \(target) outside the vocabulary")
            total -= log(z[target] / sum)
            let inverse = 1 / sum
            for j in 0..<v { z[j] *= inverse }
        }
        return total / Double(w.rows)
    }

    /// Causal multi-head attention of one block: P_h = softmax(q_h k_hᵀ/√d, causal), y_h = P_h v_h.
    private func attention(_ a: Workspace.Layer, rows n: Int, _ w: Workspace) {
        let c = config.embedding, t = config.context, d = config.headSize, heads = config.heads
        let scale = 1 / Double(d).squareRoot()
        for b in 0..<(n / t) {
            for h in 0..<heads {
                let q = a.qkv + b * t * 3 * c + h * d
                let p = a.probabilities + (b * heads + h) * t * t
                BLAS.gemm(transposeA: false, transposeB: true, m: t, n: t, k: d, alpha: scale, q, lda: 3 * c,
                          q + c, ldb: 3 * c, beta: 0, p, ldc: t)
                for i in 0..<t {
                    let row = p + i * t
                    var peak = -Double.infinity
                    for j in 0...i { peak = max(peak, row[j]) }
                    var sum = 0.0
                    for j in 0...i { row[j] = exp(row[j] - peak); sum += row[j] }
                    let inverse = 1 / sum
                    for j in 0...i { row[j] *= inverse }
                    for j in (i + 1)..<t { row[j] = 0 }
                }
                BLAS.gemm(transposeA: false, transposeB: false, m: t, n: d, k: t, alpha: 1, p, lda: t,
                          q + 2 * c, ldb: 3 * c, beta: 0, a.attention + b * t * c + h * d, ldc: c)
            }
        }
    }

    // MARK: - Backward

    private func backward(_ th: UnsafePointer<Double>, _ g: UnsafeMutablePointer<Double>, inputs: [Int32], targets: [Int32],
                          scale: Double, _ w: Workspace) {
        let c = config.embedding, t = config.context, n = w.rows, v = vocabularySize, hw = config.hiddenWidth
        // dℓ/dlogits = (p − onehot)/N, in place over the probabilities.
        let factor = scale / Double(n)
        for row in 0..<n {
            let z = w.logits + row * v
            z[Int(targets[row])] -= 1
            for j in 0..<v { z[j] *= factor }
        }
        BLAS.gemm(transposeA: true, transposeB: false, m: v, n: c, k: n, alpha: 1, w.logits, lda: v,
                  w.finalOutput, ldb: c, beta: 1, g + layout.head, ldc: c)
        BLAS.gemm(transposeA: false, transposeB: false, m: n, n: c, k: v, alpha: 1, w.logits, lda: v,
                  th + layout.head, ldb: c, beta: 0, w.scratch, ldc: c)
        let dx = w.residualGradient
        for i in 0..<(n * c) { dx[i] = 0 }
        layerNormBackward(w.scratch, gain: th + layout.finalGain, normalised: w.finalNormalised, rstd: w.finalRstd,
                          gainGradient: g + layout.finalGain, biasGradient: g + layout.finalBias, into: dx, rows: n)
        for l in stride(from: layout.blocks.count - 1, through: 0, by: -1) {
            let block = layout.blocks[l], a = w.layer(l)
            // MLP branch: x ← x + drop(GELU(c W_inᵀ + b_in) W_outᵀ + b_out).
            let dm = w.scratch
            for i in 0..<(n * c) { dm[i] = dx[i] }
            if w.hasDropout { let mask = w.mask(2 + 2 * l); for i in 0..<(n * c) { dm[i] *= mask[i] } }
            linearBackward(dm, input: a.activation, weight: th + block.mlpOut, weightGradient: g + block.mlpOut,
                           biasGradient: g + block.mlpOutBias, inputGradient: w.hiddenGradient, rows: n, inputs: hw, outputs: c)
            for i in 0..<(n * hw) { w.hiddenGradient[i] *= Self.geluDerivative(a.preActivation[i], tanh: a.geluTanh[i]) }
            linearBackward(w.hiddenGradient, input: a.ln2, weight: th + block.mlpIn, weightGradient: g + block.mlpIn,
                           biasGradient: g + block.mlpInBias, inputGradient: w.scratch, rows: n, inputs: c, outputs: hw)
            layerNormBackward(w.scratch, gain: th + block.ln2Gain, normalised: a.xhat2, rstd: a.rstd2,
                              gainGradient: g + block.ln2Gain, biasGradient: g + block.ln2Bias, into: dx, rows: n)
            // Attention branch: x ← x + drop(y W_oᵀ + b_o).
            for i in 0..<(n * c) { dm[i] = dx[i] }
            if w.hasDropout { let mask = w.mask(1 + 2 * l); for i in 0..<(n * c) { dm[i] *= mask[i] } }
            linearBackward(dm, input: a.attention, weight: th + block.attentionOutput, weightGradient: g + block.attentionOutput,
                           biasGradient: g + block.attentionOutputBias, inputGradient: w.attentionGradient, rows: n, inputs: c, outputs: c)
            attentionBackward(a, rows: n, w)
            linearBackward(w.qkvGradient, input: a.ln1, weight: th + block.qkv, weightGradient: g + block.qkv,
                           biasGradient: g + block.qkvBias, inputGradient: w.scratch, rows: n, inputs: c, outputs: 3 * c)
            layerNormBackward(w.scratch, gain: th + block.ln1Gain, normalised: a.xhat1, rstd: a.rstd1,
                              gainGradient: g + block.ln1Gain, biasGradient: g + block.ln1Bias, into: dx, rows: n)
        }
        if w.hasDropout { let mask = w.mask(0); for i in 0..<(n * c) { dx[i] *= mask[i] } }
        for row in 0..<n {
            let te = g + layout.tokenEmbedding + Int(inputs[row]) * c, pe = g + layout.positionEmbedding + (row % t) * c
            for j in 0..<c { te[j] += dx[row * c + j]; pe[j] += dx[row * c + j] }
        }
    }

    /// From dy (attention output before the projection) to d[q k v], head by head:
    /// dP = dy vᵀ, dv = Pᵀ dy, dS = P ∘ (dP − rowsum(dP ∘ P)), dq = dS k/√d, dk = dSᵀ q/√d.
    private func attentionBackward(_ a: Workspace.Layer, rows n: Int, _ w: Workspace) {
        let c = config.embedding, t = config.context, d = config.headSize, heads = config.heads
        let scale = 1 / Double(d).squareRoot()
        let dp = w.scoreGradient
        for b in 0..<(n / t) {
            for h in 0..<heads {
                let q = a.qkv + b * t * 3 * c + h * d
                let dq = w.qkvGradient + b * t * 3 * c + h * d
                let p = a.probabilities + (b * heads + h) * t * t
                let dy = w.attentionGradient + b * t * c + h * d
                BLAS.gemm(transposeA: false, transposeB: true, m: t, n: t, k: d, alpha: 1, dy, lda: c,
                          q + 2 * c, ldb: 3 * c, beta: 0, dp, ldc: t)
                BLAS.gemm(transposeA: true, transposeB: false, m: t, n: d, k: t, alpha: 1, p, lda: t,
                          dy, ldb: c, beta: 0, dq + 2 * c, ldc: 3 * c)
                for i in 0..<t {
                    let pr = p + i * t, dr = dp + i * t
                    var dot = 0.0
                    for j in 0...i { dot += pr[j] * dr[j] }
                    for j in 0...i { dr[j] = pr[j] * (dr[j] - dot) }
                    for j in (i + 1)..<t { dr[j] = 0 }
                }
                BLAS.gemm(transposeA: false, transposeB: false, m: t, n: d, k: t, alpha: scale, dp, lda: t,
                          q + c, ldb: 3 * c, beta: 0, dq, ldc: 3 * c)
                BLAS.gemm(transposeA: true, transposeB: false, m: t, n: d, k: t, alpha: scale, dp, lda: t,
                          q, ldb: 3 * c, beta: 0, dq + c, ldc: 3 * c)
            }
        }
    }

    // MARK: - Pieces

    /// out = x Wᵀ + b for x [rows, inputs], W [outputs, inputs].
    private func linear(_ x: UnsafePointer<Double>, _ weight: UnsafePointer<Double>, _ bias: UnsafePointer<Double>,
                        out: UnsafeMutablePointer<Double>, rows: Int, inputs: Int, outputs: Int) {
        for r in 0..<rows { for j in 0..<outputs { out[r * outputs + j] = bias[j] } }
        BLAS.gemm(transposeA: false, transposeB: true, m: rows, n: outputs, k: inputs, alpha: 1, x, lda: inputs,
                  weight, ldb: inputs, beta: 1, out, ldc: outputs)
    }

    /// dW += dyᵀ x, db += Σ_rows dy, dx = dy W.
    private func linearBackward(_ dy: UnsafePointer<Double>, input x: UnsafePointer<Double>, weight: UnsafePointer<Double>,
                                weightGradient: UnsafeMutablePointer<Double>, biasGradient: UnsafeMutablePointer<Double>,
                                inputGradient: UnsafeMutablePointer<Double>, rows: Int, inputs: Int, outputs: Int) {
        BLAS.gemm(transposeA: true, transposeB: false, m: outputs, n: inputs, k: rows, alpha: 1, dy, lda: outputs,
                  x, ldb: inputs, beta: 1, weightGradient, ldc: inputs)
        for r in 0..<rows { for j in 0..<outputs { biasGradient[j] += dy[r * outputs + j] } }
        BLAS.gemm(transposeA: false, transposeB: false, m: rows, n: inputs, k: outputs, alpha: 1, dy, lda: outputs,
                  weight, ldb: inputs, beta: 0, inputGradient, ldc: inputs)
    }

    private func layerNorm(_ x: UnsafePointer<Double>, gain: UnsafePointer<Double>, bias: UnsafePointer<Double>,
                           normalised: UnsafeMutablePointer<Double>, rstd: UnsafeMutablePointer<Double>,
                           out: UnsafeMutablePointer<Double>, rows: Int) {
        let c = config.embedding
        for r in 0..<rows {
            let xr = x + r * c
            var mean = 0.0
            for j in 0..<c { mean += xr[j] }
            mean /= Double(c)
            var variance = 0.0
            for j in 0..<c { variance += (xr[j] - mean) * (xr[j] - mean) }
            let s = 1 / (variance / Double(c) + 1e-5).squareRoot()
            rstd[r] = s
            for j in 0..<c {
                let xh = (xr[j] - mean) * s
                normalised[r * c + j] = xh
                out[r * c + j] = xh * gain[j] + bias[j]
            }
        }
    }

    /// Adds the input gradient of LN to `into` and accumulates dg, db.
    private func layerNormBackward(_ dy: UnsafePointer<Double>, gain: UnsafePointer<Double>, normalised: UnsafePointer<Double>,
                                   rstd: UnsafePointer<Double>, gainGradient: UnsafeMutablePointer<Double>,
                                   biasGradient: UnsafeMutablePointer<Double>, into dx: UnsafeMutablePointer<Double>, rows: Int) {
        let c = config.embedding
        for r in 0..<rows {
            let dyr = dy + r * c, xh = normalised + r * c
            var meanD = 0.0, meanDX = 0.0
            for j in 0..<c {
                let d = dyr[j] * gain[j]
                meanD += d
                meanDX += d * xh[j]
                gainGradient[j] += dyr[j] * xh[j]
                biasGradient[j] += dyr[j]
            }
            meanD /= Double(c)
            meanDX /= Double(c)
            for j in 0..<c { dx[r * c + j] += rstd[r] * (dyr[j] * gain[j] - meanD - xh[j] * meanDX) }
        }
    }

    static let geluScale = (2 / Double.pi).squareRoot()

    /// GELU′(x) given th = tanh(√(2/π)(x + 0.044715x³)), kept from the forward pass.
    @inline(__always) static func geluDerivative(_ x: Double, tanh th: Double) -> Double {
        return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * geluScale * (1 + 3 * 0.044715 * x * x)
    }
}
