import RealModule

/// Standard normal deviates by Marsaglia and Tsang's ziggurat with 1024 layers, one 32-bit word
/// per deviate, evaluated in Double: the fastest exact method, for models that draw many deviates
/// per step (the Gaussian RBM's chains).
///
/// **Method.** The area under f(x) = e^{−x²/2}, x ≥ 0, is covered by 1024 layers of equal area v:
/// layer i ≥ 1 is the rectangle [0, xᵢ] × [f(xᵢ), f(xᵢ₋₁)] (x₀ = 0, x₁₀₂₃ = r), layer 0 the base
/// [0, r] × [0, f(r)] plus the tail beyond r. A 32-bit word picks a layer (10 bits), a sign (1 bit)
/// and a point x on the layer's width (a 21-bit magnitude); x < xᵢ₋₁ lies under the curve and is
/// returned at once (99.57 % of words). Otherwise layer i ≥ 1 accepts x if a uniform height in
/// [f(xᵢ), f(xᵢ₋₁)] falls below f(x) (the wedge), layer 0 samples the tail by Marsaglia's method;
/// a rejected point starts over with a fresh word. G. Marsaglia, W. W. Tsang, J. Stat. Softw.
/// 5(8) (2000). The word layout follows NumPy's float32 path (`random_standard_normal_f`: 8 layer,
/// 1 sign, 23 magnitude bits) with two more layer bits: 1024 layers leave the fast path with
/// probability 0.43 % against 1.49 % for 256, and the mispredicted branch of a rejection costs
/// more than the larger table (32 KiB). The edge r = 4.038849846109504522714423 closes the top
/// layer for 1024 layers (`Tests/Baselines/ziggurat_edge.py`, mpmath; 256 layers give NumPy's
/// 3.6541528853610088); the tables are computed here from r.
///
/// **Accuracy.** Exact in distribution up to the rounding of the tables (each layer's area is v
/// to about 1e-13, `ZigguratTests`) and the resolution of x: a point is the midpoint
/// (m + ½)·h of one of 2²¹ cells of its layer's width w, h = w/2²¹: a grid of step
/// h ≤ r/2²¹ = 1.9e-6 for layers i ≥ 1 (w = xᵢ ≤ r), and v/f(r)/2²¹ = 2.0e-6 for layer 0's base
/// (equivalent width v/f(r) = 4.27). The deviates are Doubles on that grid (the uniforms of the
/// wedge and the tail keep 52 bits). Midpoints make the grid unbiased to first order: over a
/// layer's cells E x is exact and E x² low by h²/12, relative 1/(4·2⁴²) = 5.7e-14 (the floor
/// grid of NumPy's layout, m·w/2²³, lowers |x| by half a step: the variance by 3.5e-7 with 256
/// layers). Even all n = 2.4·10¹² deviates of the paper-scale RBM scans would estimate the
/// variance only to √(2/n) = 9e-7, seven orders of magnitude coarser. In exchange the Philox
/// work is half that of 52-bit words.
///
/// **Randomness.** Unlike the quantile transform of `RandomStream.nextNormal`, a rejection method
/// consumes a variable number of draws. `fillNormals` therefore takes exactly one 32-bit half of
/// a Philox word of its stream per deviate and draws everything a rejection needs from a second
/// source (`RandomWords`, a block at a time), so a model can still address a step's deviates by
/// block index.
enum Ziggurat {
    /// The fast path's entry for a word's low eleven bits j = i + 1024·sign (layer i, sign bit):
    /// the bound ⌈2²² xᵢ₋₁/xᵢ⌉ on t = 2m + 1 (the point's odd numerator, m the 21-bit magnitude)
    /// and the signed scale ±xᵢ/2²² from t to x (minus for sign 1). For layer 0 the width is the
    /// base's equivalent v/f(r). The sign in the scale saves the fast path moving bits between
    /// registers; 16 bytes an entry, 32 KiB.
    struct Entry {
        var bound: UInt32
        var scale: Double
    }

    /// x₁₀₂₃ = r, the right edge of the lowest rectangle, which closes the top layer at x = 0 for
    /// 1024 layers: f(x₁) + v/x₁ = 1 (`Tests/Baselines/ziggurat_edge.py`).
    static let r = 4.038849846109504522714423

    /// The number of layers, 2¹⁰: a word's low ten bits.
    static let layers = 1024

    /// v = r f(r) + ∫_r^∞ f: the area of every layer.
    static let layerArea = r * f(r) + (Double.pi / 2).squareRoot() * Double.erfc(r / 2.0.squareRoot())

    static func f(_ x: Double) -> Double { Double.exp(-0.5 * x * x) }

    /// The edges x₀ = 0, x₁, …, x₁₀₂₃ = r from the recurrence f(xᵢ₋₁) = f(xᵢ) + v/xᵢ (each layer's
    /// area v), run down from r.
    static let edges: [Double] = {
        var x = [Double](repeating: 0, count: layers)
        x[layers - 1] = r
        for i in stride(from: layers - 1, to: 1, by: -1) {
            x[i - 1] = (-2 * Double.log(f(x[i]) + layerArea / x[i])).squareRoot()
        }
        x[0] = 0
        return x
    }()

