/// `exp` and `log` of eight doubles at once, for loops that evaluate one of them per sample
/// point (the Monte Carlo KS null draws millions): libm is called one value at a time, these
/// run in SIMD lanes, eight so that the polynomials' dependency chains overlap. Both are
/// Cody–Waite range reductions with a polynomial on the reduced argument, within 1 ulp of libm
/// (tested); the same inputs always give the same bits, on any core count.
///
/// Reference: W. J. Cody and W. Waite, *Software Manual for the Elementary Functions*
/// (Prentice-Hall, 1980), ch. 5–6; the split of ln 2 is fdlibm's.
public enum VectorMath {
    public typealias Lanes = SIMD8<Double>

    private static let ln2High = 6.93147180369123816490e-01  // ln 2 to 32 bits: k·ln2High is exact
    private static let ln2Low = 1.90821492927058770002e-10
    private static let log2e = 1.44269504088896338700e+00
    /// 1.5·2⁵²: adding it rounds a double of magnitude < 2⁵¹ to an integer, which then sits in
    /// the low bits of the sum's bit pattern.
    private static let roundingShift = 0x1.8p52
    /// 1/0!, 1/1!, …, 1/13!: the Taylor coefficients of eʳ.
    private static let expTaylor: [Double] = [
        1, 1, 0.5, 0.16666666666666666, 4.1666666666666664e-02, 8.333333333333333e-03,
        1.388888888888889e-03, 1.984126984126984e-04, 2.48015873015873e-05, 2.7557319223985893e-06,
        2.755731922398589e-07, 2.505210838544172e-08, 2.08767569878681e-09, 1.6059043836821613e-10]
    /// 2/3, 2/5, …, 2/21: R(z) = (2 atanh(s) − 2s)/s = z·Σ aᵢ zⁱ, z = s².
    private static let atanhSeries: [Double] = [
        0.6666666666666666, 0.4, 0.2857142857142857, 0.2222222222222222, 0.18181818181818182,
        0.15384615384615385, 0.13333333333333333, 0.11764705882352941, 0.10526315789473684,
        0.09523809523809523]

    /// eˣ for each lane. Lanes below −708 (where eˣ leaves the normal range) give 0, lanes above
    /// 709 +∞.
    ///
    /// x = k·ln 2 + r with |r| ≤ ln 2 / 2, eʳ by its Taylor series to degree 13 (truncation
    /// < 5·10⁻¹⁸) in Estrin's order, then 2ᵏ added to the exponent field.
    public static func exp(_ x: Lanes) -> Lanes {
        let shifted = x * log2e + roundingShift
        let k = shifted - roundingShift
        let r = (x - k * ln2High) - k * ln2Low
        // eʳ = 1 + (r + r²·P(r)), P by Estrin's scheme (pairs, then pairs of pairs), so the
        // dependency chain is 5 deep rather than Horner's 14; the 1 is added last, rounding once.
        let c = expTaylor
        let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
        let head = ((c[2] + c[3] * r) + (c[4] + c[5] * r) * r2) + ((c[6] + c[7] * r) + (c[8] + c[9] * r) * r2) * r4
        let tail = (c[10] + c[11] * r) + (c[12] + c[13] * r) * r2
        let p = 1 + (r + r2 * (head + tail * r8))
        // k as a 64-bit integer: the low bits of `shifted`'s pattern minus those of the shift.
        let kBits = unsafeBitCast(shifted, to: SIMD8<Int64>.self) &- Int64(bitPattern: roundingShift.bitPattern)
        let scaled = unsafeBitCast(unsafeBitCast(p, to: SIMD8<Int64>.self) &+ (kBits &<< 52), to: Lanes.self)
        return scaled.replacing(with: 0, where: x .< -708).replacing(with: .infinity, where: x .> 709)
    }

    /// ln x for each lane. Precondition: every lane positive and normal (≥ 2⁻¹⁰²²) and finite.
    ///
    /// x = 2ᵉ(1 + f) with 1 + f ∈ [√½, √2), ln(1 + f) = 2 atanh(s) = 2s + s·R(s²) for
    /// s = f/(2 + f) ≤ 0.172, R to s²⁰ (truncation < 3·10⁻¹⁷ relative), summed as fdlibm does,
    /// f − (f²/2 − s(f²/2 + R)), so that the rounding of s hardly reaches the result.
    public static func log(_ x: Lanes) -> Lanes {
        let bits = unsafeBitCast(x, to: SIMD8<Int64>.self)
        // Subtracting √½'s pattern makes the exponent field count from √½ instead of 1.
        let offset = bits &- Int64(bitPattern: (0.5.squareRoot()).bitPattern)
        let e = offset &>> 52
        let f = unsafeBitCast(bits &- (e &<< 52), to: Lanes.self) - 1
        let eDouble = unsafeBitCast(e &+ Int64(bitPattern: roundingShift.bitPattern), to: Lanes.self) - roundingShift
        let s = f / (2 + f)
        let z = s * s
        let a = atanhSeries
        let z2 = z * z, z4 = z2 * z2, z8 = z4 * z4  // Estrin's scheme, as in `exp`
        let head = ((a[0] + a[1] * z) + (a[2] + a[3] * z) * z2) + ((a[4] + a[5] * z) + (a[6] + a[7] * z) * z2) * z4
        let r = z * (head + (a[8] + a[9] * z) * z8)
        let halfSquare = 0.5 * f * f
        return eDouble * ln2High - ((halfSquare - (s * (halfSquare + r) + eDouble * ln2Low)) - f)
    }
}

extension VectorMath {
    /// Σ_i exp(a·xᵢ) over `x` packed in lanes (``pack(_:padding:)`` with padding −∞, whose
    /// lanes add 0 for a > 0). Precondition: a > 0. O(n).
    public static func sumExp(scaling a: Double, _ x: [Lanes]) -> Double {
        var sum = Lanes.zero
        for block in x { sum += exp(a * block) }
        return sum.sum()
    }

    /// `values` in blocks of lanes, the last block filled up with `padding`.
    public static func pack(_ values: [Double], padding: Double) -> [Lanes] {
        stride(from: 0, to: values.count, by: Lanes.scalarCount).map { start in
            var block = Lanes(repeating: padding)
            for lane in 0..<min(Lanes.scalarCount, values.count - start) { block[lane] = values[start + lane] }
            return block
        }
    }
}
