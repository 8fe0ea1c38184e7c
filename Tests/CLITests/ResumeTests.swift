import Foundation
import HDF5
import Testing

private let longRun = ["--seeds", "2000", "--epochs", "300", "--batches-per-epoch", "500",
                       "--snapshot-every-epochs", "10", "--run-seed", "77"]

/// Every dataset that training writes, read as Float64 (strings compared separately).
private func trainingData(_ path: String) throws -> [String: [Double]] {
    let root = try File.open(path).root()
    var data: [String: [Double]] = [:]
    for name in ["student", "teacher", "loss", "gradient_norm", "step", "epoch", "checkpoint_state", "status_code", "status_step"] {
        data[name] = try root.read(name, as: Double.self)
    }
    return data
}

/// SIGKILL during file creation (no bytes flushed yet) or in the middle of training, then
/// `--resume`: the finished file holds exactly what an uninterrupted run writes.
@Test(arguments: [0, 400_000])
func aKilledRunResumesToTheSameSnapshots(killAfterBytes: Int) throws {
    let scratch = try Scratch()
    let reference = scratch.file("reference.h5")
    try #require(try dyson(["simulate", "--output", reference] + longRun).status == 0)

    let output = scratch.file("killed.h5")
    let partial = output + ".partial"
    let process = try start(["simulate", "--output", output] + longRun)
    // Wait until the partial file holds `killAfterBytes` (several snapshots for 400 kB), then kill.
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline, (try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0 < killAfterBytes {
        Thread.sleep(forTimeInterval: 0.02)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed")
    #expect(!FileManager.default.fileExists(atPath: output), "a killed run must not look finished")
    if killAfterBytes > 0 { #expect(FileManager.default.fileExists(atPath: partial)) }

    let resumed = try dyson(["simulate", "--output", output, "--resume"] + longRun)
    #expect(resumed.status == 0, "\(resumed.stderr)")
    if killAfterBytes > 0 { #expect(resumed.stdout.contains("resumed from step")) }
    #expect(!FileManager.default.fileExists(atPath: partial))
    #expect(try trainingData(output) == trainingData(reference))
    #expect(try File.open(output).root().readStrings("status") == File.open(reference).root().readStrings("status"))
}

@Test func resumeRefusesADifferentConfiguration() throws {
    let scratch = try Scratch()
    let output = scratch.file("run.h5")
    let process = try start(["simulate", "--output", output] + longRun)
    let partial = output + ".partial"
    while (try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0 < 100_000 {
        Thread.sleep(forTimeInterval: 0.02)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let result = try dyson(["simulate", "--output", output, "--resume", "--learning-rate", "0.2"] + longRun)
    #expect(result.status == 65)
    #expect(result.errorLines.first?.contains("different configuration") == true, "\(result.stderr)")
}
