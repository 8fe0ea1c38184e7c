import RealModule

/// Standard normal deviates by Marsaglia and Tsang's ziggurat, in the 256-layer, 64-bit-word
/// form of NumPy's `Generator.standard_normal`: the fastest exact method, for models that draw
/// many deviates per step (the Gaussian RBM's chains).
///
/// **Method.** The area under f(x) = e^{−x²/2}, x ≥ 0, is covered by 256 layers of equal area v:
/// layer i ≥ 1 is the rectangle [0, xᵢ] × [f(xᵢ), f(xᵢ₋₁)] (x₀ = 0, x₂₅₅ = r), layer 0 the base
/// [0, r] × [0, f(r)] plus the tail beyond r. A word picks a layer (8 bits), a sign (1 bit) and a
/// point x uniform on the layer's width (52 bits); x < xᵢ₋₁ lies under the curve and is returned
/// at once (98.5 % of words). Otherwise layer i ≥ 1 accepts x if a uniform height in
/// [f(xᵢ), f(xᵢ₋₁)] falls below f(x) (the wedge), layer 0 samples the tail by Marsaglia's method;
/// a rejected point starts over with a fresh word. Exact in distribution up to the 52-bit
/// resolution of x and the rounding of the tables (each layer's area is v to about 1e-13,
/// `ZigguratTests`). G. Marsaglia, W. W. Tsang, J. Stat. Softw. 5(8) (2000); the 64-bit-word
/// layout after J. A. Doornik, "An improved ziggurat method to generate normal random samples"
/// (2005), and NumPy's 256-layer edge r; the tables are computed here from r.
///
/// **Randomness.** Unlike the quantile transform of `RandomStream.nextNormal`, a rejection method
/// consumes a variable number of draws. `fillNormals` therefore takes exactly one word of its
/// stream per deviate and draws everything a rejection needs from a second stream (as 64-bit
/// words, eight blocks at a time), so a model can still address a step's deviates by block index.
enum Ziggurat {
    /// One layer: the fast-path bound ⌊2⁵² xᵢ₋₁/xᵢ⌋ on the 52-bit magnitude, the scale xᵢ/2⁵²
    /// from magnitude to x, and f(xᵢ). For layer 0 the width is the base's equivalent v/f(r).
    struct Layer {
        var bound: UInt64
        var scale: Double
        var density: Double
    }

    /// x₂₅₅ = r, the right edge of the lowest rectangle (NumPy's `ziggurat_nor_r`), which closes
    /// the top layer at x = 0 for 256 layers.
    static let r = 3.6541528853610087963519472518

    /// v = r f(r) + ∫_r^∞ f: the area of every layer.
    static let layerArea = r * f(r) + (Double.pi / 2).squareRoot() * Double.erfc(r / 2.0.squareRoot())

    static func f(_ x: Double) -> Double { Double.exp(-0.5 * x * x) }

    /// The edges x₀ = 0, x₁, …, x₂₅₅ = r from the recurrence f(xᵢ₋₁) = f(xᵢ) + v/xᵢ (each layer's
    /// area v), run down from r.
    static let edges: [Double] = {
        var x = [Double](repeating: 0, count: 256)
        x[255] = r
        for i in stride(from: 255, to: 1, by: -1) {
            x[i - 1] = (-2 * Double.log(f(x[i]) + layerArea / x[i])).squareRoot()
        }
        x[0] = 0
        return x
    }()

    static let layers: [Layer] = (0..<256).map { i in
        let width = i == 0 ? layerArea / f(r) : edges[i]
        let inner = i == 0 ? r : edges[i - 1]
        return Layer(bound: UInt64(0x1p52 * inner / width), scale: width * 0x1p-52, density: f(edges[i]))
    }

