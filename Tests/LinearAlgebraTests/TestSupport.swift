import LinearAlgebra

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Machine epsilon of `Double`, `2⁻⁵²`.
let eps = Double.ulpOfOne

/// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014, doi:10.1145/2660193.2660195): a tiny
/// deterministic generator so every test matrix is a pure function of its seed. The project's
/// real RNG lives elsewhere; this one only has to be reproducible and roughly uniform.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in the open interval (0, 1): 53 random bits, offset by half a step.
    mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// Standard normal by Box–Muller (one of the pair; simplicity over speed).
    mutating func normal() -> Double {
        let u1 = uniform(), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// An `m × n` matrix of independent standard normals.
func gaussianMatrix(_ m: Int, _ n: Int, rng: inout SplitMix64) -> Matrix {
    Matrix(rows: m, columns: n, elements: (0 ..< m * n).map { _ in rng.normal() })
}

/// A GOE-like symmetric `n × n` matrix, `(G + Gᵀ)/2` with `G` Gaussian.
func symmetricMatrix(_ n: Int, rng: inout SplitMix64) -> Matrix {
    let g = gaussianMatrix(n, n, rng: &rng)
    var s = Matrix(rows: n, columns: n)
    for i in 0 ..< n { for j in 0 ..< n { s[i, j] = (g[i, j] + g[j, i]) / 2 } }
    return s
}

/// A batch of `count` symmetric `n × n` matrices from one seed.
func symmetricBatch(count: Int, n: Int, seed: UInt64) -> MatrixBatch {
    var rng = SplitMix64(seed: seed)
    return MatrixBatch((0 ..< count).map { _ in symmetricMatrix(n, rng: &rng) })
}

/// A batch of `count` Gaussian `m × n` matrices from one seed.
func gaussianBatch(count: Int, rows m: Int, columns n: Int, seed: UInt64) -> MatrixBatch {
    var rng = SplitMix64(seed: seed)
    return MatrixBatch((0 ..< count).map { _ in gaussianMatrix(m, n, rng: &rng) })
}

/// Reference product `op(A) op(B)` by the textbook triple loop, independent of BLAS.
func naiveProduct(_ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false) -> Matrix {
    let opA = transposeA ? naiveTranspose(a) : a
    let opB = transposeB ? naiveTranspose(b) : b
    precondition(opA.columns == opB.rows)
    var c = Matrix(rows: opA.rows, columns: opB.columns)
    for i in 0 ..< opA.rows {
        for j in 0 ..< opB.columns {
            var sum = 0.0
            for l in 0 ..< opA.columns { sum += opA[i, l] * opB[l, j] }
            c[i, j] = sum
        }
    }
    return c
}

/// Reference transpose by index swapping.
func naiveTranspose(_ a: Matrix) -> Matrix {
    var t = Matrix(rows: a.columns, columns: a.rows)
    for i in 0 ..< a.rows { for j in 0 ..< a.columns { t[j, i] = a[i, j] } }
    return t
}

/// Frobenius norm `‖A‖_F = (Σ aᵢⱼ²)^½`.
func frobeniusNorm(_ a: Matrix) -> Double {
    a.elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
}

/// Largest absolute elementwise difference.
func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// A random `n × n` orthogonal matrix as a product of `n` Householder reflectors
/// `H = I − 2 v vᵀ / (vᵀ v)` with Gaussian `v`, built without LAPACK.
func householderOrthogonal(_ n: Int, rng: inout SplitMix64) -> Matrix {
    var q = Matrix.identity(n)
    for _ in 0 ..< n {
        let v = (0 ..< n).map { _ in rng.normal() }
        let vv = v.reduce(0) { $0 + $1 * $1 }
        // Q ← Q H = Q − (2/vᵀv) (Q v) vᵀ
        var qv = [Double](repeating: 0, count: n)
        for i in 0 ..< n { for j in 0 ..< n { qv[i] += q[i, j] * v[j] } }
        for i in 0 ..< n { for j in 0 ..< n { q[i, j] -= 2 / vv * qv[i] * v[j] } }
    }
    return q
}

/// Bit patterns, for "bit-identical" comparisons that also treat equal NaNs as equal.
func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }
