/// The parameter updates of the transformer: AdamW and plain SGD, with the learning rate of
/// ``TransformerConfig/learningRate(atStep:)`` (linear warm-up, cosine decay).
enum ParameterUpdate {
    /// One AdamW step t = step + 1 (Loshchilov & Hutter, arXiv:1711.05101; PyTorch's `AdamW`):
    ///
    ///     m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
    ///     θ ← θ − α_t [ (m/(1 − β₁ᵗ)) / (√(v/(1 − β₂ᵗ)) + ε) + λθ·[θ is a matrix] ]
    ///
    /// with the decay term on weight matrices and embeddings only (as nanoGPT), using θ before
    /// the step. O(P).
    static func adamw(theta: UnsafeMutablePointer<Double>, first m: UnsafeMutablePointer<Double>,
                      second v: UnsafeMutablePointer<Double>, gradient g: UnsafePointer<Double>,
                      layout: ParameterLayout, config c: TransformerConfig, step: Int) {
        let rate = c.learningRate(atStep: step)
        let t = Double(step + 1)
        let correction1 = 1 / (1 - pow(c.beta1, t)), correction2 = 1 / (1 - pow(c.beta2, t))
        for tensor in layout.tensors {
            let decay = tensor.isMatrix ? c.weightDecay : 0
            for i in tensor.offset..<(tensor.offset + tensor.count) {
                m[i] = c.beta1 * m[i] + (1 - c.beta1) * g[i]
                v[i] = c.beta2 * v[i] + (1 - c.beta2) * g[i] * g[i]
                let update = (m[i] * correction1) / ((v[i] * correction2).squareRoot() + c.epsilon)
                theta[i] -= rate * (update + decay * theta[i])
            }
        }
    }

    /// θ ← θ − α_t g (plain SGD: no momentum, no weight decay). O(P).
    static func sgd(theta: UnsafeMutablePointer<Double>, gradient g: UnsafePointer<Double>, count: Int,
                    config c: TransformerConfig, step: Int) {
        let rate = c.learningRate(atStep: step)
        for i in 0..<count { theta[i] -= rate * g[i] }
    }
}

import Foundation
