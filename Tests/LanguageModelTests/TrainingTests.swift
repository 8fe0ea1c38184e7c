import Foundation
import Testing
@testable import LanguageModel
import Fitting
import LinearAlgebra
import Simulation

@Suite("Transformer training and initial spectra")
struct TrainingTests {
    /// The default sizes (4 layers, C = 128) on a small corpus: the matrices are those analysed.
    static func defaultSized(seeds: Int) -> TransformerModel {
        var c = TransformerConfig()
        c.corpusCharacters = 30_000
        return TransformerModel(config: c, runSeed: 11, seeds: seeds, threads: 1)
    }

    /// At initialisation every analysed matrix is n × p Gaussian with σ² = 0.02², so the
    /// eigenvalues of X = WᵀW/n (p ≤ n; WWᵀ/p for mlp_out) follow Marchenko–Pastur at q = p/n:
    /// q = 1 for query/key/value/attention_output (128 × 128) and 1/4 for mlp_in/mlp_out.
    ///
    /// Tolerances from sample size: σ̂² = tr X/p is a mean of np squared Gaussians, relative
    /// standard deviation √(2/(np)) = 1.1 % for one 128 × 128 matrix, so one matrix alone can
    /// miss 2 %. Per matrix kind we average the fits of its 4 layers × 2 seeds = 8 independent
    /// matrices (sd 0.39 % for σ̂²; q̂'s spread is measured and is of the same order): 2 % is
    /// then > 5 sd. Each single matrix must still be within 5 of its own sd of σ̂².
    @Test func marchenkoPasturAtInitialisation() throws {
        let seeds = 2
        let model = Self.defaultSized(seeds: seeds)
        var states = [[Double]]()
        for seed in 0..<seeds {
            var state = [Double](repeating: .nan, count: model.stateSize)
            state.withUnsafeMutableBufferPointer { model.initialise(seed: seed, state: $0) }
            states.append(state)
        }
        let variance = 0.02 * 0.02
        for kind in ["query", "key", "value", "attention_output", "mlp_in", "mlp_out"] {
            let matrices = model.recordedMatrices.filter { $0.name.hasSuffix("_" + kind) }
            #expect(matrices.count == model.config.layers)
            let (rows, columns) = (matrices[0].rows, matrices[0].columns)
            let n = max(rows, columns), p = min(rows, columns)
            var elements: [Double] = []
            for state in states {
                for m in matrices { elements += state[m.offset..<(m.offset + rows * columns)] }
            }
            let batch = MatrixBatch(count: matrices.count * seeds, rows: rows, columns: columns, elements: elements)
            let spectra = Diagonalisation.singularValues(batch, threads: 1)
            var ratios: [Double] = [], variances: [Double] = []
            for k in 0..<batch.count {
                let x = spectra[k].map { $0 * $0 / Double(n) }
                let fit = try MarchenkoPastur.fit(x)
                ratios.append(fit.fit.values[0])
                variances.append(fit.fit.values[1])
                let sd = (2 / Double(n * p)).squareRoot()
                #expect(abs(fit.fit.values[1] / variance - 1) < 5 * sd, "\(kind) #\(k): sigma^2 = \(fit.fit.values[1])")
            }
            let q = ratios.reduce(0, +) / Double(ratios.count)
            let v = variances.reduce(0, +) / Double(variances.count)
            let expectedRatio = Double(p) / Double(n)
            #expect(abs(q / expectedRatio - 1) < 0.02, "\(kind): q = \(q), expected \(expectedRatio); per matrix \(ratios)")
            #expect(abs(v / variance - 1) < 0.02, "\(kind): sigma^2 = \(v), expected \(variance)")
        }
    }