    /// The point a word picks: its layer (bits 0–7), its signed x (sign: bit 8, magnitude:
    /// bits 12–63 times the layer's scale), and whether it lies under the curve's core.
    @inline(__always)
    static func point(_ word: UInt64, _ layers: UnsafePointer<Layer>) -> (layer: Int, x: Double, underCore: Bool) {
        let layer = Int(truncatingIfNeeded: word & 0xFF)
        let magnitude = word &>> 12
        let x = Double(bitPattern: (Double(Int64(bitPattern: magnitude)) * layers[layer].scale).bitPattern | (word & 0x100) &<< 55)
        return (layer, x, magnitude < layers[layer].bound)
    }

    /// The deviate of `word` if its point lies under the curve's core, else the ziggurat
    /// continued with draws from `overflow`.
    @inline(__always)
    static func deviate(_ word: UInt64, _ layers: UnsafePointer<Layer>, _ overflow: inout RandomWords) -> Double {
        let (layer, x, underCore) = point(word, layers)
        if underCore { return x }
        return rejected(layer: layer, x: x, layers, &overflow)
    }

    /// The rare rest of the ziggurat for a point outside layer `layer`'s core: the wedge test or
    /// the tail, then fresh words from `overflow` until one is accepted.
    @inline(never)
    static func rejected(layer: Int, x: Double, _ layers: UnsafePointer<Layer>, _ overflow: inout RandomWords) -> Double {
        var (layer, x) = (layer, x)
        while true {
            if layer == 0 {
                // Tail x > r: x = r + ξ with ξ ~ Exp(r) accepted with probability e^{−ξ²/2}.
                while true {
                    let u1 = RandomStream.openUnit(overflow.next()), u2 = RandomStream.openUnit(overflow.next())
                    let xi = -Double.log(u1) / r, y = -Double.log(u2)
                    if y + y > xi * xi { return x < 0 ? -(r + xi) : r + xi }
                }
            }
            let height = layers[layer].density + RandomStream.openUnit(overflow.next()) * (layers[layer - 1].density - layers[layer].density)
            if height < f(x) { return x }
            let next = point(overflow.next(), layers)
            if next.underCore { return next.x }
            (layer, x) = (next.layer, next.x)
        }
    }
}

extension RandomStream {
    /// Fills `out[0], out[stride], …` (`count` values) with standard normal deviates by the
    /// ziggurat (`Ziggurat`), one 64-bit word of this stream each, eight blocks at a time
    /// (`nextWordPairs`): deviate 16g + i of a group takes block i's (x0, x1) word, deviate
    /// 16g + 8 + i its (x2, x3) word. This stream advances by exactly 8⌈count/16⌉ blocks whatever is
    /// drawn. The 1.5 % of words that the fast path rejects (the top layer's always) continue
    /// with words from `overflow`, in order, so the deviates are a fixed function of the two
    /// streams' positions.
    public mutating func fillNormals(_ out: UnsafeMutablePointer<Double>, count: Int, stride: Int = 1,
                                     overflow: inout RandomWords) {
        guard count > 0 else { return }
        Ziggurat.layers.withUnsafeBufferPointer { table in
            withUnsafeTemporaryAllocation(of: SIMD8<UInt64>.self, capacity: 4) { groups in
                let layers = table.baseAddress!
                var current = 0
                (groups[0], groups[1]) = nextWordPairs()
                var k = 0
                while k < count {
                    // The next group's words are made before this group's are used, so the vector
                    // multiplies overlap the scalar loop, whose loads find data stored long before.
                    if k &+ 16 < count { (groups[2 &- current], groups[3 &- current]) = nextWordPairs() }
                    let words = UnsafeRawPointer(groups.baseAddress! + current)
                    for i in 0..<min(16, count &- k) {
                        out[(k &+ i) &* stride] = Ziggurat.deviate(words.load(fromByteOffset: i &* 8, as: UInt64.self), layers, &overflow)
                    }
                    current = 2 &- current
                    k &+= 16
                }
            }
        }
    }
}
