import Testing
@testable import Simulation

/// Known-answer vectors from Random123's kat_vectors (Salmon et al., SC'11):
/// `philox4x32 10 <counter ×4> <key ×2> <expected ×4>`.
@Test(arguments: [
    ((0x0000_0000, 0x0000_0000, 0x0000_0000, 0x0000_0000), (0x0000_0000, 0x0000_0000),
     (0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8)),
    ((0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF), (0xFFFF_FFFF, 0xFFFF_FFFF),
     (0x408F_276D, 0x41C8_3B0E, 0xA20B_C7C6, 0x6D54_51FD)),
    ((0x243F_6A88, 0x85A3_08D3, 0x1319_8A2E, 0x0370_7344), (0xA409_3822, 0x299F_31D0),
     (0xD16C_FE09, 0x94FD_CCEB, 0x5001_E420, 0x2412_6EA1)),
] as [((UInt32, UInt32, UInt32, UInt32), (UInt32, UInt32), (UInt32, UInt32, UInt32, UInt32))])
func philoxKnownAnswers(counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32),
                        expected: (UInt32, UInt32, UInt32, UInt32)) {
    let out = Philox.block(counter, key: key)
    #expect([out.0, out.1, out.2, out.3] == [expected.0, expected.1, expected.2, expected.3])
}

@Test func streamsAreKeyedAndRandomAccess() {
    var a = RandomStream(runSeed: 7, seedIndex: 3, purpose: .noise)
    var b = RandomStream(runSeed: 7, seedIndex: 3, purpose: .noise)
    var otherSeed = RandomStream(runSeed: 7, seedIndex: 4, purpose: .noise)
    var otherPurpose = RandomStream(runSeed: 7, seedIndex: 3, purpose: .data)
    let first = (0..<10).map { _ in a.nextUniform() }
    #expect(first == (0..<10).map { _ in b.nextUniform() })
    #expect(first != (0..<10).map { _ in otherSeed.nextUniform() })
    #expect(first != (0..<10).map { _ in otherPurpose.nextUniform() })
    // Jumping to block 5 gives what the sixth sequential draw gave.
    var jumped = RandomStream(runSeed: 7, seedIndex: 3, purpose: .noise, block: 5)
    #expect(jumped.nextUniform() == first[5])
}

/// Moments of 10⁶ normal deviates. Standard errors: mean 1/√n = 0.001, variance √(2/n) = 0.0014,
/// fourth moment √(96/n) ≈ 0.0098 (Var z⁴ = 105 − 9); tolerance 5σ.
@Test(arguments: [1, 2, 3] as [UInt64])
func normalMoments(runSeed: UInt64) {
    var stream = RandomStream(runSeed: runSeed, seedIndex: 0, purpose: .training)
    let n = 1_000_000
    var m1 = 0.0, m2 = 0.0, m4 = 0.0
    for _ in 0..<n {
        let z = stream.nextNormal()
        m1 += z; m2 += z * z; m4 += z * z * z * z
    }
    m1 /= Double(n); m2 /= Double(n); m4 /= Double(n)
    #expect(abs(m1) < 5 * 0.001)
    #expect(abs(m2 - 1) < 5 * 0.0014)
    #expect(abs(m4 - 3) < 5 * 0.0098)
}

@Test func uniformsStayInsideTheOpenInterval() {
    #expect(RandomStream.openUnit(0, 0) > 0)
    #expect(RandomStream.openUnit(.max, .max) < 1)
}

@Test(arguments: [2, 5, 12])
func haarMatricesAreOrthogonal(n: Int) {
    var stream = RandomStream(runSeed: 11, seedIndex: 0, purpose: .teacher)
    let q = RandomMatrices.haarOrthogonal(n, stream: &stream)
    for i in 0..<n {
        for j in 0..<n {
            var dot = 0.0
            for k in 0..<n { dot += q[k * n + i] * q[k * n + j] }
            #expect(abs(dot - (i == j ? 1 : 0)) < 1e-12)
        }
    }
}

/// AS 241 against scipy.special.ndtri (scipy 1.17.1) in all three branches, to 1e-15 relative
/// (AS 241 is accurate to about 1e-16; a few ulp near its branch boundaries).
@Test(arguments: [
    (0.5, 0.0), (0.500000001, 2.5066282037387115e-09), (0.6, 0.2533471031357997), (0.9, 1.2815515655446004),
    (0.925, 1.4395314709384563), (0.93, 1.475791028179171), (0.975, 1.959963984540054), (0.999, 3.090232306167813),
    (0.999999, 4.753424308817087), (1e-10, -6.361340902404056), (1e-20, -9.262340089798409),
    (1.1102230246251565e-16, -8.209536151601387), (1e-300, -37.0470962993612), (0.1, -1.2815515655446004),
    (0.075, -1.4395314709384563), (0.074, -1.4466320671589785),
])
func normalQuantileMatchesScipy(p: Double, expected: Double) {
    #expect(abs(normalQuantile(p) - expected) <= 1e-15 * max(abs(expected), 1e-300))
}

/// `Philox.wordPairs` (eight lanes of 64-bit words) equals eight `Philox.block` calls bit for bit,
/// including counters whose low word wraps into the high one (block 2³² − 3 … 2³² + 4), and
/// `RandomStream.nextWordPairs` takes the stream's next eight blocks.
@Test func eightLaneWordPairsEqualSingleBlocks() {
    let key: Philox.Key = (0xA409_3822, 0x299F_31D0)
    var stream = RandomStream(runSeed: 0x299F_31D0_A409_3822, seedIndex: 0x1319_8A2E, purpose: .training, block: (1 << 32) - 3)
    let (first, second) = stream.nextWordPairs()
    #expect(stream.block == (1 << 32) + 5)
    for lane in 0..<8 {
        let counter = UInt64((1 << 32) - 3 + lane)
        let one = Philox.block((UInt32(truncatingIfNeeded: counter), UInt32(truncatingIfNeeded: counter >> 32),
                                0x1319_8A2E, StreamPurpose.training.rawValue), key: key)
        #expect(first[lane] == UInt64(one.0) << 32 | UInt64(one.1), "lane \(lane)")
        #expect(second[lane] == UInt64(one.2) << 32 | UInt64(one.3), "lane \(lane)")
    }
}
