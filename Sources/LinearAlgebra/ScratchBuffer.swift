/// A fixed-size, 64-byte-aligned scratch array owned by one worker; freed when it goes out of
/// scope.
///
/// Every matrix is copied into the same aligned scratch before LAPACK sees it, so OpenBLAS
/// kernels (whose loop peeling can depend on pointer alignment) take the same path for every
/// matrix whichever worker solves it and wherever the caller's arrays happen to live. That is
/// what makes batched results bit-identical for any thread count.
struct ScratchBuffer<Element: BitwiseCopyable>: ~Copyable {
    /// First element; valid for `count` elements (at least one is always allocated, so the
    /// pointer may be handed to LAPACK as a dummy argument even when `count == 0`).
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(count: Int, initialValue: Element) {
        precondition(count >= 0, "ScratchBuffer: negative count \(count)")
        let capacity = max(1, count)
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: capacity * MemoryLayout<Element>.stride, alignment: 64)
        base = raw.bindMemory(to: Element.self, capacity: capacity)
        base.initialize(repeating: initialValue, count: capacity)
        self.count = count
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }
}

/// `true` when none of the `count` values at `p` is NaN or ±∞.
///
/// Branch-free: `x · 0` is `±0` for finite `x` and NaN for NaN or ±∞, and a sum of zeros stays
/// zero, so the sum is NaN exactly when some entry is non-finite. Complexity O(count).
@inline(__always)
func allFinite(_ p: UnsafePointer<Double>, count: Int) -> Bool {
    var sum = 0.0
    for i in 0..<count { sum += p[i] * 0 }
    return !sum.isNaN
}
