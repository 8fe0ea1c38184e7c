/// 64-bit random words from a ``RandomStream`` that use every bit of each Philox block: two words
/// per block and four blocks per `Philox.blocks` call, where `RandomStream.next()` spends a whole
/// block on one word. For consumers of many raw draws, such as the Monte Carlo null of the KS
/// test (millions of uniforms); the words are a fixed function of the stream, so results stay
/// reproducible.
public struct RandomWords: RandomNumberGenerator, Sendable {
    private var stream: RandomStream
    private var words = SIMD8<UInt64>()
    private var used = 8

    public init(_ stream: RandomStream) { self.stream = stream }

    /// Word 2i of four blocks b…b+3 is block b+i's (x0, x1), word 2i+1 its (x2, x3), high half first.
    public mutating func next() -> UInt64 {
        if used == 8 {
            let counters = SIMD4<UInt64>(repeating: stream.block) &+ SIMD4(0, 1, 2, 3)
            let r = Philox.blocks(SIMD4(truncatingIfNeeded: counters), SIMD4(truncatingIfNeeded: counters &>> 32),
                                  SIMD4(repeating: stream.seedIndex), SIMD4(repeating: stream.purpose), key: stream.key)
            stream.block &+= 4
            for i in 0..<4 {
                words[2 * i] = UInt64(r.0[i]) << 32 | UInt64(r.1[i])
                words[2 * i + 1] = UInt64(r.2[i]) << 32 | UInt64(r.3[i])
            }
            used = 0
        }
        defer { used += 1 }
        return words[used]
    }
}
