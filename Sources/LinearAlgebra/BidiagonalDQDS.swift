/// Singular values of a real upper bidiagonal matrix by the dqds algorithm (differential
/// quotient-difference with shifts, positive case), values only, written in Swift so that two
/// problems can be advanced in lockstep.
///
/// With `B` having diagonal `d` and superdiagonal `e`, the qd array `qᵢ = dᵢ²`, `fᵢ = eᵢ²`
/// represents `BBᵀ`; one dqds transform with shift `τ < λ_min`
///
///     t = q₀ − τ;  for i: q̂ᵢ = t + fᵢ,  r = qᵢ₊₁ / q̂ᵢ,  f̂ᵢ = fᵢ r,  t = t r − τ;  q̂ₙ₋₁ = t
///
/// maps it to the array of `BBᵀ − τ I` using only positive quantities, so every σ is found to
/// high relative accuracy (Fernando & Parlett, Numer. Math. 67, 191 (1994),
/// doi:10.1007/s002110050024; Parlett & Marques, Linear Algebra Appl. 309, 217 (2000),
/// doi:10.1016/S0024-3795(00)00010-2). The control logic follows LAPACK `dlasq2`/`dlasq3`:
/// deflation when `fₙ₋₂ ≤ tol² (σ + qₙ₋₁)` or `fₙ₋₂ ≤ tol² qₙ₋₂` (tol = 100ε) — and, added
/// here, when dropping `fₙ₋₂` moves every eigenvalue by at most 2ε relative (below), which saves
/// about one transform per value — the closed-form 2 × 2 block, splits at `fᵢ ≤ tol² qᵢ` or
/// `fᵢ ≤ tol² σ` (tracked inside the transform loop) with the accumulated shift `σ` kept per
/// segment, and shifts from the `dlasq4` cases that need no history (`dmin = dₙ`: a
/// second-order estimate of the bottom eigenvalue; otherwise a growing fraction of `dmin`). A
/// transform that makes some `t < 0` is discarded and retried with `τ/4`, then `τ = 0` (dqd,
/// which cannot fail). The sweep count is like LAPACK's (≈ 74 transforms for a 16 × 16
/// bidiagonal of a 32 × 16 Gaussian matrix against 72 `dlasq5` calls, counted with
/// callgrind; 66 with the extra deflation test); each transform step is a latency chain of +, ÷, ×, −, which is why two problems
/// are interleaved (``bidiagonalSingularValues(_:_:_:_:count:work:)``).
///
/// `B` is first divided by its largest entry, so squares do not overflow; entries below
/// ~1e-154 of the largest may underflow when squared, which perturbs σ by less than
/// 1e-154 ‖B‖. Results: σ ascending, absolute error `O(ε ‖B‖)` (relative `O(n ε)` for values
/// not affected by underflow).
struct DQDSProblem {
    /// The current qd array and the one a transform writes (swapped on acceptance). Outside
    /// the active segment both hold the same values (copied at every split), so swapping never
    /// exposes stale entries.
    private var q, f, qNext, fNext: UnsafeMutablePointer<Double>
    private let pivots, segmentSigma: UnsafeMutablePointer<Double>
    /// Receives the eigenvalues of `BBᵀ` (scaled) by index, then σ ascending.
    private let output: UnsafeMutablePointer<Double>
    private let n: Int
    private var scale = 0.0
    /// Current segment `lo...hi`, its accumulated shift, and the next shift.
    private(set) var lo = 0, hi = 0
    private(set) var tau = 0.0
    private var sigma = 0.0
    private var newSegment = true
    private var havePivots = false
    private var fraction = 0.25, previousWasFraction = false
    private var sweeps = 0, failures = 0
    /// Smallest pivot of the last accepted transform, valid while `hi` is where it was then.
    private var lastDmin = 0.0, lastHi = -1
    private(set) var info: Int32 = 0

    static let tolerance2: Double = { let tol = 100 * Double.ulpOfOne; return tol * tol }()

    /// Workspace doubles needed for order `n`.
    static func workspace(_ n: Int) -> Int { 6 * max(n, 1) }