    static let entries: [Entry] = (0..<2 * layers).map { j in
        let i = j % layers
        let width = i == 0 ? layerArea / f(r) : edges[i]
        let inner = i == 0 ? r : edges[i - 1]
        return Entry(bound: UInt32((0x1p22 * inner / width).rounded(.up)), scale: (j < layers ? 1 : -1) * width * 0x1p-22)
    }

    /// f(xᵢ), i = 0…1023, the wedges' heights.
    static let densities: [Double] = edges.map(f)

    /// The point a 32-bit word picks: its layer (bits 0–9), its signed x (sign: bit 10, magnitude
    /// m: bits 11–31) at the midpoint of cell m, x = t · (±xᵢ/2²²) with t = (word ≫ 10) | 1 =
    /// 2m + 1 (the sign bit falls out; exact in a Double, never 0), and whether it lies under the
    /// curve's core (x < xᵢ₋₁, i.e. t below the layer's bound). The one decoder of the fast path and
    /// the retries.
    @inline(__always)
    static func point(_ word: UInt32, _ entries: UnsafePointer<Entry>) -> (layer: Int, x: Double, underCore: Bool) {
        let entry = entries[Int(truncatingIfNeeded: word & 0x7FF)]
        let t = (word &>> 10) | 1
        return (Int(truncatingIfNeeded: word & 0x3FF), Double(t) * entry.scale, t < entry.bound)
    }

    /// The deviate of `word` if its point lies under the curve's core, else the ziggurat
    /// continued with draws from `overflow`.
    @inline(__always)
    static func deviate(_ word: UInt32, _ entries: UnsafePointer<Entry>, _ overflow: inout RandomWords) -> Double {
        let (layer, x, underCore) = point(word, entries)
        if underCore { return x }
        return rejected(layer: layer, x: x, entries, &overflow)
    }

    /// The rare rest of the ziggurat for a point outside layer `layer`'s core: the wedge test or
    /// the tail, then fresh points until one is accepted. From `overflow`, in order: the wedge's
    /// height (a 64-bit word, 52-bit uniform), a fresh point (the low 32 bits of the next word,
    /// decoded by `point`), and the tail's two uniforms per try (a word each).
    @inline(never)
    static func rejected(layer: Int, x: Double, _ entries: UnsafePointer<Entry>, _ overflow: inout RandomWords) -> Double {
        var (layer, x) = (layer, x)
        while true {
            if layer == 0 {
                // Tail x > r: x = r + ξ with ξ ~ Exp(r) accepted with probability e^{−ξ²/2}.
                while true {
                    let u1 = RandomStream.openUnit(overflow.next()), u2 = RandomStream.openUnit(overflow.next())
                    let xi = -Double.log(u1) / r, y = -Double.log(u2)
                    if y + y > xi * xi { return x.sign == .minus ? -(r + xi) : r + xi }
                }
            }
            let height = densities[layer] + RandomStream.openUnit(overflow.next()) * (densities[layer - 1] - densities[layer])
            if height < f(x) { return x }
            let next = point(UInt32(truncatingIfNeeded: overflow.next()), entries)
            if next.underCore { return next.x }
            (layer, x) = (next.layer, next.x)
        }
    }
}

extension RandomStream {
    /// Fills `out[0], out[stride], …` (`count` values) with standard normal deviates by the
    /// ziggurat (`Ziggurat`), one 32-bit half of a word of this stream each, eight blocks at a
    /// time (`nextWordPairs`, 32 deviates): within a group of blocks b…b+7, deviate 32g + 2j + h
    /// takes half h (low first) of word j, where word i < 8 is block b+i's (x0, x1) and word 8 + i
    /// its (x2, x3) (so deviates 2i, 2i + 1 are x1, x0 of block i; 16 + 2i, 17 + 2i its x3, x2).
    /// This stream advances by exactly 8⌈count/32⌉ blocks whatever is drawn; the unused halves
    /// of a last partial group are dropped. The 0.43 % of points that the fast path rejects (the
    /// top layer's always) continue with words from `overflow`, in order of the deviates, so the
    /// deviates are a fixed function of the two streams' positions.
    public mutating func fillNormals(_ out: UnsafeMutablePointer<Double>, count: Int, stride: Int = 1,
                                     overflow: inout RandomWords) {
        guard count > 0 else { return }
        Ziggurat.entries.withUnsafeBufferPointer { table in
            withUnsafeTemporaryAllocation(of: SIMD8<UInt64>.self, capacity: 4) { groups in
                let entries = table.baseAddress!
                var current = 0
                (groups[0], groups[1]) = nextWordPairs()
                var k = 0
                while k < count {
                    // The next group's words are made before this group's are used, so the vector
                    // multiplies overlap the scalar loop, whose loads find data stored long before.
                    if k &+ 32 < count { (groups[2 &- current], groups[3 &- current]) = nextWordPairs() }
                    let words = UnsafeRawPointer(groups.baseAddress! + current)
                    for i in 0..<min(32, count &- k) {
                        #if _endian(little)
                        let offset = i &* 4
                        #else
                        let offset = (i ^ 1) &* 4
                        #endif
                        let half = words.load(fromByteOffset: offset, as: UInt32.self)
                        out[(k &+ i) &* stride] = Ziggurat.deviate(half, entries, &overflow)
                    }
                    current = 2 &- current
                    k &+= 32
                }
            }
        }
    }
}
