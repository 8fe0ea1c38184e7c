/// A value with its one-standard-deviation statistical error.
///
/// Every estimator in this module returns an `Estimate` so that an error bar travels with each
/// number into the output files (SPEC §4.5: "error bars in every output").
public struct Estimate: Sendable, Equatable, Codable {
    /// The central value (for jackknife estimates: the statistic on the full sample).
    public var value: Double
    /// The one-standard-deviation statistical error, ≥ 0.
    public var error: Double

    /// Creates an estimate from a value and its one-standard-deviation error.
    public init(value: Double, error: Double) {
        self.value = value
        self.error = error
    }
}

extension Estimate: CustomStringConvertible {
    /// `value ± error`, e.g. `1.7724 ± 0.0132`.
    public var description: String { "\(value) ± \(error)" }
}