    /// A short AdamW run of a small model: the validation loss must fall from ln V (uniform
    /// predictions at N(0, 0.02²) weights) to below the corpus's unigram entropy, i.e. the
    /// model has learnt more than character frequencies. 2 layers, C = 32, T = 16, 150 steps.
    @Test func validationLossFalls() {
        var c = TransformerConfig(layers: 2, heads: 2, embedding: 32, context: 16, batchSize: 16)
        c.steps = 150
        c.warmupSteps = 10
        c.learningRate = 3e-3
        c.corpusCharacters = 60_000
        c.evaluationSequences = 32
        let model = TransformerModel(config: c, runSeed: 3, seeds: 1, threads: 1)
        var state = [Double](repeating: 0, count: model.stateSize)
        let (initial, final, status) = state.withUnsafeMutableBufferPointer { s -> (Double, Double, SeedStatus) in
            model.initialise(seed: 0, state: s)
            let initial = model.measure(seed: 0, state: UnsafeBufferPointer(s)).loss
            let status = model.advance(seed: 0, state: s, from: 0, count: c.steps)
            return (initial, model.measure(seed: 0, state: UnsafeBufferPointer(s)).loss, status)
        }
        #expect(status == .ok)
        let uniform = log(Double(model.corpus.vocabularySize))
        let unigram = model.corpus.unigramEntropy
        // At σ = 0.02 the logits are O(0.02·√C·0.02), so the loss is ln V within 1 %.
        #expect(abs(initial / uniform - 1) < 0.01, "initial loss \(initial), ln V = \(uniform)")
        #expect(final < unigram - 0.1, "validation loss \(final) after \(c.steps) steps, unigram entropy \(unigram)")
    }

    /// The run is a pure function of (run seed, seed, step): advancing 10 steps in one call or in
    /// two calls of 4 and 6 gives the same state bit for bit (what `--resume` relies on).
    @Test func advanceIsResumable() {
        var c = TransformerConfig(layers: 1, heads: 2, embedding: 16, context: 8, batchSize: 4)
        c.steps = 10
        c.dropout = 0.1
        c.corpusCharacters = 25_000
        let model = TransformerModel(config: c, runSeed: 5, seeds: 1, threads: 1)
        var a = [Double](repeating: 0, count: model.stateSize)
        a.withUnsafeMutableBufferPointer { model.initialise(seed: 0, state: $0) }
        var b = a
        _ = a.withUnsafeMutableBufferPointer { model.advance(seed: 0, state: $0, from: 0, count: 10) }
        _ = b.withUnsafeMutableBufferPointer { model.advance(seed: 0, state: $0, from: 0, count: 4) }
        _ = b.withUnsafeMutableBufferPointer { model.advance(seed: 0, state: $0, from: 4, count: 6) }
        #expect(a == b)
        #expect(a.allSatisfy { $0.isFinite })
    }

    /// The generated corpus: reproducible, at least the requested size, and split at a
    /// paragraph boundary near 90 %.
    @Test func corpusIsReproducible() {
        let a = Corpus(characters: 10_000, seed: 4), b = Corpus(characters: 10_000, seed: 4)
        #expect(a.tokens == b.tokens && a.vocabulary == b.vocabulary)
        #expect(a.tokens.count >= 10_000)
        #expect(Corpus(characters: 10_000, seed: 5).tokens != a.tokens)
        let fraction = Double(a.splitIndex) / Double(a.tokens.count)
        #expect(fraction > 0.89 && fraction < 0.95)
        #expect(a.decode(a.tokens[(a.splitIndex - 2)..<a.splitIndex]) == "\n\n")
    }
}

@Suite("Default corpus")
struct DefaultCorpusTests {
    /// The default corpus is at least 1 MB of ASCII text; its unigram entropy is that of English
    /// letters plus space and punctuation (≈ 4.1 bits ≈ 2.85 nats for English; a grammar with a
    /// small lexicon lands a little lower), far from both a degenerate text and ln V.
    @Test func sizeAndEntropy() {
        let c = TransformerConfig()
        let corpus = Corpus(characters: c.corpusCharacters, seed: UInt64(c.corpusSeed), validationFraction: c.validationFraction)
        let h = corpus.unigramEntropy
        print("default corpus: \(corpus.tokens.count) characters, vocabulary \(corpus.vocabularySize), train \(corpus.splitIndex), unigram entropy \(h) nats, ln V = \(log(Double(corpus.vocabularySize)))")
        #expect(corpus.tokens.count >= 1_000_000)
        #expect(corpus.vocabularySize >= 30 && corpus.vocabularySize <= 80)
        #expect(h > 2.3 && h < 3.2)
        #expect(h < log(Double(corpus.vocabularySize)) - 0.5)
    }
}
