import LinearAlgebra
import RealModule

// Samplers shared by the density-fit tests; all draw from the seeded SplitMix64 of
// KolmogorovSmirnovTests.swift so every sample is a pure function of its seed.
extension SplitMix64 {
    /// A standard normal variate by Box–Muller (the cosine branch only; 1 − U avoids log 0).
    mutating func normal() -> Double {
        let u1 = 1 - uniform()
        let u2 = uniform()
        return (-2 * Double.log(u1)).squareRoot() * Double.cos(2 * Double.pi * u2)
    }

    /// A semicircle variate c + R·X, X the abscissa of a uniform point of the unit disc
    /// (rejection from the square; its marginal is (2/π)√(1 − x²)).
    mutating func semicircle(centre: Double, radius: Double) -> Double {
        while true {
            let x = 2 * uniform() - 1
            let y = 2 * uniform() - 1
            if x * x + y * y < 1 { return centre + radius * x }
        }
    }

    /// A Pareto variate x_min·U^{−1/(α − 1)}: density (α − 1)/x_min (x/x_min)^{−α} on [x_min, ∞).
    mutating func pareto(exponent alpha: Double, lowerCutoff xMin: Double) -> Double {
        xMin * Double.pow(1 - uniform(), -1 / (alpha - 1))
    }
}

/// Eigenvalues of an N × N GOE matrix with off-diagonal variance v and diagonal variance 2v,
/// whose spectrum tends to the semicircle of radius 2√(N v).
func goeEigenvalues(size n: Int, offDiagonalVariance v: Double, generator: inout SplitMix64) -> [Double] {
    var elements = [Double](repeating: 0, count: n * n)
    let s = v.squareRoot()
    for i in 0..<n {
        elements[i * n + i] = 2.0.squareRoot() * s * generator.normal()
        for j in 0..<i {
            let a = s * generator.normal()
            elements[i * n + j] = a
            elements[j * n + i] = a
        }
    }
    let batch = MatrixBatch(count: 1, rows: n, columns: n, elements: elements)
    return Diagonalisation.symmetricEigenvalues(batch, threads: 1)[0]
}

/// Eigenvalues of X = WᵀW/n for an n × p matrix W with i.i.d. N(0, σ²) entries; column 0 is
/// multiplied by √spike (population covariance σ² diag(spike, 1, …, 1)), spike = 1 for none.
func wishartEigenvalues(rows n: Int, columns p: Int, variance: Double, spike: Double = 1,
                        generator: inout SplitMix64) -> [Double] {
    var w = Matrix(rows: n, columns: p)
    let s = variance.squareRoot()
    for i in 0..<n {
        for j in 0..<p {
            w.elements[i * p + j] = s * generator.normal() * (j == 0 ? spike.squareRoot() : 1)
        }
    }
    var x = BLAS.multiply(w, w, transposeA: true)
    for k in x.elements.indices { x.elements[k] /= Double(n) }
    let batch = MatrixBatch(count: 1, rows: p, columns: p, elements: x.elements)
    return Diagonalisation.symmetricEigenvalues(batch, threads: 1)[0]
}

/// Mean and standard deviation (n − 1 denominator).
func meanAndStandardDeviation(_ x: [Double]) -> (mean: Double, sd: Double) {
    let n = Double(x.count)
    let mean = x.reduce(0, +) / n
    let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
    return (mean, variance.squareRoot())
}
