/// Eigenvalues of a real symmetric tridiagonal matrix by the implicit QL algorithm with
/// Wilkinson-type shifts (EISPACK `tql1`; Bowdler, Martin, Reinsch & Wilkinson, Numer. Math.
/// 11, 293 (1968), doi:10.1007/BF02166681), values only, in place.
///
/// `d[0..<n]` is the diagonal and `e[0..<n-1]` the sub-diagonal (`e` must have room for `n`
/// values; it is destroyed). On return `d` holds the eigenvalues ascending. Backward stable:
/// each eigenvalue has absolute error `O(n ε ‖T‖)`. The matrix is first scaled by its largest
/// entry so squares neither overflow nor (for normal input) underflow, which lets rotations use
/// `√(f² + g²)` instead of `hypot`. An off-diagonal entry is negligible when
/// `|eᵢ| ≤ ε (|dᵢ| + |dᵢ₊₁|)`. Returns 0, or `l + 1 > 0` when eigenvalue `l` has not converged
/// after 30·n sweeps (LAPACK's convention for `info`).
///
/// Measured against LAPACK `dsterf` on the tridiagonal part of 2·10⁴ 10×10 GOE problems (one
/// thread, shared loaded machine): 8.4–10.5 µs vs 9.9–11.4 µs per matrix including the Householder
/// reduction (1.5 µs), i.e. ≈ 10 % faster, within noise. The iteration is latency-bound (a chain
/// of √ and ÷ per rotation), so ``tridiagonalEigenvalues(_:_:_:_:count:)`` advances two
/// problems in lockstep to overlap their chains.
func tridiagonalEigenvalues(_ d: UnsafeMutablePointer<Double>, _ e: UnsafeMutablePointer<Double>, count n: Int) -> Int32 {
    let scale = QLProblem.normalise(d, e, count: n)
    var problem = QLProblem(d, e, count: n, scale: scale)
    while !problem.done { problem.advance() }
    problem.finish()
    return problem.info
}

/// Two independent problems as ``tridiagonalEigenvalues(_:_:count:)``, advanced one rotation
/// each per loop turn so the CPU overlaps their dependency chains (measured ≈ 1.5× the
/// throughput of one at a time for n = 10). Each result is bit-identical to solving it alone:
/// the arithmetic per problem is unchanged, only interleaved. Returns both `info`s.
func tridiagonalEigenvalues(_ d1: UnsafeMutablePointer<Double>, _ e1: UnsafeMutablePointer<Double>,
                            _ d2: UnsafeMutablePointer<Double>, _ e2: UnsafeMutablePointer<Double>,
                            count n: Int) -> (Int32, Int32) {
    let scale1 = QLProblem.normalise(d1, e1, count: n), scale2 = QLProblem.normalise(d2, e2, count: n)
    var a = QLProblem(d1, e1, count: n, scale: scale1), b = QLProblem(d2, e2, count: n, scale: scale2)
    while !(a.done && b.done) {
        if !a.done { a.advance() }
        if !b.done { b.advance() }
    }
    a.finish()
    b.finish()
    return (a.info, b.info)
}

/// The state of one QL iteration, advanced one rotation (or one shift set-up) at a time.
struct QLProblem {
    let d: UnsafeMutablePointer<Double>
    let e: UnsafeMutablePointer<Double>
    let n: Int
    let scale: Double
    /// Current eigenvalue `l`, end `m` of its unreduced block, and rotation row `i`.
    private var l = 0, m = 0, i = 0
    private var s = 1.0, c = 1.0, p = 0.0, g = 0.0
    private var iterations = 0
    private var chasing = false
    private(set) var done: Bool
    private(set) var info: Int32 = 0

    /// Sets `e[n-1] = 0` and divides both arrays by their largest magnitude, returned (0 for a
    /// zero matrix).
    static func normalise(_ d: UnsafeMutablePointer<Double>, _ e: UnsafeMutablePointer<Double>, count n: Int) -> Double {
        guard n > 0 else { return 0 }
        e[n - 1] = 0
        var scale = 0.0
        for i in 0..<n { scale = max(scale, abs(d[i]), abs(e[i])) }
        if scale > 0 {
            let inverse = 1 / scale
            for i in 0..<n { d[i] *= inverse; e[i] *= inverse }
        }
        return scale
    }

    init(_ d: UnsafeMutablePointer<Double>, _ e: UnsafeMutablePointer<Double>, count n: Int, scale: Double) {
        self.d = d
        self.e = e
        self.n = n
        self.scale = scale
        done = n <= 1 || scale == 0
    }

    /// One rotation of the current sweep, or, between sweeps, the search for the next
    /// unreduced block and its shift.
    @inline(__always)
    mutating func advance() {
        if chasing { rotate() } else { setUp() }
    }

    @inline(__always)
    private mutating func setUp() {
        let eps = Double.ulpOfOne
        while l < n {
            m = l
            while m < n - 1 {
                if abs(e[m]) <= eps * (abs(d[m]) + abs(d[m + 1])) { break }
                m += 1
            }
            if m == l { l += 1; iterations = 0; continue }
            iterations += 1
            if iterations > 30 * n { info = Int32(l + 1); done = true; return }
            // Shift from the leading 2×2 block; the sweep chases the bulge from m up to l.
            let h = (d[l + 1] - d[l]) / (2 * e[l])
            let r = (h * h + 1).squareRoot()
            g = d[m] - d[l] + e[l] / (h + (h >= 0 ? r : -r))
            s = 1
            c = 1
            p = 0
            i = m - 1
            chasing = true
            return
        }
        done = true
    }

    @inline(__always)
    private mutating func rotate() {
        let f = s * e[i], b = c * e[i]
        var r = (f * f + g * g).squareRoot()
        e[i + 1] = r
        if r == 0 {  // underflow: split the matrix here and search again
            d[i + 1] -= p
            e[m] = 0
            chasing = false
            return
        }
        let inverse = 1 / r  // one division instead of two on the dependency chain
        s = f * inverse
        c = g * inverse
        g = d[i + 1] - p
        r = (d[i] - g) * s + 2 * c * b
        p = s * r
        d[i + 1] = g + p
        g = c * r - b
        if i == l {
            d[l] -= p
            e[l] = g
            e[m] = 0
            chasing = false
        } else {
            i -= 1
        }
    }

    /// Sorts the eigenvalues ascending (insertion sort: n is small) and undoes the scaling.
    func finish() {
        guard info == 0, scale > 0 else { return }
        for i in 1..<max(1, n) {
            let x = d[i]
            var j = i - 1
            while j >= 0 && d[j] > x { d[j + 1] = d[j]; j -= 1 }
            d[j + 1] = x
        }
        for i in 0..<n { d[i] *= scale }
    }
}
