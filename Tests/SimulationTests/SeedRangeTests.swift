import Simulation
import Testing

/// A seed slice of a model is the same seeds of the whole ensemble, bit for bit.
@Suite struct SeedRangeTests {
    @Test func aSliceTrainsExactlyTheSeedsOfTheWholeEnsemble() {
        var config = DysonBrownianMotionConfig()
        config.centres = [0, 0, 1]
        config.steps = 200
        let whole = DysonBrownianMotion(config: config, runSeed: 9, seeds: 10)
        let slice = SeedRange(base: DysonBrownianMotion(config: config, runSeed: 9, seeds: 7), first: 4, count: 3)
        #expect(slice.stateSize == whole.stateSize && slice.totalSteps == whole.totalSteps)
        for seed in 0..<3 {
            var a = [Double](repeating: 0, count: whole.stateSize), b = a
            let statuses = a.withUnsafeMutableBufferPointer { x in
                b.withUnsafeMutableBufferPointer { y in
                    whole.initialise(seed: 4 + seed, state: x)
                    slice.initialise(seed: seed, state: y)
                    return (whole.advance(seed: 4 + seed, state: x, from: 0, count: 200),
                            slice.advance(seed: seed, state: y, from: 0, count: 200))
                }
            }
            #expect(statuses.0 == statuses.1)
            #expect(a == b, "seed \(4 + seed)")
        }
        for (full, part) in zip(whole.fixedMatrices, slice.fixedMatrices) {
            let size = full.rows * full.columns
            #expect(part.values == Array(full.values[(4 * size)..<(7 * size)]))
        }
    }
}
