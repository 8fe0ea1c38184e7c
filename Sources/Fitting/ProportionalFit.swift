/// A weighted least-squares fit of y = a·x, a line through the origin.
///
/// Used for the linear scaling rule: measured ⟨S⟩ (or σ√π) against the predicted √(T·A)
/// across runs with different (α, |B|, ε), weighted by the jackknife errors (SPEC §4.5).
///
///   a = Σ(x y/σ²) / Σ(x²/σ²),   δa = 1/√Σ(x²/σ²),   χ² = Σ((y − a x)/σ)²,   dof = n − 1.
///
/// δa assumes the σ are correct; when χ²/dof is well above 1 the errors are underestimated
/// (or the model is wrong) and δa·√(χ²/dof) is the customary scaled error. Errors on x are
/// ignored. The χ² p-value assumes Gaussian y errors with known σ, which jackknife errors from
/// ensembles of hundreds of seeds approximate well.
///
/// Reference: P. R. Bevington and D. K. Robinson, *Data Reduction and Error Analysis for the
/// Physical Sciences*, 3rd ed. (McGraw-Hill, 2003), §6.3–6.4 and §11.1.
public struct ProportionalFit: Sendable, Equatable, Codable {
    /// The slope a with its one-standard-deviation error 1/√Σ(x²/σ²).
    public let slope: Estimate
    /// χ² = Σ((y − a x)/σ)² at the fitted slope.
    public let chiSquared: Double
    /// n − 1 (one fitted parameter).
    public let degreesOfFreedom: Int
    /// P(χ²_dof ≥ observed) = Q(dof/2, χ²/2); NaN when dof = 0 (a single point tests nothing).
    public let pValue: Double

    /// χ²/dof; NaN when dof = 0.
    public var chiSquaredPerDegree: Double {
        degreesOfFreedom > 0 ? chiSquared / Double(degreesOfFreedom) : .nan
    }

    /// The slope error scaled by √(χ²/dof) when that exceeds 1 (PDG practice), else δa.
    public var scaledSlopeError: Double {
        let scale = chiSquaredPerDegree
        return scale > 1 ? slope.error * scale.squareRoot() : slope.error
    }

    /// Fits y = a·x to points (x_i, y_i ± σ_i).
    ///
    /// Preconditions: equal counts ≥ 1; all values finite; σ_i > 0; some x_i ≠ 0. O(n).
    public init(x: [Double], y: [Double], yError: [Double]) {
        precondition(x.count == y.count && y.count == yError.count,
                     "ProportionalFit: \(x.count) x, \(y.count) y and \(yError.count) errors")
        precondition(!x.isEmpty, "ProportionalFit needs at least one point")
        precondition(yError.allSatisfy { $0 > 0 && $0.isFinite }, "ProportionalFit: errors must be positive and finite")
        precondition(x.allSatisfy(\.isFinite) && y.allSatisfy(\.isFinite), "ProportionalFit: x and y must be finite")
        var sxx = 0.0
        var sxy = 0.0
        for i in x.indices {
            let w = 1 / (yError[i] * yError[i])
            sxx += w * x[i] * x[i]
            sxy += w * x[i] * y[i]
        }
        precondition(sxx > 0, "ProportionalFit: all x are zero, the slope is undetermined")
        let a = sxy / sxx
        // χ² from the residuals, not from Σy²/σ² − a²Σx²/σ², which cancels catastrophically.
        var chiSquared = 0.0
        for i in x.indices {
            let pull = (y[i] - a * x[i]) / yError[i]
            chiSquared += pull * pull
        }
        let dof = x.count - 1
        self.slope = Estimate(value: a, error: 1 / sxx.squareRoot())
        self.chiSquared = chiSquared
        self.degreesOfFreedom = dof
        self.pValue = dof > 0 ? ChiSquared.survival(chiSquared, degreesOfFreedom: dof) : .nan
    }
}
