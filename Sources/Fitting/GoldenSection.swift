/// Maximisation of a unimodal function of one variable, as every one-parameter likelihood here
/// needs it: a scan of a grid finds the bracket around the best point, then golden-section
/// search shrinks it to `tolerance`.
///
/// The scan makes the search robust to a poor start; golden section needs no derivatives and
/// converges linearly (factor 0.618 per evaluation). Precondition: grid ascending with ≥ 3
/// points, tolerance > 0. O(grid + log(width/tolerance)/0.21) evaluations.
/// Reference: J. Kiefer, Proc. Am. Math. Soc. 4 (1953) 502, doi:10.1090/S0002-9939-1953-0055639-3.
public enum GoldenSection {
    /// The maximiser of `f` within the grid's range.
    public static func maximise(_ f: (Double) -> Double, grid: [Double], tolerance: Double) -> Double {
        precondition(grid.count >= 3 && tolerance > 0, "GoldenSection: need a grid of ≥ 3 points and a positive tolerance")
        let values = grid.map(f)
        let best = values.indices.max { values[$0] < values[$1] }!
        var a = grid[Swift.max(best - 1, 0)], d = grid[Swift.min(best + 1, grid.count - 1)]
        let golden = (5.0.squareRoot() - 1) / 2
        var b = d - golden * (d - a), c = a + golden * (d - a)
        var fb = f(b), fc = f(c)
        while d - a > tolerance {
            if fb > fc { d = c; c = b; fc = fb; b = d - golden * (d - a); fb = f(b) }
            else { a = b; b = c; fb = fc; c = a + golden * (d - a); fc = f(c) }
        }
        return (a + d) / 2
    }
}
