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

    /// Four blocks at once, lane i being `block((c0[i], c1[i], c2[i], c3[i]), key:)` bit for bit:
    /// the same rounds on SIMD lanes (the 32 × 32 → 64-bit products are one vector multiply).
    @inlinable
    public static func blocks(_ c0: SIMD4<UInt32>, _ c1: SIMD4<UInt32>, _ c2: SIMD4<UInt32>, _ c3: SIMD4<UInt32>,
                              key: Key) -> (SIMD4<UInt32>, SIMD4<UInt32>, SIMD4<UInt32>, SIMD4<UInt32>) {
        var (x0, x1, x2, x3) = (c0, c1, c2, c3)
        var k = key
        for round in 0..<10 {
            if round > 0 {
                k.0 &+= 0x9E37_79B9
                k.1 &+= 0xBB67_AE85
            }
            let p0 = SIMD4<UInt64>(truncatingIfNeeded: x0) &* SIMD4(repeating: 0xD251_1F53)
            let p1 = SIMD4<UInt64>(truncatingIfNeeded: x2) &* SIMD4(repeating: 0xCD9E_8D57)
            (x0, x1, x2, x3) = (SIMD4<UInt32>(truncatingIfNeeded: p1 &>> 32) ^ x1 ^ SIMD4(repeating: k.0),
                                SIMD4<UInt32>(truncatingIfNeeded: p1),
                                SIMD4<UInt32>(truncatingIfNeeded: p0 &>> 32) ^ x3 ^ SIMD4(repeating: k.1),
                                SIMD4<UInt32>(truncatingIfNeeded: p0))
        }
        return (x0, x1, x2, x3)
    }
}
