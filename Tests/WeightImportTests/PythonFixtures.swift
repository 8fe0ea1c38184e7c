import Foundation

/// Weight files written by NumPy and the `safetensors` package into a fresh directory, with the
/// C-order little-endian bytes of every array beside them (`<name>.bin`) for bit-exact checks.
final class PythonFixtures: @unchecked Sendable {
    let directory: String

    /// The arrays written: name → (dtype string, shape). Values are random bit patterns for the
    /// float64 case (NaN payloads, subnormals, −0 included), so "equal bytes" means bit-exact.
    static let script = #"""
import sys, json, numpy as np, zipfile
from safetensors.numpy import save_file
out = sys.argv[1]
rng = np.random.default_rng(20261201)
bits = rng.integers(0, 2**63, size=(3, 4), dtype=np.uint64) | (rng.integers(0, 2, size=(3, 4), dtype=np.uint64) << np.uint64(63))
arrays = {
    "f8_bits": bits.view(np.float64),
    "f8_special": np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, 1.7976931348623157e308]),
    "f4": rng.standard_normal((2, 3, 5)).astype(np.float32),
    "f2": rng.standard_normal((4, 4)).astype(np.float16),
    "i8": rng.integers(-2**62, 2**62, size=(7,), dtype=np.int64),
    "i4": rng.integers(-2**31, 2**31, size=(2, 2), dtype=np.int32),
    "u1": rng.integers(0, 256, size=(9,), dtype=np.uint8),
    "b1": rng.integers(0, 2, size=(3, 3)).astype(bool),
    "scalar": np.array(0.125),
    "empty": np.zeros((0, 3)),
    "fortran": np.asfortranarray(rng.standard_normal((3, 4, 2))),
}
manifest = {}
for name, a in arrays.items():
    np.save(f"{out}/{name}.npy", a)
    open(f"{out}/{name}.bin", "wb").write(np.ascontiguousarray(a).tobytes())
    manifest[name] = list(a.shape)
with open(f"{out}/v2.npy", "wb") as f:
    np.lib.format.write_array(f, arrays["f4"], version=(2, 0))
np.savez(f"{out}/stored.npz", **arrays)
np.savez_compressed(f"{out}/compressed.npz", **arrays)
st = {k: np.ascontiguousarray(v) for k, v in arrays.items() if k in ("f8_bits", "f4", "f2", "i8", "i4", "u1", "b1", "fortran")}
save_file(st, f"{out}/model.safetensors", metadata={"lr": "0.01", "note": "test"})
small = {"W": arrays["f4"][0], "lr": np.array(0.5)}
np.savez(f"{out}/small-stored.npz", **small)
np.savez_compressed(f"{out}/small-compressed.npz", **small)
save_file({"a": arrays["f4"][0], "b": arrays["i4"]}, f"{out}/small.safetensors", metadata={"lr": "0.5"})
json.dump(manifest, open(f"{out}/manifest.json", "w"))
"""#

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("dyson-import-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try python(Self.script, arguments: [directory])
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func path(_ name: String) -> String { "\(directory)/\(name)" }

    func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name)))) }

    /// Shapes of the arrays written, by name.
    func manifest() throws -> [String: [Int]] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("manifest.json"))))
        return (object as! [String: [Int]])
    }

    /// Generated once per test process: Python start-up is the slow part.
    static let shared: PythonFixtures? = try? PythonFixtures()
}

/// Runs `python3 -c script args…`, throwing with its stderr when it fails.
func python(_ script: String, arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let err = Pipe()
    process.standardError = err
    try process.run()
    let message = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw NSError(domain: "python3", code: Int(process.terminationStatus),
                      userInfo: [NSLocalizedDescriptionKey: String(decoding: message, as: UTF8.self)])
    }
}
