// Times the batched diagonalisation drivers on a batch read from a NumPy .npy file, so
// Tests/Baselines/bench_diagonalise.py can time numpy.linalg on the identical batch.
//
// usage: DiagonaliseBenchmark BATCH.npy eigen|singular DRIVER THREADS REPEATS [OUT.bin] [threaded]
// Prints the best wall time of REPEATS runs in seconds; writes the levels (float64, C order)
// to OUT.bin for the accuracy comparison.
import Dispatch
import Foundation
import LinearAlgebra
import WeightImport

let arguments = CommandLine.arguments
guard arguments.count >= 6, let threads = Int(arguments[4]), let repeats = Int(arguments[5]) else {
    FileHandle.standardError.write(Data("usage: DiagonaliseBenchmark BATCH.npy eigen|singular DRIVER THREADS REPEATS [OUT.bin] [threaded]\n".utf8))
    exit(64)
}
let array = try NPYReader.read(path: arguments[1])
precondition(array.shape.count == 3, "batch must be [count, rows, columns]")
let batch = MatrixBatch(count: array.shape[0], rows: array.shape[1], columns: array.shape[2], elements: array.doubles())
let scheduling: Diagonalisation.Scheduling = arguments.count > 7 && arguments[7] == "threaded" ? .threadedBLASForFewLargeMatrices : .reproducible
func solve() -> SpectrumBatch {
    if arguments[2] == "eigen" {
        return Diagonalisation.symmetricEigenvalues(batch, threads: threads, driver: Diagonalisation.SymmetricDriver(rawValue: arguments[3])!, scheduling: scheduling)
    }
    return Diagonalisation.singularValues(batch, threads: threads, driver: Diagonalisation.SingularDriver(rawValue: arguments[3])!, scheduling: scheduling)
}
var best = Double.infinity
var result = solve()  // warm-up (workspace queries, page faults)
for _ in 0..<repeats {
    let start = DispatchTime.now().uptimeNanoseconds
    result = solve()
    best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
}
precondition(result.isComplete, "\(result.failures.count) matrices failed")
if arguments.count > 6 {
    try result.values.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: arguments[6]))
}
print(best)
