import Testing
@testable import LanguageModel
import Simulation

/// Finite-difference checks of the hand-written backward pass, every parameter of tiny models.
@Suite("Transformer gradients")
struct GradientTests {
    /// A tiny model: 2 layers, 2 heads, C = 8, T = 5, vocabulary 7, 3 sequences.
    static func tiny(tied: Bool, dropout: Double = 0) -> TransformerConfig {
        var c = TransformerConfig(layers: 2, heads: 2, embedding: 8, context: 5, batchSize: 3)
        c.mlpRatio = 2
        c.tiedHead = tied
        c.dropout = dropout
        return c
    }

    /// θ with every entry of order 0.4 (gains around 1) so that attention is far from uniform,
    /// layer norms and GELU are in their non-linear range and no gradient vanishes by symmetry.
    static func randomTheta(_ model: Transformer, seed: UInt32) -> [Double] {
        var stream = RandomStream(runSeed: 7, seedIndex: seed, purpose: .initialisation)
        var theta = [Double](repeating: 0, count: model.parameterCount)
        for tensor in model.layout.tensors {
            let base = tensor.name.hasSuffix("_gain") ? 1.0 : 0
            for i in tensor.offset..<(tensor.offset + tensor.count) { theta[i] = base + 0.4 * stream.nextNormal() }
        }
        return theta
    }

    static func tokens(_ count: Int, vocabulary: Int, seed: UInt32) -> [Int32] {
        var stream = RandomStream(runSeed: 7, seedIndex: seed, purpose: .data)
        return (0..<count).map { _ in Int32(min(vocabulary - 1, Int(stream.nextUniform() * Double(vocabulary)))) }
    }

    /// Central differences (ℓ(θ + h e_i) − ℓ(θ − h e_i))/2h for every i, h = 10⁻⁵: truncation
    /// error h²ℓ'''/6 ~ 10⁻¹¹ and rounding ~ 10⁻¹⁶·ℓ/h ~ 10⁻¹¹, so |analytic − numeric| ≤
    /// 10⁻⁷ + 10⁻⁶·|analytic| leaves a factor > 100 of margin, while any wrong term (a missing
    /// factor, a transposed product) gives an error of the order of the gradient itself.
    static func check(_ config: TransformerConfig) {
        let v = 7
        let model = Transformer(config: config, vocabularySize: v)
        let n = config.batchSize * config.context
        let inputs = tokens(n, vocabulary: v, seed: 1), targets = tokens(n, vocabulary: v, seed: 2)
        var theta = randomTheta(model, seed: config.tiedHead ? 3 : 4)
        let workspace = Workspace(config: config, vocabularySize: v, sequences: config.batchSize)
        // A fixed dropout mask (the same for every evaluation) so the loss is a smooth function of θ.
        var maskStream = RandomStream(runSeed: 7, seedIndex: 9, purpose: .noise)
        let maskCount = n * config.embedding
        let masks = (0..<(1 + 2 * config.layers)).map { _ in
            (0..<maskCount).map { _ in maskStream.nextUniform() < config.dropout ? 0 : 1 / (1 - config.dropout) }
        }
        let dropout: ((Int, UnsafeMutableBufferPointer<Double>) -> Void)? = config.dropout > 0
            ? { index, mask in for i in mask.indices { mask[i] = masks[index][i] } } : nil
        func loss(_ theta: [Double]) -> Double {
            theta.withUnsafeBufferPointer {
                model.loss(theta: $0, inputs: inputs, targets: targets, workspace: workspace, dropoutMask: dropout)
            }
        }
        var gradient = [Double](repeating: 0, count: model.parameterCount)
        _ = theta.withUnsafeBufferPointer { th in
            gradient.withUnsafeMutableBufferPointer { g in
                model.loss(theta: th, inputs: inputs, targets: targets, workspace: workspace, gradient: g, dropoutMask: dropout)
            }
        }
        let h = 1e-5
        for tensor in model.layout.tensors {
            var worst = 0.0
            var largest = 0.0
            for i in tensor.offset..<(tensor.offset + tensor.count) {
                let saved = theta[i]
                theta[i] = saved + h
                let up = loss(theta)
                theta[i] = saved - h
                let down = loss(theta)
                theta[i] = saved
                let numeric = (up - down) / (2 * h)
                worst = max(worst, abs(numeric - gradient[i]) - 1e-6 * abs(gradient[i]))
                largest = max(largest, abs(gradient[i]))
            }
            #expect(worst <= 1e-7, "\(tensor.name): analytic and numeric gradients differ by \(worst)")
            // The check is only meaningful if the gradient is not identically zero.
            #expect(largest > 1e-4, "\(tensor.name): gradient is \(largest), too small to test")
        }
    }

    @Test func untiedHead() { Self.check(Self.tiny(tied: false)) }
    @Test func tiedHead() { Self.check(Self.tiny(tied: true)) }
    @Test func withDropout() { Self.check(Self.tiny(tied: false, dropout: 0.3)) }

    @Test func learningRateSchedule() {
        var c = TransformerConfig()
        c.learningRate = 1e-3
        c.minLearningRate = 1e-4
        c.warmupSteps = 10
        c.steps = 110
        #expect(abs(c.learningRate(atStep: 0) - 1e-4) < 1e-15)
        #expect(abs(c.learningRate(atStep: 9) - 1e-3) < 1e-15)
        #expect(abs(c.learningRate(atStep: 10) - 1e-3) < 1e-15)
        #expect(abs(c.learningRate(atStep: 60) - 5.5e-4) < 1e-12)
        #expect(abs(c.learningRate(atStep: 110) - 1e-4) < 1e-15)
    }
}
