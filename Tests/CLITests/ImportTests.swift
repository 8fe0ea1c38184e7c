import Foundation
import HDF5
import Testing

/// Weights written by other tools, in the layouts research scripts use, analysed through every
/// stage with the CLI binary.
@Suite struct ImportTests {
    /// Two points of a scan (lr = 0.01, 0.02), one `.npz` each (one stored, one compressed), with
    /// W [seed = 12, snapshot = 3, 8, 8] drawn from the GOE, loss and grad [seed, snapshot], and
    /// scalars lr, batch_size, epochs, noise. `expected.npy` holds numpy.linalg.eigvalsh of
    /// (W + Wᵀ)/2 for every (file, seed, snapshot); `svd.npy` the singular values of the
    /// safetensors layers; `h5.h5` is an h5py file with /weights/W [snapshot, seed, row, col].
    static let script = #"""
import sys, numpy as np, h5py
from safetensors.numpy import save_file
out = sys.argv[1]
rng = np.random.default_rng(5)
expected = []
for i, (lr, save) in enumerate([(0.01, np.savez), (0.02, np.savez_compressed)]):
    a = rng.standard_normal((12, 3, 8, 8))
    W = (a + np.swapaxes(a, -1, -2)) / np.sqrt(2 * 8)
    W[:, :, 0, 1] += 1e-3  # not exactly symmetric: the symmetric transform matters
    save(f"{out}/run{i}.npz", W=W, loss=rng.random((12, 3)), grad=rng.random((12, 3)),
         lr=np.float64(lr), batch_size=np.int64(32), epochs=np.int64(10), noise=np.float64(0.1))
    expected.append(np.linalg.eigvalsh((W + np.swapaxes(W, -1, -2)) / 2))
np.save(f"{out}/expected.npy", np.array(expected))
layers = {f"layers.{k}.weight": rng.standard_normal((16, 8)).astype(np.float32) for k in range(4)}
layers.update({f"layers.{k}.bias": rng.standard_normal(16).astype(np.float32) for k in range(4)})
save_file(layers, f"{out}/model.safetensors", metadata={"lr": "0.003"})
np.save(f"{out}/svd.npy", np.array([np.linalg.svd(layers[f"layers.{k}.weight"].astype(np.float64), compute_uv=False)[::-1] for k in range(4)]))
with h5py.File(f"{out}/h5.h5", "w") as f:
    f["weights/W"] = rng.standard_normal((2, 5, 6, 4))
    f.attrs["lr"] = 0.5
"""#

    static func pythonFiles() throws -> Scratch {
        let scratch = try Scratch()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, scratch.path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 fixture script failed")
        return scratch
    }

    static func readNPY(_ path: String) throws -> [Double] {
        // Little-endian float64 .npy written by np.save: data follow the header.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        return bytes[(10 + headerLength)...].withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
    }

    @Test func researchScriptNPZThroughAllStages() throws {
        let s = try Self.pythonFiles()
        let config = s.file("snapshot.toml")
        try """
        source = "npz"
        array = "W"
        axes = "seed,snapshot,row,col"
        parameters = ["lr", "batch_size", "noise"]
        select = "all"
        transform = "symmetric"
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let ensemble = s.file("ensemble.h5"), spectra = s.file("spectra.h5")
        let snap = try dyson(["snapshot", s.file("run0.npz"), s.file("run1.npz"), "--config", config, "--output", ensemble])
        try #require(snap.status == 0, "\(snap.stderr)")
        do {
            let root = try File.open(ensemble).root()
            // 2 files × 3 snapshots = 6 ensembles of 12 seeds; coordinates from the scalars.
            #expect(try root.read("ensemble_size", as: Int64.self) == [Int64](repeating: 12, count: 6))
            #expect(try root.read("lr", as: Double.self) == [0.01, 0.01, 0.01, 0.02, 0.02, 0.02])
            #expect(try root.read("batch_size", as: Double.self) == [Double](repeating: 32, count: 6))
            #expect(try root.read("step", as: Int64.self) == [0, 1, 2, 0, 1, 2])
        }
        let diag = try dyson(["diagonalise", ensemble, "--quantity", "eigenvalues", "--output", spectra])
        try #require(diag.status == 0, "\(diag.stderr)")
        // Same levels as numpy.linalg.eigvalsh (both LAPACK-accurate: |Δλ| ≲ n ε ‖A‖ ≈ 1e-14).
        let expected = try Self.readNPY(s.file("expected.npy"))  // [file][seed][snapshot][level]
        let root = try File.open(spectra).root()
        let values = try root.read("values", as: Double.self)
        let seeds = try root.read("sample_seed", as: Int64.self), runs = try root.read("sample_run", as: Int64.self)
        let steps = try root.read("sample_step", as: Int64.self)
        #expect(values.count == 72 * 8)
        var worst = 0.0
        for k in 0..<72 {
            let offset = ((Int(runs[k]) * 12 + Int(seeds[k])) * 3 + Int(steps[k])) * 8
            for i in 0..<8 { worst = max(worst, abs(values[k * 8 + i] - expected[offset + i])) }
        }
        #expect(worst < 1e-12, "max |Δλ| = \(worst)")
        #expect(try root.readStrings("driver") == [String](repeating: "householder_ql_swift", count: 72))
        #expect(try root.read("status", as: Int32.self) == [Int32](repeating: 0, count: 72))
        // Eigenvectors on request, by dsyevr: [sample, component, level], and the same levels.
        let withVectors = s.file("vectors.h5")
        let vec = try dyson(["diagonalise", ensemble, "--quantity", "eigenvalues", "--driver", "dsyevr", "--vectors", "--output", withVectors])
        try #require(vec.status == 0, "\(vec.stderr)")
        let vroot = try File.open(withVectors).root()
        #expect(try vroot.openDataset("vectors").shape() == [72, 8, 8])
        #expect(try vroot.readStrings("driver").allSatisfy { $0 == "dsyevr" })
        #expect(zip(try vroot.read("values", as: Double.self), values).allSatisfy { abs($0 - $1) < 1e-12 })
        let unfold = try dyson(["unfold", spectra, "--output", s.file("unfolded.h5")])
        try #require(unfold.status == 0, "\(unfold.stderr)")
        // The imported runs have no temperature coordinate: no ⟨S⟩ ∝ √T scaling fit.
        try "scaling_amplitude = \"none\"\nks_replicas = 10\n".write(toFile: s.file("fit.toml"), atomically: true, encoding: .utf8)
        let fit = try dyson(["fit", s.file("unfolded.h5"), "--config", s.file("fit.toml"), "--output", s.file("fit.h5")])
        try #require(fit.status == 0, "\(fit.stderr)")
        let report = try dyson(["report", s.file("fit.h5"), "--output", s.file("report.h5")])
        #expect(report.status == 0, "\(report.stderr)")
    }

    /// `dyson run` on a pipeline whose [snapshot] imports the npz files; a second run is up to date.
    @Test func pipelineOfImportedWeights() throws {
        let s = try Self.pythonFiles()
        let pipeline = s.file("import.toml")
        try """
        [pipeline]
        name = "import"
        output = "\(s.file("out"))"
        [snapshot]
        source = "npz"
        inputs = ["\(s.file("run0.npz"))", "\(s.file("run1.npz"))"]
        array = "W"
        axes = "seed,snapshot,row,col"
        parameters = ["lr"]
        transform = "symmetric"
        [diagonalise]
        quantity = "eigenvalues"
        [fit]
        scaling_amplitude = "none"
        ks_replicas = 10
        """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let first = try dyson(["run", pipeline])
        try #require(first.status == 0, "\(first.stderr)")
        let lr = try File.open(s.file("out/fit.h5")).root().read("lr", as: Double.self)
        #expect(lr == [0.01, 0.02])  // the last snapshot of each file
        let second = try dyson(["run", pipeline, "--dry-run"])
        #expect(second.status == 0 && second.stderr.contains("snapshot: up to date"), "\(second.stderr)")
    }

    @Test func safetensorsLayersBySingularValues() throws {
        let s = try Self.pythonFiles()
        let ensemble = s.file("e.h5"), spectra = s.file("s.h5")
        let config = s.file("c.toml")
        try "source = \"safetensors\"\ntensors = \"layers.*.weight\"\nparameters = [\"lr\"]\n".write(toFile: config, atomically: true, encoding: .utf8)
        let snap = try dyson(["snapshot", s.file("model.safetensors"), "--config", config, "--output", ensemble])
        try #require(snap.status == 0, "\(snap.stderr)")
        #expect(try File.open(ensemble).root().readStrings("sample_name") == (0..<4).map { "layers.\($0).weight" })
        #expect(try File.open(ensemble).root().read("lr", as: Double.self) == [0.003])
        try #require(try dyson(["diagonalise", ensemble, "--output", spectra]).status == 0)
        let values = try File.open(spectra).root().read("values", as: Double.self)
        let expected = try Self.readNPY(s.file("svd.npy"))
        #expect(zip(values, expected).allSatisfy { abs($0 - $1) < 1e-12 * max(1, abs($1)) })
    }

    @Test func foreignHDF5WithNamedAxes() throws {
        let s = try Self.pythonFiles()
        let result = try dyson(["snapshot", s.file("h5.h5"), "--source", "hdf5", "--dataset", "/weights/W",
                                "--axes", "snapshot,seed,row,col", "--output", s.file("e.h5")])
        try #require(result.status == 0, "\(result.stderr)")
        let root = try File.open(s.file("e.h5")).root()
        #expect(try root.openDataset("matrix").shape() == [5, 6, 4])  // last snapshot, 5 seeds
        // A subset of seeds, every snapshot: 2 ensembles (steps 0, 1) of seeds 1 and 3.
        try "source = \"hdf5\"\ndataset = \"/weights/W\"\naxes = \"snapshot,seed,row,col\"\nselect = \"all\"\nseeds = [1, 3]\nparameters = [\"lr\"]\n"
            .write(toFile: s.file("c.toml"), atomically: true, encoding: .utf8)
        let subset = try dyson(["snapshot", s.file("h5.h5"), "--config", s.file("c.toml"), "--output", s.file("subset.h5")])
        try #require(subset.status == 0, "\(subset.stderr)")
        let sub = try File.open(s.file("subset.h5")).root()
        #expect(try sub.read("sample_seed", as: Int64.self) == [1, 3, 1, 3])
        #expect(try sub.read("ensemble_size", as: Int64.self) == [2, 2])
        #expect(try sub.read("lr", as: Double.self) == [0.5, 0.5])
    }

    @Test func malformedImportsGiveOneErrorLineAndNoOutput() throws {
        let s = try Self.pythonFiles()
        let archive = try Data(contentsOf: URL(fileURLWithPath: s.file("run1.npz")))
        try archive.prefix(archive.count - 40).write(to: URL(fileURLWithPath: s.file("truncated.npz")))
        let cases: [([String], String)] = [
            ([s.file("truncated.npz"), "--source", "npz", "--array", "W", "--axes", "seed,snapshot,row,col"], "truncated.npz"),
            ([s.file("run0.npz"), "--source", "npz", "--array", "V", "--axes", "seed,snapshot,row,col"], "has no array 'V'"),
            ([s.file("run0.npz"), "--source", "npz", "--array", "W", "--axes", "seed,row,col"], "names 3"),
            ([s.file("model.safetensors"), "--source", "safetensors", "--tensors", "layers.*.bias"], "only non-empty 2-D"),
            ([s.file("run0.npz"), "--source", "safetensors"], "run0.npz"),
        ]
        for (arguments, fragment) in cases {
            let before = s.contents
            let result = try dyson(["snapshot"] + arguments + ["--output", s.file("out.h5")])
            #expect(result.status == 65, "\(arguments): \(result.stderr)")
            #expect(result.errorLines.count == 1 && result.errorLines[0].contains(fragment), "\(result.stderr)")
            #expect(s.contents == before)
        }
    }
}
