import RealModule

/// What a random stream is used for; part of the Philox counter, so streams never overlap.
public enum StreamPurpose: UInt32, Sendable, CaseIterable {
    case teacher = 1
    case data = 2
    case noise = 3
    case initialisation = 4
    case training = 5
    case evaluation = 6
}

/// A reproducible stream of random numbers keyed by (run seed, seed index, purpose).
///
/// Block `b` of the stream is `Philox.block((b.low, b.high, seedIndex, purpose), key: runSeed)`.
/// A stream is a small value: copying it forks an identical sequence; `init(…, block:)` jumps to
/// any position in O(1), which is how quenched noise is revisited every epoch.
public struct RandomStream: Sendable {
    /// The seed index used for draws shared by every seed of an ensemble (e.g. the paper's single
    /// teacher and data set).
    public static let sharedSeedIndex = UInt32.max

    @usableFromInline let key: Philox.Key
    @usableFromInline let seedIndex: UInt32
    @usableFromInline let purpose: UInt32
    @usableFromInline var block: UInt64
    @usableFromInline var spareNormal: Double?

    public init(runSeed: UInt64, seedIndex: UInt32, purpose: StreamPurpose, block: UInt64 = 0) {
        key = (UInt32(truncatingIfNeeded: runSeed), UInt32(truncatingIfNeeded: runSeed >> 32))
        self.seedIndex = seedIndex
        self.purpose = purpose.rawValue
        self.block = block
    }

    /// The next 128 random bits.
    @inlinable
    public mutating func nextBlock() -> Philox.Counter {
        let counter = (UInt32(truncatingIfNeeded: block), UInt32(truncatingIfNeeded: block >> 32), seedIndex, purpose)
        block &+= 1
        return Philox.block(counter, key: key)
    }

    /// Two uniform deviates in the open interval (0, 1), 52 random bits each.
    @inlinable
    public mutating func nextUniformPair() -> (Double, Double) {
        let r = nextBlock()
        return (Self.openUnit(r.0, r.1), Self.openUnit(r.2, r.3))
    }

    /// A uniform deviate in (0, 1).
    @inlinable
    public mutating func nextUniform() -> Double { nextUniformPair().0 }

    /// A standard normal deviate: the normal quantile (Wichura's AS 241) of a uniform. Deviates
    /// come in pairs from one block, the second is kept for the next call.
    ///
    /// Every pair of deviates consumes exactly one Philox block, which models rely on to address a
    /// step's draws by block index (`init(…, block:)`); a rejection method such as Marsaglia's
    /// polar method would consume a variable number of blocks (`fillNormals`, the ziggurat for
    /// bulk draws, takes its rejections' draws from a second stream instead). The quantile
    /// replaced Box–Muller, whose sine and cosine cost about two thirds of its time (≈ 36 ns per
    /// deviate against ≈ 16).
    /// Exact in distribution up to the 52-bit resolution of the uniforms (|z| ≤ 8.3) and the
    /// 1e-16 accuracy of AS 241.
    @inlinable
    public mutating func nextNormal() -> Double {
        if let z = spareNormal {
            spareNormal = nil
            return z
        }
        let (u1, u2) = nextUniformPair()
        spareNormal = normalQuantile(u2)
        return normalQuantile(u1)
    }

    /// The next eight blocks as 64-bit words (`Philox.wordPairs`): lane i holds block b + i's
    /// (x0, x1) and (x2, x3), high half first. (`fillNormals` reads their 32-bit halves, low first.)
    @inlinable @inline(__always)
    public mutating func nextWordPairs() -> (SIMD8<UInt64>, SIMD8<UInt64>) {
        let counters = SIMD8<UInt64>(repeating: block) &+ SIMD8(0, 1, 2, 3, 4, 5, 6, 7)
        block &+= 8
        return Philox.wordPairs(counters: counters, seedIndex, purpose, key: key)
    }

    /// Fills `buffer` with independent N(0, std²) deviates.
    @inlinable
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Double>, std: Double = 1) {
        for i in buffer.indices { buffer[i] = std * nextNormal() }
    }

    /// (hi·2³² + lo) ≫ 12 mapped to the centre of one of 2⁵² equal cells of (0, 1): never 0 or 1.
    /// (With 53 bits the top cell's centre 1 − 2⁻⁵⁴ is not representable and rounds to 1.)
    @inlinable
    static func openUnit(_ hi: UInt32, _ lo: UInt32) -> Double { openUnit(UInt64(hi) << 32 | UInt64(lo)) }

    /// The same for a 64-bit word: its top 52 bits.
    @inlinable
    static func openUnit(_ word: UInt64) -> Double { (Double(word >> 12) + 0.5) * 0x1p-52 }
}

/// Lets a stream drive Swift's generic random APIs and statistics code that takes
/// `inout some RandomNumberGenerator` (e.g. Monte Carlo calibrated tests), reproducibly.
extension RandomStream: RandomNumberGenerator {
    @inlinable
    public mutating func next() -> UInt64 {
        let r = nextBlock()
        return UInt64(r.0) << 32 | UInt64(r.1)
    }
}
