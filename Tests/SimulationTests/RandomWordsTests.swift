import Testing
@testable import Simulation

@Suite("RandomWords: every bit of the Philox stream")
struct RandomWordsTests {
    @Test("the words are the stream's blocks in order, both halves of each")
    func wordsAreTheBlocks() {
        // 29 blocks: eight made one at a time, two refills of eight, and five of a third; the
        // counter's low 32 bits carry in the single blocks (first start) or inside a refill (second).
        for start: UInt64 in [(1 << 32) - 3, (1 << 32) - 11] {
            let stream = RandomStream(runSeed: 0xDEAD_BEEF_1234, seedIndex: 17, purpose: .evaluation, block: start)
            var words = RandomWords(stream)
            var blocks = stream
            for b in 0..<29 {
                let r = blocks.nextBlock()
                #expect(words.next() == UInt64(r.0) << 32 | UInt64(r.1), "start \(start), block \(b)")
                #expect(words.next() == UInt64(r.2) << 32 | UInt64(r.3), "start \(start), block \(b)")
            }
        }
    }
}
