/// 64-bit random words from a ``RandomStream`` that use every bit of each Philox block: two words
/// per block and eight blocks per `Philox.wordPairs` call, where `RandomStream.next()` spends a
/// whole block on one word. For consumers of many raw draws, such as the Monte Carlo null of the
/// KS test (millions of uniforms); the words are a fixed function of the stream, so results stay
/// reproducible.
public struct RandomWords: RandomNumberGenerator, Sendable {
    private var stream: RandomStream
    private var first = SIMD8<UInt64>(), second = SIMD8<UInt64>()
    private var used = 16

    public init(_ stream: RandomStream) { self.stream = stream }

    /// Word 2i of blocks b…b+7 is block b+i's (x0, x1), word 2i+1 its (x2, x3), high half first.
    public mutating func next() -> UInt64 {
        if used == 16 {
            (first, second) = stream.nextWordPairs()
            used = 0
        }
        defer { used += 1 }
        return used & 1 == 0 ? first[used >> 1] : second[used >> 1]
    }
}