    /// Sets up the problem for `d[0..<n]`, `e[0..<n-1]` (read here, not kept). `output` gets the
    /// `n` singular values ascending after ``finish()``.
    init(d: UnsafePointer<Double>, e: UnsafePointer<Double>, count n: Int,
         work: UnsafeMutablePointer<Double>, output: UnsafeMutablePointer<Double>) {
        let m = max(n, 1)
        q = work; f = work + m; qNext = work + 2 * m; fNext = work + 3 * m
        pivots = work + 4 * m; segmentSigma = work + 5 * m
        self.output = output
        self.n = n
        for i in 0..<n { scale = max(scale, abs(d[i])) }
        for i in 0..<max(n - 1, 0) { scale = max(scale, abs(e[i])) }
        hi = n - 1
        guard scale > 0 else { hi = -1; return }
        let inverse = 1 / scale
        for i in 0..<n { let x = d[i] * inverse; q[i] = x * x; segmentSigma[i] = -1 }  // −1: not split off yet
        for i in 0..<(n - 1) { let x = e[i] * inverse; f[i] = x * x }
        f[n - 1] = 0
        qNext.update(from: q, count: n)
        fNext.update(from: f, count: n)
    }

    /// Deflates converged values at the bottom and, if any remain, chooses the next shift.
    /// Returns `true` when a transform of `lo...hi` with shift ``tau`` is wanted.
    mutating func prepare() -> Bool {
        let tol2 = Self.tolerance2
        while hi >= 0 {
            if newSegment {
                // The unreduced segment ending at hi; its shift was recorded when it split off.
                if segmentSigma[hi] >= 0 { sigma = segmentSigma[hi] }
                lo = hi
                while lo > 0 && !(f[lo - 1] <= tol2 * q[lo - 1] || f[lo - 1] <= tol2 * sigma) { lo -= 1 }
                if lo > 0 && segmentSigma[lo - 1] < 0 { segmentSigma[lo - 1] = sigma }
                newSegment = false
                havePivots = false
                fraction = 0.25
                previousWasFraction = false
                sweeps = 0
            }
            if hi == lo {
                output[hi] = q[hi] + sigma
                hi -= 1
                newSegment = true
                continue
            }
            if f[hi - 1] <= tol2 * (sigma + q[hi]) || f[hi - 1] <= tol2 * q[hi - 1] || belowShift(hi - 1) {
                output[hi] = q[hi] + sigma
                hi -= 1
                continue
            }
            if hi == lo + 1 || f[hi - 2] <= tol2 * sigma || f[hi - 2] <= tol2 * q[hi - 2] || belowShift(hi - 2) {
                deflatePair()
                hi -= 2
                if hi < lo { newSegment = true }
                continue
            }
            chooseShift()
            failures = 0
            return true
        }
        return false
    }

    /// Whether dropping `f[i]` changes every eigenvalue of the segment by at most `2εσ`, i.e. by
    /// at most `2ε` relative (the accumulated shift σ is below all of them): dropping it changes
    /// `BBᵀ` by `[[fᵢ, √(fᵢ qᵢ₊₁)], [√(fᵢ qᵢ₊₁), 0]]`, of norm ≤ `fᵢ + √(fᵢ qᵢ₊₁)` (Weyl).
    @inline(__always)
    private func belowShift(_ i: Int) -> Bool {
        let bound = Double.ulpOfOne * sigma
        return f[i] <= bound && f[i] * q[i + 1] <= bound * bound
    }

    /// The two eigenvalues of the bottom 2 × 2 block `(q[hi−1], f[hi−1], q[hi])` (trace
    /// `q₁ + q₂ + f`, determinant `q₁q₂`), as LAPACK `dlasq3`: the larger without cancellation,
    /// the smaller from the determinant.
    private func deflatePair() {
        var a = q[hi - 1], b = q[hi]
        let c = f[hi - 1]
        if b > a { swap(&a, &b) }
        let t = 0.5 * ((a - b) + c)
        if c > b * Self.tolerance2 && t != 0 {
            var s = b * (c / t)
            if s <= t {
                s = b * (c / (t * (1 + (1 + s / t).squareRoot())))
            } else {
                s = b * (c / (t + t.squareRoot() * (t + s).squareRoot()))
            }
            let larger = a + (s + c)
            b *= a / larger
            a = larger
        }
        output[hi - 1] = a + sigma
        output[hi] = b + sigma
    }

