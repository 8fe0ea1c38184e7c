/// Drift and noise of the Langevin equation that SGD induces on X = WWᵀ, in the eigenbasis of
/// X, and the ordered/disordered classifier built from them (SPEC §2.4; Aarts, Lucini, Park et
/// al., arXiv:2509.01349).
///
/// **Definitions.** W ∈ ℝ^{K×L} with per-sample loss gradients G_n = ∂ℓ_n/∂W (n = 1 … N, the
/// whole fixed data set). An SGD step W ← W − α G changes X = WWᵀ by −α δX + O(α²) with
///
///   δX_n = W G_nᵀ + G_n Wᵀ  (K × K, symmetric).
///
/// Let X = O diag(x) Oᵀ with the eigenvalues **descending**, x₀ ≥ x₁ ≥ … ≥ x_{K−1}, and
/// δX̃_n = Oᵀ δX_n O. Then
///
///   𝒦_ij = (1/N) Σ_n δX̃_n,ij           (drift),
///   𝒱_ij = (1/N) Σ_n (δX̃_n,ij − 𝒦_ij)²  (noise: the population variance over the data set).
///
/// In time t = α · steps a mini-batch of |B| samples gives per step the noise variance
/// α² 𝒱_ij/|B|, i.e. T 𝒱_ij per unit time with T = α/|B|; second-order perturbation theory
/// then gives the Dyson Brownian motion of the eigenvalues
///
///   dx_i = −𝒦_ii dt + T Σ_{j≠i} 𝒱_ij/(x_i − x_j) dt + √(2T 𝒱_ii) dB_i.
///
/// Eigenvector signs are arbitrary: they flip the sign of off-diagonal 𝒦_ij only; the diagonal
/// of 𝒦 and all of 𝒱 are basis-sign invariant.
///
/// Complexity: O(N (K²L + K³)) for N per-sample gradients; O(K²) memory.
public struct LangevinDrift: Sendable, Equatable {
    /// K, the rows of W and the order of X.
    public let levels: Int
    /// L, the columns of W.
    public let columns: Int
    /// Eigenvalues of X = WWᵀ, descending.
    public let eigenvalues: [Double]
    /// 𝒦 in the eigenbasis, K × K row-major.
    public let drift: [Double]
    /// 𝒱 in the eigenbasis, K × K row-major.
    public let noise: [Double]
    /// N, the number of per-sample gradients averaged.
    public let samples: Int

    /// Accumulates drift and noise from the per-sample gradients that `gradients` hands to its
    /// body, one K × L row-major matrix at a time.
    ///
    /// - Parameters:
    ///   - weights: W, K × L row-major.
    ///   - eigenvalues: eigenvalues of X = WWᵀ, **ascending** (as LAPACK returns them).
    ///   - eigenvectors: the matching eigenvectors, K × K row-major, column i for value i.
    /// - Precondition: at least one gradient; sizes consistent.
    public init(weights: [Double], rows k: Int, columns l: Int, eigenvalues: [Double], eigenvectors: [Double],
                gradients: ((UnsafeBufferPointer<Double>) -> Void) -> Void) {
        precondition(k >= 2 && l >= 1 && weights.count == k * l, "LangevinDrift: W must be K × L with K ≥ 2")
        precondition(eigenvalues.count == k && eigenvectors.count == k * k, "LangevinDrift: need K eigenvalues and K × K eigenvectors")
        // O with descending eigenvalues: column i of O is column K − 1 − i of the input.
        var o = [Double](repeating: 0, count: k * k)
        for r in 0..<k { for i in 0..<k { o[r * k + i] = eigenvectors[r * k + (k - 1 - i)] } }
        var mean = [Double](repeating: 0, count: k * k)
        var m2 = [Double](repeating: 0, count: k * k)
        var p = [Double](repeating: 0, count: k * k)
        var q = [Double](repeating: 0, count: k * k)
        var count = 0
        gradients { g in
            precondition(g.count == k * l, "LangevinDrift: a gradient must be K × L")
            // P = W Gᵀ; δX = P + Pᵀ.
            for a in 0..<k {
                for b in 0..<k {
                    var sum = 0.0
                    for j in 0..<l { sum += weights[a * l + j] * g[b * l + j] }
                    p[a * k + b] = sum
                }
            }
            for a in 0..<k { for b in a..<k { let s = p[a * k + b] + p[b * k + a]; p[a * k + b] = s; p[b * k + a] = s } }
            // Q = δX O, then δX̃ = Oᵀ Q (stored back in p).
            for a in 0..<k {
                for i in 0..<k {
                    var sum = 0.0
                    for b in 0..<k { sum += p[a * k + b] * o[b * k + i] }
                    q[a * k + i] = sum
                }
            }
            count += 1
            let weight = 1 / Double(count)
            for i in 0..<k {
                for j in 0..<k {
                    var sum = 0.0
                    for a in 0..<k { sum += o[a * k + i] * q[a * k + j] }
                    // Welford's update: no cancellation when |𝒦| ≫ √𝒱.
                    let delta = sum - mean[i * k + j]
                    mean[i * k + j] += delta * weight
                    m2[i * k + j] += delta * (sum - mean[i * k + j])
                }
            }
        }
        precondition(count > 0, "LangevinDrift: needs at least one per-sample gradient")
        levels = k
        columns = l
        self.eigenvalues = eigenvalues.reversed()
        // δX̃ is symmetric sample by sample, so are its mean and variance; symmetrise the last bits.
        var drift = mean, noise = m2.map { $0 / Double(count) }
        for i in 0..<k {
            for j in (i + 1)..<k {
                let d = 0.5 * (drift[i * k + j] + drift[j * k + i]); drift[i * k + j] = d; drift[j * k + i] = d
                let v = 0.5 * (noise[i * k + j] + noise[j * k + i]); noise[i * k + j] = v; noise[j * k + i] = v
            }
        }
        self.drift = drift
        self.noise = noise
        samples = count
    }

