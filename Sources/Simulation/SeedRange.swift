/// Seeds `first ..< first + count` of an ensemble as an ensemble of their own: seed `s` of this
/// model is seed `first + s` of `base`.
///
/// Every model draws each seed's randomness from streams keyed by (run seed, seed index,
/// purpose), never by the ensemble size, so a run of seeds 100..<200 reproduces exactly the
/// seeds 100..<200 of a run of 0..<400. That is what lets `dyson sweep` cut one simulation into
/// array tasks whose merged output equals the unsplit run.
///
/// `base` must be built for at least `first + count` seeds; the quenched tables of seeds below
/// `first` are built and never used (a cost of not changing the models: a task's set-up costs
/// what the whole prefix's costs, small next to training).
public struct SeedRange: EnsembleModel {
    public let base: any EnsembleModel
    public let first: Int
    public let count: Int

    public init(base: any EnsembleModel, first: Int, count: Int) {
        precondition(first >= 0 && count >= 1, "a seed range needs first >= 0 and count >= 1")
        self.base = base
        self.first = first
        self.count = count
    }

    public var stateSize: Int { base.stateSize }
    public var recordedMatrices: [RecordedMatrix] { base.recordedMatrices }
    public var totalSteps: Int { base.totalSteps }
    public var stepsPerEpoch: Int { base.stepsPerEpoch }

    /// The base's fixed matrices restricted to this range's seeds.
    public var fixedMatrices: [FixedMatrix] {
        base.fixedMatrices.map { fixed in
            let size = fixed.rows * fixed.columns
            precondition(fixed.values.count >= (first + count) * size, "base model has fewer than \(first + count) seeds")
            return FixedMatrix(name: fixed.name, target: fixed.target, rows: fixed.rows, columns: fixed.columns,
                               values: Array(fixed.values[(first * size)..<((first + count) * size)]), description: fixed.description)
        }
    }

    public func initialise(seed: Int, state: UnsafeMutableBufferPointer<Double>) {
        base.initialise(seed: first + seed, state: state)
    }

    public func advance(seed: Int, state: UnsafeMutableBufferPointer<Double>, from step: Int, count: Int) -> SeedStatus {
        base.advance(seed: first + seed, state: state, from: step, count: count)
    }

    public var seedGroupWidth: Int { base.seedGroupWidth }

    public func advance(seeds: [Int], states: [UnsafeMutableBufferPointer<Double>], from step: Int, count: Int) -> [SeedStatus] {
        base.advance(seeds: seeds.map { first + $0 }, states: states, from: step, count: count)
    }

    public func measure(seed: Int, state: UnsafeBufferPointer<Double>) -> Measurement {
        base.measure(seed: first + seed, state: state)
    }
}
