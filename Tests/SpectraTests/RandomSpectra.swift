#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

// Seeded samplers for the spectral-statistics tests: every random number comes from SplitMix64,
// so a failing test names its seed and reproduces exactly.

/// SplitMix64 (Steele, Lea, Flood, OOPSLA 2014, doi:10.1145/2660193.2660195): 64-bit state,
/// passes BigCrush; the reference constants of Vigna's C implementation.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform on (0, 1): the top 53 bits, shifted by half an ulp so 0 never occurs.
    mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) * 0x1p-53 }

    /// Standard normal by Box–Muller (one of the pair; simplicity over speed).
    mutating func normal() -> Double {
        let u = uniform(), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// Gamma(shape a, scale 1) by Marsaglia & Tsang, ACM TOMS 26 (2000) 363,
    /// doi:10.1145/358407.358414; for a < 1 via Gamma(a + 1)·U^{1/a}.
    mutating func gamma(shape a: Double) -> Double {
        if a < 1 { return gamma(shape: a + 1) * pow(uniform(), 1 / a) }
        let d = a - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat { x = normal(); v = 1 + c * x } while v <= 0
            v = v * v * v
            let u = uniform()
            if log(u) < x * x / 2 + d - d * v + d * log(v) { return d * v }
        }
    }

    /// A χ variate with k degrees of freedom, √(2·Gamma(k/2)).
    mutating func chi(degrees k: Double) -> Double { (2 * gamma(shape: k / 2)).squareRoot() }
}

/// Eigenvalues of the β-Hermite tridiagonal model, [sample][n], ascending.
///
/// H = (1/√2)·tridiag(diagonal N(0, 2), off-diagonals χ_{β(n−1)}, …, χ_β) has the joint
/// eigenvalue density ∝ Π|λ_i − λ_j|^β exp(−Σλ²/2) (Dumitriu & Edelman, J. Math. Phys. 43
/// (2002) 5830, doi:10.1063/1.1507823): GOE, GUE, GSE for β = 1, 2, 4, semicircle radius
/// √(2βn). Diagonalised densely with LinearAlgebra (dsyevd), one thread.
func betaHermiteSpectra(size n: Int, beta: Double, samples: Int, generator g: inout SplitMix64) -> [Double] {
    var batch = MatrixBatch(count: samples, rows: n, columns: n)
    let root2 = 2.0.squareRoot()
    for s in 0..<samples {
        let base = s * n * n
        for i in 0..<n { batch.elements[base + i * n + i] = g.normal() }  // N(0, 2)/√2
        for k in 1..<n {
            let c = g.chi(degrees: beta * Double(n - k)) / root2
            batch.elements[base + k * n + (k - 1)] = c
            batch.elements[base + (k - 1) * n + k] = c
        }
    }
    let spectra = Diagonalisation.symmetricEigenvalues(batch, threads: 1)
    precondition(spectra.isComplete, "β-Hermite diagonalisation failed")
    return spectra.values
}

/// Poisson levels: n sorted uniforms on [0, n) per sample (unit mean spacing), [sample][n].
func poissonSpectra(size n: Int, samples: Int, generator g: inout SplitMix64) -> [Double] {
    (0..<samples).flatMap { _ in (0..<n).map { _ in Double(n) * g.uniform() }.sorted() }
}

/// Mean of an array.
func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
