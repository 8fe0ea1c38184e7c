import Foundation
import HDF5
import Testing

/// The analysis stages, each with the arguments that name its input and output.
private let stages: [(name: String, extra: [String])] = [
    ("snapshot", []), ("diagonalise", []), ("unfold", []), ("fit", ["--ks-replicas", "10"]), ("report", []), ("phase", []),
]

/// Makes one bad input of each kind; returns (description, path).
private func badInputs(in scratch: Scratch) throws -> [(String, String)] {
    let text = scratch.file("notes.txt")
    try "not an HDF5 file\n".write(toFile: text, atomically: true, encoding: .utf8)
    let foreign = scratch.file("foreign.h5")
    do {
        let file = try File.create(foreign)
        try file.root().write("x", [1.0, 2.0])
        try file.setAttribute("schema", "someone.else")
        try file.close()
    }
    let newer = scratch.file("newer.h5")
    do {
        let file = try File.create(newer)
        for (name, value) in [("schema", "dyson.run"), ("stage", "simulate"), ("config", ""), ("created", ""), ("dyson_version", "9")] {
            try file.setAttribute(name, value)
        }
        try file.setAttribute("schema_version", Int64(99))
        try file.setAttribute("inputs", [String]())
        try file.close()
    }
    return [("missing", scratch.file("missing.h5")), ("not HDF5", text), ("foreign schema", foreign), ("newer schema", newer)]
}

@Test(arguments: stages.map(\.name))
func badInputsGiveOneErrorLineExit65AndNoOutput(stage: String) throws {
    let scratch = try Scratch()
    let extra = stages.first { $0.name == stage }!.extra
    for (kind, input) in try badInputs(in: scratch) {
        let before = scratch.contents
        let result = try dyson([stage, input, "--output", scratch.file("out.h5")] + extra)
        #expect(result.status == 65, "\(stage) on \(kind) input: exit \(result.status), stderr: \(result.stderr)")
        #expect(result.errorLines.count == 1, "\(stage) on \(kind): \(result.stderr)")
        #expect(result.errorLines.first?.contains(input) == true, "\(stage) on \(kind): \(result.stderr)")
        #expect(scratch.contents == before, "\(stage) on \(kind) left \(scratch.contents)")
    }
}

/// `simulate` reads a TOML configuration: a missing file or one that is not TOML is bad input.
@Test func simulateRefusesAMissingOrMalformedConfigurationFile() throws {
    let scratch = try Scratch()
    let binary = scratch.file("binary.toml")
    try Data([0x00, 0xFF, 0x3D, 0x5B]).write(to: URL(fileURLWithPath: binary))
    for config in [scratch.file("missing.toml"), binary] {
        let result = try dyson(["simulate", "--config", config, "--output", scratch.file("run.h5")])
        #expect(result.status == 65, "\(config): \(result.stderr)")
        #expect(result.errorLines.count == 1 && result.errorLines[0].contains(config), "\(result.stderr)")
        #expect(!scratch.contents.contains { $0.hasPrefix("run.h5") })
    }
}

@Test func aRunFileOfTheWrongStageIsRefusedByName() throws {
    let scratch = try Scratch()
    let run = scratch.file("run.h5")
    try #require(try dyson(["simulate", "--output", run, "--seeds", "4", "--epochs", "1", "--batches-per-epoch", "10"]).status == 0)
    let result = try dyson(["diagonalise", run, "--output", scratch.file("s.h5")])
    #expect(result.status == 65)
    #expect(result.errorLines == ["Error: \(run): is a dyson.run file (written by 'simulate'), expected dyson.ensemble"])
}

@Test(arguments: [
    (["--learning-rate", "0"], "learning_rate must be in (0, 2)"),
    (["--learning-rate=-0.1"], "learning_rate must be in (0, 2)"),
    (["--batch-size", "0"], "batch_size must be at least 1"),
    (["--size", "1"], "size must be at least 2"),
])
func invalidOptionsExit64SayingWhatIsAllowed(arguments: [String], message: String) throws {
    let scratch = try Scratch()
    let result = try dyson(["simulate", "--output", scratch.file("run.h5")] + arguments)
    #expect(result.status == 64, "\(arguments): \(result.stderr)")
    #expect(result.errorLines.count == 1 && result.errorLines[0].contains(message), "\(result.stderr)")
    #expect(scratch.contents.isEmpty)
}

@Test func unknownStageNamesExit64ListingTheStages() throws {
    let unknownCommand = try dyson(["simulat"])
    #expect(unknownCommand.status == 64)
    let unknownForce = try dyson(["run", "pipelines/teacher-student.toml", "--force", "fitt"])
    #expect(unknownForce.status == 64)
    #expect(unknownForce.stderr.contains("allowed: simulate, snapshot, diagonalise, unfold, fit, phase, report"))
}
