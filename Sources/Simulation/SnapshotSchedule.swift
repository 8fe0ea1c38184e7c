import RealModule

/// When a training run records its weights: a sorted list of steps that always contains step 0
/// and the final step.
public struct SnapshotSchedule: Sendable, Equatable {
    public let steps: [Int]

    /// Every `interval` steps (0, interval, 2·interval, …) plus the final step.
    public static func every(_ interval: Int, totalSteps: Int) -> SnapshotSchedule {
        precondition(interval > 0, "snapshot interval must be positive")
        return SnapshotSchedule(Array(stride(from: 0, through: totalSteps, by: interval)), totalSteps: totalSteps)
    }

    /// `count` steps spaced evenly in log(1 + step), for dynamics spanning decades of time.
    public static func logarithmic(_ count: Int, totalSteps: Int) -> SnapshotSchedule {
        precondition(count >= 2, "a logarithmic schedule needs at least 2 snapshots")
        let top = log1pDouble(Double(totalSteps))
        let steps = (0..<count).map { k in
            Int((expm1Double(top * Double(k) / Double(count - 1))).rounded())
        }
        return SnapshotSchedule(steps, totalSteps: totalSteps)
    }

    /// Exactly the listed steps, plus 0 and the final step; duplicates removed.
    public init(_ listed: [Int], totalSteps: Int) {
        precondition(totalSteps >= 0, "total steps must be non-negative")
        precondition(listed.allSatisfy { (0...totalSteps).contains($0) }, "snapshot steps must lie in 0...\(totalSteps)")
        steps = Array(Set(listed + [0, totalSteps])).sorted()
    }
}

// Foundation-free log1p/expm1 keep this module free of Foundation.
private func log1pDouble(_ x: Double) -> Double { (1 + x).isFinite ? Double.log(onePlus: x) : x }
private func expm1Double(_ x: Double) -> Double { Double.expMinusOne(x) }
