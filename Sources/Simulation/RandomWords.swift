/// 64-bit random words from a ``RandomStream`` that use every bit of each Philox block: two words
/// per block, where `RandomStream.next()` spends a whole block on one word. For consumers of many
/// raw draws, such as the Monte Carlo null of the KS test (millions of uniforms), and of a few,
/// such as the ziggurat's rejections (`fillNormals`, a handful of words a call); the words are a
/// fixed function of the stream, so results stay reproducible.
///
/// The first eight blocks are made one at a time (`Philox.block`), lazily, so a source that
/// yields a few words costs a block or two; after them, eight blocks per `Philox.wordPairs` call,
/// at its throughput. Which way a block is made does not change its words.
public struct RandomWords: RandomNumberGenerator, Sendable {
    private var stream: RandomStream
    private var first = SIMD8<UInt64>(), second = SIMD8<UInt64>()
    private var used = 0, available = 0, singleBlocks = 8

    public init(_ stream: RandomStream) { self.stream = stream }

    /// Word 2i of the stream is block i's (x0, x1), word 2i + 1 its (x2, x3), high half first.
    public mutating func next() -> UInt64 {
        if used == available { refill() }
        defer { used += 1 }
        return used & 1 == 0 ? first[used >> 1] : second[used >> 1]
    }

    /// The next block (while `singleBlocks` last) or eight: word 2i of the buffer is its block
    /// i's (x0, x1), in `first[i]`, word 2i + 1 its (x2, x3), in `second[i]`.
    private mutating func refill() {
        if singleBlocks > 0 {
            let r = stream.nextBlock()
            first[0] = UInt64(r.0) << 32 | UInt64(r.1)
            second[0] = UInt64(r.2) << 32 | UInt64(r.3)
            available = 2
            singleBlocks -= 1
        } else {
            (first, second) = stream.nextWordPairs()
            available = 16
        }
        used = 0
    }
}
