#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Fitting

/// Maximum-likelihood fit of a Coulomb gas in a harmonic potential to an ensemble of spectra
/// (SPEC §1 and §4.3): the stationary state of Dyson Brownian motion,
///
///   P(x_1, …, x_n) = Z⁻¹ Π_{i<j} |x_i − x_j|^β exp(−Σ_i (x_i − c)²/(2T)),
///
/// with Dyson index β, temperature T and centre c. The normalisation is Mehta's integral
/// (Mehta, *Random Matrices*, 3rd ed. (2004), eq. 17.6.7, with x = c + √T y):
///
///   Z(β, T) = T^{n/2 + βn(n−1)/4} (2π)^{n/2} Π_{j=1}^{n} Γ(1 + jβ/2)/Γ(1 + β/2).
///
/// For M spectra with L = Σ_spectra Σ_{i<j} ln|x_i − x_j| and Q = Σ (x − c)² over all levels,
/// ℓ = βL − Q/(2T) − M ln Z. The stationarity conditions give ĉ = the mean level (the
/// Vandermonde factor is translation invariant) and T̂(β) = Q/(M(n + βn(n − 1)/2)); the
/// profile ℓ(β, T̂(β), ĉ) is maximised over β ∈ (0, 64] by a scan refined by golden-section
/// search. Errors: the inverse of the observed information (a central-difference Hessian of ℓ
/// in (β, T, c)), valid because the spectra are independent. The β-Hermite ensembles
/// (Dumitriu & Edelman, J. Math. Phys. 43 (2002) 5830, doi:10.1063/1.1507823) are exact
/// samples with T = 1, c = 0 in this convention; a GOE with off-diagonal variance σ² has β = 1,
/// T = σ².
public struct CoulombGasFit: Sendable, Equatable, Codable {
    public let beta: Estimate
    public let temperature: Estimate
    public let centre: Estimate
    /// Covariance of (β, T, c).
    public let covariance: [[Double]]
    public let logLikelihood: Double
    /// Spectra used (all of whose levels were finite and distinct).
    public let spectra: Int

    /// Fits spectra stored row-major as [sample][level]. Rows with a non-finite level or two
    /// equal levels are skipped. Preconditions: levelCount ≥ 2 and levels.count a multiple of
    /// it; callers check that at least 2 rows are usable (``usableSpectra(_:levelCount:)``).
    /// O(M n² + 200 M-independent evaluations).
    public init(_ levels: [Double], levelCount n: Int) {
        precondition(n >= 2 && levels.count % n == 0, "CoulombGasFit: levels do not fill whole samples of \(n) ≥ 2")
        let rows = Self.usableRows(levels, levelCount: n)
        precondition(rows.count >= 2, "CoulombGasFit: \(rows.count) usable spectra, need at least 2")
        let m = Double(rows.count), size = Double(n)
        var logSum = 0.0, sum = 0.0, sumSquares = 0.0
        for row in rows {
            for i in 0..<n {
                sum += row[i]
                sumSquares += row[i] * row[i]
                for j in (i + 1)..<n { logSum += log(abs(row[j] - row[i])) }
            }
        }
        let count = m * size
        /// ℓ(β, T, c) from the sufficient statistics (L, Σx, Σx²).
        func ell(_ beta: Double, _ t: Double, _ c: Double) -> Double {
            let q = sumSquares - 2 * c * sum + count * c * c
            var logZ = (size / 2 + beta * size * (size - 1) / 4) * log(t) + size / 2 * log(2 * Double.pi)
            for j in 1...n { logZ += lgamma(1 + Double(j) * beta / 2) - lgamma(1 + beta / 2) }
            return beta * logSum - q / (2 * t) - m * logZ
        }
        let centre = sum / count
        let spread = sumSquares - count * centre * centre
        func temperature(_ beta: Double) -> Double { spread / (m * (size + beta * size * (size - 1) / 2)) }
        func profile(_ beta: Double) -> Double { ell(beta, temperature(beta), centre) }
        // β ∈ [10⁻³, 64], scanned in log β, located to 10⁻¹⁰ (far below any statistical error).
        let beta = GoldenSection.maximise(profile, grid: (0...128).map { 1e-3 * pow(64e3, Double($0) / 128) }, tolerance: 1e-10)
        let t = temperature(beta)
        let x = [beta, t, centre]
        let steps = [1e-4 * Swift.max(beta, 1e-2), 1e-4 * t, 1e-4 * t.squareRoot()]
        func at(_ shift: [Double]) -> Double { ell(x[0] + shift[0], x[1] + shift[1], x[2] + shift[2]) }
        var hessian = [[Double]](repeating: [0, 0, 0], count: 3)
        for a in 0..<3 {
            for b in 0..<3 {
                var pp = [0.0, 0, 0], pm = [0.0, 0, 0], mp = [0.0, 0, 0], mm = [0.0, 0, 0]
                pp[a] += steps[a]; pp[b] += steps[b]
                pm[a] += steps[a]; pm[b] -= steps[b]
                mp[a] -= steps[a]; mp[b] += steps[b]
                mm[a] -= steps[a]; mm[b] -= steps[b]
                hessian[a][b] = (at(pp) - at(pm) - at(mp) + at(mm)) / (4 * steps[a] * steps[b])
            }
        }
        covariance = Self.inverse3(hessian.map { $0.map { -$0 } })
        self.beta = Estimate(value: beta, error: covariance[0][0].squareRoot())
        self.temperature = Estimate(value: t, error: covariance[1][1].squareRoot())
        self.centre = Estimate(value: centre, error: covariance[2][2].squareRoot())
        logLikelihood = ell(beta, t, centre)
        spectra = rows.count
    }

    /// The number of rows the fit can use: finite levels, no two equal.
    public static func usableSpectra(_ levels: [Double], levelCount n: Int) -> Int {
        usableRows(levels, levelCount: n).count
    }

    private static func usableRows(_ levels: [Double], levelCount n: Int) -> [[Double]] {
        stride(from: 0, to: levels.count, by: n).map { Array(levels[$0..<($0 + n)]) }.filter { row in
            row.allSatisfy(\.isFinite) && Set(row).count == n
        }
    }

    /// The inverse of a symmetric 3 × 3 matrix by cofactors.
    private static func inverse3(_ h: [[Double]]) -> [[Double]] {
        let c00 = h[1][1] * h[2][2] - h[1][2] * h[2][1], c01 = h[1][2] * h[2][0] - h[1][0] * h[2][2]
        let c02 = h[1][0] * h[2][1] - h[1][1] * h[2][0]
        let det = h[0][0] * c00 + h[0][1] * c01 + h[0][2] * c02
        let c11 = h[0][0] * h[2][2] - h[0][2] * h[2][0], c12 = h[0][2] * h[1][0] - h[0][0] * h[1][2]
        let c22 = h[0][0] * h[1][1] - h[0][1] * h[1][0]
        return [[c00, c01, c02], [c01, c11, c12], [c02, c12, c22]].map { $0.map { $0 / det } }
    }
}