    /// Shift from the pivots of the last transform (a segment of at least 3): `dlasq4` cases 2–3
    /// when the smallest pivot is the last, case 6 otherwise; 0 after a split (no pivots).
    private mutating func chooseShift() {
        tau = 0
        guard havePivots else { return }
        let dn = pivots[hi]
        var dmin = dn
        if hi == lastHi {
            dmin = lastDmin
        } else {
            for i in lo..<hi { dmin = min(dmin, pivots[i]) }
        }
        if dmin == dn {
            let b1 = (q[hi] * f[hi - 1]).squareRoot(), b2 = (q[hi - 1] * f[hi - 2]).squareRoot()
            let a2 = q[hi - 1] + f[hi - 1]
            let gap = a2 - dn - (b1 + b2)
            if gap > 0 && gap > b1 {
                tau = max(dn - (b1 / gap) * b1, 0.5 * dmin)
            } else {
                tau = dn > b1 ? dn - b1 : 0
                if a2 > b1 + b2 { tau = min(tau, a2 - (b1 + b2)) }
                tau = max(tau, dmin / 3)
            }
            fraction = 0.25
            previousWasFraction = false
        } else {
            if previousWasFraction { fraction += (1 - fraction) / 3 }
            tau = fraction * dmin
            previousWasFraction = true
        }
        if !(tau >= 0) { tau = 0 }
    }

    /// `tol² (σ + τ)`: the accumulated shift after the pending transform, scaled for the split test.
    var splitBound: Double { Self.tolerance2 * (sigma + tau) }

    /// The split test of `dlasq2`: `f̂ᵢ ≤ tol² q̂ᵢ` or `f̂ᵢ ≤ tol² σ` (`bound` = tol² σ).
    @inline(__always)
    static func negligible(_ f: Double, _ q: Double, bound: Double) -> Bool {
        f <= tolerance2 * q || f <= bound
    }

    /// Pointers for the transform loop: (q, f, q̂, f̂, pivots).
    var arrays: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>,
                 UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) { (q, f, qNext, fNext, pivots) }

    /// Takes the result of a transform whose smallest pivot was `dmin` and whose last negligible
    /// `f̂` was at `split` (−1: none). Returns `true` when
    /// another transform is wanted (a retry with a smaller shift, or the next step).
    mutating func accept(dmin: Double, split: Int) -> Bool {
        guard dmin >= 0 else {
            failures += 1
            tau = failures < 2 ? tau * 0.25 : 0
            return true
        }
        sigma += tau
        lastDmin = dmin
        lastHi = hi
        swap(&q, &qNext)
        swap(&f, &fNext)
        havePivots = true
        sweeps += 1
        if sweeps > 100 * (hi - lo + 1) {
            info = Int32(hi + 1)
            hi = -1
            return false
        }
        // A split inside the segment (the transform tracked the last i with f̂ᵢ ≤ tol² q̂ᵢ or
        // f̂ᵢ ≤ tol² σ; i = hi − 1 is left to the deflation test): the lower part continues, the
        // upper one waits.
        let i = split
        if i >= lo && i <= hi - 2 {
            do {
                f[i] = 0
                // The upper part lo...i waits: make both arrays hold it.
                (qNext + lo).update(from: q + lo, count: i - lo + 1)
                (fNext + lo).update(from: f + lo, count: i - lo + 1)
                segmentSigma[i] = sigma
                lo = i + 1
                havePivots = false
            }
        }
        return prepare()
    }

    /// Sorts the eigenvalues ascending (insertion sort: n is small) and writes σ = √λ · scale.
    func finish() {
        guard info == 0 else { return }
        guard scale > 0 else { output.update(repeating: 0, count: n); return }
        for i in 1..<max(1, n) {
            let x = output[i]
            var j = i - 1
            while j >= 0 && output[j] > x { output[j + 1] = output[j]; j -= 1 }
            output[j + 1] = x
        }
        for i in 0..<n { output[i] = max(output[i], 0).squareRoot() * scale }
    }
}

/// One dqds transform of `p.lo...p.hi` with shift `p.tau`, advanced one step at a time; it
/// tracks the smallest pivot and the last `i` whose new `f̂ᵢ` is negligible
/// (``DQDSProblem/negligible(_:_:bound:)``), −1 if none.
private struct Transform {
    let q, f, qNext, fNext, pivots: UnsafeMutablePointer<Double>
    let tau, bound: Double
    let hi: Int
    /// Next step and the running pivot.
    var i: Int
    var t: Double
    var dmin: Double
    var split = -1

