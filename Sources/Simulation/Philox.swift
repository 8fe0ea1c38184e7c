/// The Philox4x32-10 counter-based block cipher used as a random-number generator.
///
/// Philox maps a 128-bit counter and a 64-bit key to 128 pseudo-random bits with ten rounds of
/// multiply–xor mixing. Because output is a pure function of (counter, key), any position of any
/// stream can be computed independently: results never depend on threads or on how seeds are
/// split across workers. Passes BigCrush; the constants are the published ones.
///
/// Reference: J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw, "Parallel random numbers: as easy
/// as 1, 2, 3", SC'11, doi:10.1145/2063384.2063405 (Random123).
public enum Philox {
    public typealias Counter = (UInt32, UInt32, UInt32, UInt32)
    public typealias Key = (UInt32, UInt32)

    /// One Philox4x32-10 block: 4 × 32 random bits for `counter` under `key`.
    @inlinable
    public static func block(_ counter: Counter, key: Key) -> Counter {
        var c = counter
        var k = key
        for round in 0..<10 {
            if round > 0 {
                k.0 &+= 0x9E37_79B9
                k.1 &+= 0xBB67_AE85
            }
            let p0 = UInt64(0xD251_1F53) &* UInt64(c.0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c.2)
            c = (UInt32(truncatingIfNeeded: p1 >> 32) ^ c.1 ^ k.0, UInt32(truncatingIfNeeded: p1),
                 UInt32(truncatingIfNeeded: p0 >> 32) ^ c.3 ^ k.1, UInt32(truncatingIfNeeded: p0))
        }
        return c
    }

    /// Eight blocks at once as 64-bit words: lane i of the result is block
    /// `(counters[i] mod 2³², counters[i] / 2³², c2, c3)` as (x0·2³² + x1, x2·2³² + x3), bit for bit
    /// `block`'s. Every 32-bit word lives in the low half of a 64-bit lane, so a round's
    /// 32 × 32 → 64-bit products are single vector multiplies (`vpmuludq`) with no packing or
    /// unpacking between rounds, and the two ymm halves are independent chains that hide the
    /// multiplies' latency.
    @inlinable @inline(__always)
    public static func wordPairs(counters: SIMD8<UInt64>, _ c2: UInt32, _ c3: UInt32, key: Key) -> (SIMD8<UInt64>, SIMD8<UInt64>) {
        let low = SIMD8<UInt64>(repeating: 0xFFFF_FFFF)
        var (x0, x1) = (counters & low, counters &>> 32)
        var (x2, x3) = (SIMD8<UInt64>(repeating: UInt64(c2)), SIMD8<UInt64>(repeating: UInt64(c3)))
        var k0 = UInt64(key.0), k1 = UInt64(key.1)
        for round in 0..<10 {
            if round > 0 {
                k0 = (k0 &+ 0x9E37_79B9) & 0xFFFF_FFFF
                k1 = (k1 &+ 0xBB67_AE85) & 0xFFFF_FFFF
            }
            // Only the low halves of the lanes are Philox's words: x1 and x3 keep the products'
            // high halves too, which reach x0 and x2 only above bit 31, and the masks before
            // each multiply drop them (making each product one vpmuludq, not a 64-bit multiply).
            let p0 = (x0 & low) &* SIMD8(repeating: 0xD251_1F53)
            let p1 = (x2 & low) &* SIMD8(repeating: 0xCD9E_8D57)
            (x0, x1, x2, x3) = ((p1 &>> 32) ^ x1 ^ SIMD8(repeating: k0), p1,
                                (p0 &>> 32) ^ x3 ^ SIMD8(repeating: k1), p0)
        }
        return ((x0 &<< 32) | (x1 & low), (x2 &<< 32) | (x3 & low))
    }
}
