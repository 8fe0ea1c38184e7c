/// A model trained as an ensemble of independent seeds with identical hyper-parameters.
///
/// The whole per-seed training state (weights, persistent chains, optimiser moments …) is a flat
/// vector of `stateSize` Float64s. That state, plus the global step, must determine the rest of
/// the run exactly: everything else (data, quenched noise, mini-batch draws) is recomputed from
/// counter-based random streams. This is what makes `--resume` reproduce an uninterrupted run bit
/// for bit, and what lets the trainer split seeds over threads freely.
public protocol EnsembleModel: Sendable {
    /// Number of Float64s in one seed's state.
    var stateSize: Int { get }
    /// The matrices recorded at each snapshot, as views into the state.
    var recordedMatrices: [RecordedMatrix] { get }
    /// Matrices fixed during training but part of the model (e.g. the teacher), recorded once.
    var fixedMatrices: [FixedMatrix] { get }
    /// Total number of steps of a run.
    var totalSteps: Int { get }
    /// Steps per epoch (one pass over the fixed data set), for the `epoch` coordinate.
    var stepsPerEpoch: Int { get }

    /// Writes the state at step 0 of seed `seed`.
    func initialise(seed: Int, state: UnsafeMutableBufferPointer<Double>)
    /// Advances one seed's state through steps `step ..< step + count`; returns how the seed
    /// fared. A seed reported as not `.ok` is never advanced again.
    func advance(seed: Int, state: UnsafeMutableBufferPointer<Double>, from step: Int, count: Int) -> SeedStatus
    /// Training loss and gradient norm of one seed's state, recorded beside each snapshot.
    func measure(seed: Int, state: UnsafeBufferPointer<Double>) -> Measurement

    /// How many seeds `advance(seeds:states:from:count:)` advances at once to best effect
    /// (seeds in SIMD lanes); 1 for models without such a kernel.
    var seedGroupWidth: Int { get }
    /// Advances several seeds (at most `seedGroupWidth`, any of them, in any order) through the
    /// same steps, returning their statuses in order. Each seed's result must be bit-identical
    /// to `advance(seed:state:from:count:)` on it alone: which seeds share a group, and so the
    /// thread count, never changes a result; and advancing through [a, b) then [b, c) must equal
    /// advancing through [a, c) (the trainer splits intervals to balance threads). The default
    /// advances them one by one.
    func advance(seeds: [Int], states: [UnsafeMutableBufferPointer<Double>], from step: Int, count: Int) -> [SeedStatus]
}

extension EnsembleModel {
    public var seedGroupWidth: Int { 1 }

    public func advance(seeds: [Int], states: [UnsafeMutableBufferPointer<Double>], from step: Int, count: Int) -> [SeedStatus] {
        precondition(seeds.count == states.count, "one state per seed")
        return zip(seeds, states).map { advance(seed: $0, state: $1, from: step, count: count) }
    }
}

/// A matrix that is part of a seed's state and is recorded at every snapshot.
public struct RecordedMatrix: Sendable, Equatable {
    public let name: String
    public let rows: Int
    public let columns: Int
    /// Index of element (0, 0) in the state vector; elements are row-major from there.
    public let offset: Int

    public init(name: String, rows: Int, columns: Int, offset: Int) {
        self.name = name
        self.rows = rows
        self.columns = columns
        self.offset = offset
    }
}

/// A per-seed matrix that training does not change, such as the teacher a student learns.
public struct FixedMatrix: Sendable, Equatable {
    public let name: String
    /// The recorded matrix this one is the target of (for transforms such as W − W_teacher).
    public let target: String
    public let rows: Int
    public let columns: Int
    /// [seed][rows·columns], row-major.
    public let values: [Double]
    public let description: String

    public init(name: String, target: String, rows: Int, columns: Int, values: [Double], description: String) {
        self.name = name
        self.target = target
        self.rows = rows
        self.columns = columns
        self.values = values
        self.description = description
    }
}

/// Loss and gradient norm of one seed at one snapshot.
public struct Measurement: Sendable, Equatable {
    public var loss: Double
    public var gradientNorm: Double
    public init(loss: Double, gradientNorm: Double) {
        self.loss = loss
        self.gradientNorm = gradientNorm
    }
}

/// How a seed's training went. Stored per seed in the run file.
public enum SeedStatus: Sendable, Equatable, CustomStringConvertible {
    case ok
    /// The loss crossed the model's divergence threshold at this step; training stopped.
    case diverged(step: Int)
    /// The state became non-finite (NaN/Inf) at this step; training stopped.
    case failed(step: Int)

    public var isOK: Bool { self == .ok }

    /// "ok", "diverged at step k", "failed at step k": the text stored in run files.
    public var description: String {
        switch self {
        case .ok: "ok"
        case .diverged(let step): "diverged at step \(step)"
        case .failed(let step): "failed at step \(step)"
        }
    }

    /// Parses `description` back; nil for anything else.
    public init?(_ text: String) {
        if text == "ok" { self = .ok; return }
        let parts = text.split(separator: " ")
        guard parts.count == 4, parts[1] == "at", parts[2] == "step", let step = Int(parts[3]) else { return nil }
        switch parts[0] {
        case "diverged": self = .diverged(step: step)
        case "failed": self = .failed(step: step)
        default: return nil
        }
    }
}
