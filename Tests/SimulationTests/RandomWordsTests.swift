import Testing
@testable import Simulation

@Suite("RandomWords: every bit of the Philox stream")
struct RandomWordsTests {
    @Test("the words are the stream's blocks in order, both halves of each")
    func wordsAreTheBlocks() {
        let stream = RandomStream(runSeed: 0xDEAD_BEEF_1234, seedIndex: 17, purpose: .evaluation, block: (1 << 32) - 3)
        var words = RandomWords(stream)
        var blocks = stream
        // 13 blocks: three refills of four, and a carry across the counter's low 32 bits.
        for _ in 0..<13 {
            let r = blocks.nextBlock()
            #expect(words.next() == UInt64(r.0) << 32 | UInt64(r.1))
            #expect(words.next() == UInt64(r.2) << 32 | UInt64(r.3))
        }
    }
}