    /// r = L/K, the aspect ratio of W.
    public var aspectRatio: Double { Double(columns) / Double(levels) }

    /// The drift spread (|𝒦₀₀| − |𝒦_{K−1,K−1}|)/(√r (K − 1)): the difference of the drifts of
    /// the largest and smallest eigenvalue per level of the spectrum (SPEC §2.4).
    public var driftSpread: Double {
        (abs(drift[0]) - abs(drift[levels * levels - 1])) / (aspectRatio.squareRoot() * Double(levels - 1))
    }

    /// 𝒱̄_d = mean_{i} 𝒱_{i,i+d}, the mean noise variance of level pairs d apart (d = 1 … K − 1).
    public var meanNoiseAtDistance: [Double] {
        (1..<levels).map { d in
            var sum = 0.0
            for i in 0..<(levels - d) { sum += noise[i * levels + i + d] }
            return sum / Double(levels - d)
        }
    }

    /// The Coulomb sum Σ_{d=1}^{K−1} 𝒱̄_d / d: the Dyson Brownian motion's repulsion
    /// Σ_{j≠i} 𝒱_ij/(x_i − x_j) with the level distances x_i − x_j replaced by d ū for levels d
    /// apart, times the mean spacing ū, and 𝒱_ij by its mean over pairs d apart.
    public var coulombSum: Double {
        meanNoiseAtDistance.enumerated().reduce(0) { $0 + $1.element / Double($1.offset + 1) }
    }

    /// ū_MP = 4σ_W²/(√r (K − 1)): the mean spacing of the Marchenko–Pastur spectrum of WWᵀ at
    /// initialisation W ~ N(0, σ_W²/L), whose support [σ_W²(1 − 1/√r)², σ_W²(1 + 1/√r)²] has width
    /// 4σ_W²/√r (Marchenko & Pastur, Math. USSR Sb. 1, 457 (1967)).
    public func marchenkoPasturSpacing(initialWidth: Double) -> Double {
        4 * initialWidth * initialWidth / (aspectRatio.squareRoot() * Double(levels - 1))
    }

    /// The Coulomb scale T · coulombSum / ū_MP that the drift spread is compared with.
    public func coulombScale(temperature: Double, initialWidth: Double) -> Double {
        temperature * coulombSum / marchenkoPasturSpacing(initialWidth: initialWidth)
    }

    /// *Ordered* when the drift spread is at least the Coulomb scale: the loss's drift that
    /// separates the levels beats the repulsion the SGD noise (temperature T = α/|B|) produces.
    public func isOrdered(temperature: Double, initialWidth: Double) -> Bool {
        driftSpread >= coulombScale(temperature: temperature, initialWidth: initialWidth)
    }
}
