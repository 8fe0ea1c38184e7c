import Fitting
import LinearAlgebra
import Testing
@testable import Spectra

// Unfolding (SPEC §4.2): exact cases, then unit mean spacing in the bulk of Gaussian and
// Wishart spectra for every method, per spectrum and pooled.

@Test func aLinearStaircaseIsUnfoldedExactlyByPolynomialAndSpline() {
    let levels = (0..<20).map { 3 + 2 * Double($0) }  // N(x_i) = i + ½ is linear in x
    for method in [Unfolding.Method.polynomial(degree: 1), .polynomial(degree: 5), .spline(interiorKnots: 3)] {
        let unfolded = Unfolding(method: method).unfold(levels, levelCount: 20)
        for i in 0..<20 { #expect(abs(unfolded[i] - (Double(i) + 0.5)) < 1e-9, "\(method.name) level \(i): \(unfolded[i])") }
    }
    // Trimming keeps the middle ⌊…⌋: 20 levels, f = 0.1 → 2 dropped per edge.
    let trimmed = Unfolding(method: .polynomial(degree: 1), edgeFraction: 0.1).unfold(levels, levelCount: 20)
    #expect(trimmed.count == 16 && abs(trimmed[0] - 2.5) < 1e-9)
}

@Test func analyticStaircasesCountHalfTheLevelsAtTheCentreAndAllAtTheEdge() {
    let semicircle = Unfolding(method: .semicircle(centre: 1, radius: 2)).staircase(fittedTo: [], spectra: 1, levelCount: 50)
    #expect(abs(semicircle(1) - 25) < 1e-12 && semicircle(-1) == 0 && abs(semicircle(3) - 50) < 1e-12)
    let mp = Unfolding(method: .marchenkoPastur(ratio: 0.5, variance: 1)).staircase(fittedTo: [], spectra: 1, levelCount: 50)
    let (lower, upper) = MarchenkoPastur.edges(ratio: 0.5, variance: 1)
    #expect(abs(mp(lower)) < 1e-12 && abs(mp(upper) - 50) < 1e-9)
}

@Test func failedSamplesStayNaNAndDoNotEnterAPooledFit() {
    let good: [Double] = (0..<10).map { Double($0) }
    let bad: [Double] = [.nan] + (1..<10).map { Double($0) }
    let pooled = Unfolding(method: .polynomial(degree: 1), isPooled: true)
    let out = pooled.unfold(good + bad + good, levelCount: 10)
    #expect(out[10..<20].allSatisfy { $0.isNaN })
    #expect(zip(out[0..<10], out[20..<30]).allSatisfy { $0 == $1 } && abs(out[3] - 3.5) < 1e-9)
}

/// The unfolded mean spacing in each quarter of the kept bulk, averaged over samples, with a
/// jackknife error over samples.
func quarterSpacings(_ unfolded: [Double], kept: Int) -> [Estimate] {
    let samples = unfolded.count / kept
    let quarter = kept / 4
    return (0..<4).map { q in
        Jackknife.mean((0..<samples).map { s in
            let lo = unfolded[s * kept + q * quarter], hi = unfolded[s * kept + (q + 1) * quarter - 1]
            return (hi - lo) / Double(quarter - 1)
        })
    }
}

/// GOE, n = 400, 12 samples, central half kept (trim 0.25 → 200 levels, 4 quarters of 50).
/// The quarter's mean spacing fluctuates by √Σ²(50)/50 ≈ 2 % per sample (GOE number variance
/// ≈ 1.2), so the 12-sample mean has σ ≈ 0.6 %, measured by the jackknife. Tolerance: 3σ
/// plus 0.01 for the smoothing bias of fitted staircases (kernel: h²ρ''/ρ; polynomial and
/// spline: the edge square roots they cannot follow).
@Test(arguments: [UInt64(11), 12])
func everyMethodGivesUnitMeanSpacingInTheBulkOfGOESpectra(seed: UInt64) {
    var g = SplitMix64(seed: seed)
    let n = 400
    let levels = betaHermiteSpectra(size: n, beta: 1, samples: 12, generator: &g)
    let radius = (2.0 * Double(n)).squareRoot()
    let methods: [Unfolding.Method] = [.polynomial(degree: 11), .spline(interiorKnots: 10),
                                       .gaussianKernel(bandwidth: 6), .semicircle(centre: 0, radius: radius)]
    for method in methods {
        for pooled in [false, true] where !(pooled && method.isAnalytic) {
            let unfolding = Unfolding(method: method, edgeFraction: 0.25, isPooled: pooled)
            let unfolded = unfolding.unfold(levels, levelCount: n)
            let quarters = quarterSpacings(unfolded, kept: unfolding.keptLevelCount(levelCount: n))
            print("unfold GOE seed \(seed) \(method.name) pooled=\(pooled): \(quarters.map { String(format6($0.value)) + "±" + format6($0.error) })")
            for q in quarters { #expect(abs(q.value - 1) < 3 * q.error + 0.01, "\(method.name) pooled \(pooled): \(q)") }
        }
    }
}

/// Wishart X = WᵀW/n_rows, W 400 × 200 standard normal: Marchenko–Pastur q = 0.5, σ² = 1.
/// Unfolded with the analytic MP CDF, 12 samples, trim 0.2: same tolerance rule as above.
@Test(arguments: [UInt64(21)])
func marchenkoPasturUnfoldingGivesUnitMeanSpacingForWishartSpectra(seed: UInt64) {
    var g = SplitMix64(seed: seed)
    let rows = 400, p = 200, samples = 12
    var batch = MatrixBatch(count: samples, rows: p, columns: p)
    for s in 0..<samples {
        let w = (0..<(rows * p)).map { _ in g.normal() }
        let x = MatrixTransform.gramColumns.apply(to: w, rows: rows, columns: p).map { $0 / Double(rows) }
        batch.elements.replaceSubrange((s * p * p)..<((s + 1) * p * p), with: x)
    }
    let levels = Diagonalisation.symmetricEigenvalues(batch, threads: 1).values
    let unfolding = Unfolding(method: .marchenkoPastur(ratio: 0.5, variance: 1), edgeFraction: 0.2)
    let quarters = quarterSpacings(unfolding.unfold(levels, levelCount: p), kept: unfolding.keptLevelCount(levelCount: p))
    print("unfold MP seed \(seed): \(quarters)")
    for q in quarters { #expect(abs(q.value - 1) < 3 * q.error + 0.01, "\(q)") }
}

func format6(_ x: Double) -> String { String(Double(Int((x * 1e4).rounded())) / 1e4) }
