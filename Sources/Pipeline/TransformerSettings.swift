import LanguageModel
import TOMLKit

/// The `simulate` keys of `model = "transformer"` (SPEC §2.5), kept beside `SimulateConfig` so
/// that file only names the model.
extension TransformerConfig {
    /// Reads every key with its default and validates the result.
    init(_ r: ConfigReader) throws {
        self.init()
        layers = try r.int("layers", default: layers)
        heads = try r.int("heads", default: heads)
        embedding = try r.int("embedding", default: embedding)
        context = try r.int("context", default: context)
        mlpRatio = try r.int("mlp_ratio", default: mlpRatio)
        tiedHead = try r.bool("tied_head", default: tiedHead)
        dropout = try r.double("dropout", default: dropout)
        initialStd = try r.double("initial_std", default: initialStd)
        optimiser = Optimiser(rawValue: try r.choice("optimiser", default: optimiser.rawValue,
                                                     allowed: Optimiser.allCases.map(\.rawValue)))!
        learningRate = try r.double("learning_rate", default: learningRate)
        batchSize = try r.int("batch_size", default: batchSize)
        steps = try r.int("steps", default: steps)
        warmupSteps = try r.int("warmup_steps", default: warmupSteps)
        minLearningRate = try r.double("min_learning_rate", default: minLearningRate)
        weightDecay = try r.double("weight_decay", default: weightDecay)
        beta1 = try r.double("beta1", default: beta1)
        beta2 = try r.double("beta2", default: beta2)
        epsilon = try r.double("epsilon", default: epsilon)
        corpusCharacters = try r.int("corpus_characters", default: corpusCharacters)
        corpusSeed = try r.int("corpus_seed", default: corpusSeed)
        validationFraction = try r.double("validation_fraction", default: validationFraction)
        evaluationSequences = try r.int("evaluation_sequences", default: evaluationSequences)
        for problem in problems { try r.require(false, problem.key, problem.message) }
    }

    var tomlEntries: [String: TOMLValueConvertible] {
        ["layers": layers, "heads": heads, "embedding": embedding, "context": context, "mlp_ratio": mlpRatio,
         "tied_head": tiedHead, "dropout": dropout, "initial_std": initialStd, "optimiser": optimiser.rawValue,
         "learning_rate": learningRate, "batch_size": batchSize, "steps": steps, "warmup_steps": warmupSteps,
         "min_learning_rate": minLearningRate, "weight_decay": weightDecay, "beta1": beta1, "beta2": beta2,
         "epsilon": epsilon, "corpus_characters": corpusCharacters, "corpus_seed": corpusSeed,
         "validation_fraction": validationFraction, "evaluation_sequences": evaluationSequences]
    }

    var hyperParameters: [(name: String, value: Double)] {
        [("learning_rate", learningRate), ("batch_size", Double(batchSize)),
         ("temperature", learningRate / Double(batchSize)), ("layers", Double(layers)), ("heads", Double(heads)),
         ("embedding", Double(embedding)), ("context", Double(context)), ("weight_decay", weightDecay)]
    }

    /// Steps per pass over the nominal training split (the model counts the generated one).
    var nominalStepsPerEpoch: Int {
        max(1, Int(Double(corpusCharacters) * (1 - validationFraction)) / tokensPerStep)
    }
}