    @inline(__always)
    init(_ p: DQDSProblem) {
        (q, f, qNext, fNext, pivots) = p.arrays
        tau = p.tau
        bound = p.splitBound
        hi = p.hi
        i = p.lo
        t = q[p.lo] - tau
        dmin = t
        pivots[p.lo] = t
    }

    var remaining: Int { hi - i }

    @inline(__always)
    mutating func step() {
        let qHat = t + f[i]
        let r = q[i + 1] / qHat
        let fHat = f[i] * r
        qNext[i] = qHat
        fNext[i] = fHat
        t = t * r - tau
        pivots[i + 1] = t
        dmin = min(dmin, t)
        split = DQDSProblem.negligible(fHat, qHat, bound: bound) ? i : split
        i += 1
    }

    /// Stores the last pivot as `q̂[hi]`; returns (smallest pivot, split index).
    @inline(__always)
    func finish() -> (dmin: Double, split: Int) {
        qNext[hi] = t
        return (dmin, split)
    }
}

/// One transform on its own.
@inline(__always)
private func transform(_ p: DQDSProblem) -> (dmin: Double, split: Int) {
    var x = Transform(p)
    while x.remaining > 0 { x.step() }
    return x.finish()
}

/// Two transforms in one loop, so the CPU overlaps their dependency chains (the split tracking
/// rides along off the chain); each gets exactly the arithmetic of ``transform(_:)``.
@inline(__always)
private func transform(_ a: DQDSProblem, _ b: DQDSProblem) -> ((dmin: Double, split: Int), (dmin: Double, split: Int)) {
    var x = Transform(a), y = Transform(b)
    for _ in 0..<min(x.remaining, y.remaining) {
        x.step()
        y.step()
    }
    while x.remaining > 0 { x.step() }
    while y.remaining > 0 { y.step() }
    return (x.finish(), y.finish())
}

/// Singular values of the upper bidiagonal `d[0..<n]`, `e[0..<n-1]`, ascending into `values`,
/// by dqds (``DQDSProblem``). `work` holds ``DQDSProblem/workspace(_:)`` doubles. Returns 0, or
/// `> 0` (unconverged values remain; LAPACK's convention) after 100·n transforms per segment.
func bidiagonalSingularValues(_ d: UnsafePointer<Double>, _ e: UnsafePointer<Double>, count n: Int,
                              work: UnsafeMutablePointer<Double>, values: UnsafeMutablePointer<Double>) -> Int32 {
    var p = DQDSProblem(d: d, e: e, count: n, work: work, output: values)
    var wanted = p.prepare()
    while wanted {
        let result = transform(p)
        wanted = p.accept(dmin: result.dmin, split: result.split)
    }
    p.finish()
    return p.info
}

/// Two independent problems as ``bidiagonalSingularValues(_:_:count:work:values:)`` (each with
/// its own `work`), their transforms interleaved while both need one. Each result is
/// bit-identical to solving it alone.
func bidiagonalSingularValues(_ d1: UnsafePointer<Double>, _ e1: UnsafePointer<Double>,
                              _ d2: UnsafePointer<Double>, _ e2: UnsafePointer<Double>, count n: Int,
                              work: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>),
                              values: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)) -> (Int32, Int32) {
    var a = DQDSProblem(d: d1, e: e1, count: n, work: work.0, output: values.0)
    var b = DQDSProblem(d: d2, e: e2, count: n, work: work.1, output: values.1)
    var wantsA = a.prepare(), wantsB = b.prepare()
    while wantsA && wantsB {
        let (resultA, resultB) = transform(a, b)
        wantsA = a.accept(dmin: resultA.dmin, split: resultA.split)
        wantsB = b.accept(dmin: resultB.dmin, split: resultB.split)
    }
    while wantsA {
        let result = transform(a)
        wantsA = a.accept(dmin: result.dmin, split: result.split)
    }
    while wantsB {
        let result = transform(b)
        wantsB = b.accept(dmin: result.dmin, split: result.split)
    }
    a.finish()
    b.finish()
    return (a.info, b.info)
}
