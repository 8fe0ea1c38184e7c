import Testing
@testable import Simulation

private func config(n: Int = 2, epochs: Int = 2, shared: Bool = true) -> TeacherStudentConfig {
    var c = TeacherStudentConfig()
    c.size = n
    c.teacherSpectrum = Array(repeating: 2, count: n)
    c.epochs = epochs
    c.batchesPerEpoch = 50
    c.sharedData = shared
    return c
}

private func finalStates(_ c: TeacherStudentConfig, seeds: Int, threads: Int, every: Int = 25) throws -> [[Double]] {
    let model = TeacherStudent(config: c, runSeed: 42, seeds: seeds, threads: threads)
    return try ensembleSnapshotsEvery(model, seeds: seeds, threads: threads, every: every).map(\.states)
}

@Test(arguments: [(2, true), (3, false)])
func resultsDoNotDependOnThreads(n: Int, shared: Bool) throws {
    let c = config(n: n, shared: shared)
    #expect(try finalStates(c, seeds: 7, threads: 1) == finalStates(c, seeds: 7, threads: 2))
}

@Test func theTwoByTwoKernelEqualsTheGeneralOne() {
    let c = config()
    let model = TeacherStudent(config: c, runSeed: 3, seeds: 1, threads: 1)
    var general = [Double](repeating: 0, count: 4)
    var twoByTwo = general
    general.withUnsafeMutableBufferPointer { w in model.initialise(seed: 0, state: w) }
    twoByTwo = general
    model.batchContractions.withUnsafeBufferPointer { p in
        model.batchOffsets.withUnsafeBufferPointer { q in
            general.withUnsafeMutableBufferPointer { w in
                TeacherStudent.advanceGeneral(w, n: 2, contractions: p.baseAddress!, offsets: q.baseAddress!,
                                              batches: 50, from: 7, count: 80)
            }
            twoByTwo.withUnsafeMutableBufferPointer { w in
                TeacherStudent.advance2x2(w, contractions: p.baseAddress!, offsets: q.baseAddress!,
                                          batches: 50, from: 7, count: 80)
            }
        }
    }
    for k in 0..<4 { #expect(abs(general[k] - twoByTwo[k]) <= 1e-14 * abs(general[k]) + 1e-15) }
}

@Test func continuingFromACheckpointReproducesTheRun() throws {
    let model = TeacherStudent(config: config(epochs: 4), runSeed: 5, seeds: 6, threads: 2)
    try expectResumeReproducesRun(model, seeds: 6, schedule: .every(30, totalSteps: model.totalSteps), cut: 3)
}

@Test func theTeacherHasTheRequestedSpectrum() {
    var c = config(n: 3)
    c.teacherSpectrum = [1, 2, 3]
    let model = TeacherStudent(config: c, runSeed: 9, seeds: 1, threads: 1)
    let t = model.teacher(seed: 0)
    // trace and Frobenius norm are basis-independent: Σd = 6, Σd² = 14.
    #expect(abs(t[0] + t[4] + t[8] - 6) < 1e-12)
    #expect(abs(t.map { $0 * $0 }.reduce(0, +) - 14) < 1e-12)
}

/// The off-diagonal fluctuation of the student about the teacher is a discrete OU process with
/// stationary variance σ² = αε²/(|B|(2 − α)) (+ O(α²/|B|) from batch-covariance noise, ≈ 1 %
/// here). 2 000 seeds: the sample variance has relative error √(2/2000) ≈ 3.2 %; tolerance 4σ.
/// Data are per seed: with one shared data set every seed sees the same last batches and the
/// ensemble variance moves with that draw by more than this statistical error.
@Test func stationaryOffDiagonalVarianceMatchesTheOrnsteinUhlenbeckLaw() throws {
    var c = config(epochs: 2, shared: false)
    c.batchesPerEpoch = 200
    let seeds = 2000
    let states = try finalStates(c, seeds: seeds, threads: 2, every: 400)
    let last = states.last!
    let model = TeacherStudent(config: c, runSeed: 42, seeds: seeds, threads: 1)
    let offDiagonal = (0..<seeds).map { s in
        let teacher = model.teacher(seed: s)
        return (last[s * 4 + 1] - teacher[1] + last[s * 4 + 2] - teacher[2]) / 2
    }
    let variance = offDiagonal.map { $0 * $0 }.reduce(0, +) / Double(seeds)
    // The symmetric part of D has the OU variance; its antisymmetric part is second order.
    #expect(abs(variance / c.stationaryVariance - 1) < 4 * (2.0 / Double(seeds)).squareRoot())
}

@Test func scheduleAlwaysHoldsFirstAndLastStep() {
    #expect(SnapshotSchedule.every(1000, totalSteps: 2500).steps == [0, 1000, 2000, 2500])
    #expect(SnapshotSchedule([5, 5, 3], totalSteps: 10).steps == [0, 3, 5, 10])
    let log = SnapshotSchedule.logarithmic(5, totalSteps: 10_000).steps
    #expect(log.first == 0 && log.last == 10_000 && log == log.sorted())
}

@Test func statusTextRoundTrips() {
    for status in [SeedStatus.ok, .diverged(step: 12), .failed(step: 3)] {
        #expect(SeedStatus(status.description) == status)
    }
    #expect(SeedStatus("diverged at 3") == nil)
}
