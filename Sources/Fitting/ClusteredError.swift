/// The cluster-robust (sandwich) standard error of a one-parameter maximum-likelihood estimate.
///
///   σ(θ̂) = √(Σ_c U_c²) / J,   U_c = Σ_{i∈c} ∂ ln p(x_i; θ)/∂θ at θ̂,   J = −Σ_i ∂² ln p/∂θ²,
///
/// for data in independent clusters whose members may be correlated (e.g. the spacings of one
/// spectrum). For independent values (clusters of one) it tends to the inverse-information
/// error 1/√J. It costs one pass over the data, where a jackknife over clusters refits once per
/// cluster. Needs many clusters (≳ 20) to be reliable. Returns NaN for J ≤ 0.
/// Reference: H. White, Econometrica 50 (1982) 1, doi:10.2307/1912526; K.-Y. Liang and
/// S. L. Zeger, Biometrika 73 (1986) 13, doi:10.1093/biomet/73.1.13.
public enum ClusteredError {
    /// `scores`: U_c per cluster; `information`: J. O(clusters).
    public static func of(scores: [Double], information: Double) -> Double {
        guard information > 0, information.isFinite else { return .nan }
        return scores.reduce(0) { $0 + $1 * $1 }.squareRoot() / information
    }
}
