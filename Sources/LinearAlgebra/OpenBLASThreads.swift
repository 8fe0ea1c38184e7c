import CLAPACK
import Dispatch

/// Serialised control of OpenBLAS's process-global thread count.
///
/// `openblas_set_num_threads` changes one global for the whole process, so two batch
/// computations that each set it would race. Every batch therefore runs inside ``with(_:_:)``,
/// which holds a process-wide lock for its duration, sets the count, and restores the previous
/// count afterwards. Batches from concurrent tasks are thus run one after another (each already
/// uses all the threads it was given). Not reentrant: never nest calls.
enum OpenBLASThreads {
    /// Binary semaphore guarding the global. (`DispatchSemaphore` keeps the module free of
    /// Foundation and of the macOS-15-only `Synchronization.Mutex`.)
    private static let lock = DispatchSemaphore(value: 1)

    /// Runs `body` with OpenBLAS limited to `threads` threads, then restores the previous count.
    static func with<Result>(_ threads: Int, _ body: () throws -> Result) rethrows -> Result {
        lock.wait()
        defer { lock.signal() }
        let previous = openblas_get_num_threads()
        openblas_set_num_threads(Int32(clamping: threads))
        defer { openblas_set_num_threads(previous) }
        return try body()
    }

    /// Sets the count outside any batch (waits for a running batch to finish first).
    static func set(_ threads: Int) {
        lock.wait()
        defer { lock.signal() }
        openblas_set_num_threads(Int32(clamping: threads))
    }

    /// The current OpenBLAS thread count.
    static var current: Int { Int(openblas_get_num_threads()) }
}
