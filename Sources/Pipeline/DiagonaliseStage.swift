import HDF5
import LinearAlgebra
import Spectra

/// `diagonalise`: eigenvalues (symmetric matrices) or singular values of every sample of an
/// ensemble file, in double precision, ascending, into a `dyson.spectra` file.
///
/// Drivers (`DiagonaliseConfig.driver`): for matrices up to `Diagonalisation.smallMatrixDimension`
/// the default is a Householder reduction and implicit QL written in Swift (eigen)
/// , batched over threads with single-threaded OpenBLAS; larger
/// matrices use `dsyevd`/`dgesdd`; `dsyevr` on request. Eigenvectors on request (dsyevd/dsyevr).
///
/// A matrix LAPACK cannot handle does not abort the batch: its levels are NaN and its `status`
/// holds LAPACK's `info`; `driver` [sample] names the routine that produced each row. A
/// Householder-path matrix whose QL does not converge is retried with dsyevd/dgesdd.
public enum DiagonaliseStage {
    public static func run(input: String, config: DiagonaliseConfig, output: String, threads: Int = 2) throws {
        let ensemble = try AnalysisInput(input, expecting: .ensemble)
        let index = ensemble.index
        let root = try ensemble.file.root()
        let dataset = try root.openDataset("matrix")
        let shape = try dataset.shape()
        guard shape.count == 3, shape[0] == index.sampleCount else {
            throw DysonError.badInput(file: input, message: "'matrix' has shape \(shape), expected [\(index.sampleCount), row, col]")
        }
        let values = try dataset.read(as: Double.self)
        let batch = MatrixBatch(count: shape[0], rows: shape[1], columns: shape[2], elements: values)
        let scheduling: Diagonalisation.Scheduling = config.threadedBLAS ? .threadedBLASForFewLargeMatrices : .reproducible
        var spectrum: SpectrumBatch
        var vectors: MatrixBatch?
        var drivers: [String]
        if config.quantity == "eigenvalues" {
            guard shape[1] == shape[2] else {
                throw DysonError.badInput(file: input, message: "matrices are \(shape[1])x\(shape[2]); eigenvalues need square symmetric matrices (use quantity = \"singular_values\")")
            }
            try requireSymmetric(batch, file: input)
            let driver = config.driver == "auto"
                ? (config.vectors ? .dsyevd : Diagonalisation.defaultSymmetricDriver(order: shape[1]))
                : Diagonalisation.SymmetricDriver(rawValue: config.driver)!
            if config.vectors {
                (spectrum, vectors) = Diagonalisation.symmetricEigensystem(batch, threads: threads, driver: driver, scheduling: scheduling)
                drivers = Array(repeating: spectrum.routine, count: spectrum.count)
            } else {
                spectrum = Diagonalisation.symmetricEigenvalues(batch, threads: threads, driver: driver, scheduling: scheduling)
                drivers = Array(repeating: spectrum.routine, count: spectrum.count)
                if driver == .householderQL {
                    retryFailures(&spectrum, &drivers, batch: batch) {
                        Diagonalisation.symmetricEigenvalues($0, threads: threads, driver: .dsyevd, scheduling: scheduling)
                    }
                }
            }
        } else {
            let driver = config.driver == "auto" ? Diagonalisation.defaultSingularDriver(rows: shape[1], columns: shape[2])
                                                 : Diagonalisation.SingularDriver(rawValue: config.driver)!
            spectrum = Diagonalisation.singularValues(batch, threads: threads, driver: driver, scheduling: scheduling)
            drivers = Array(repeating: spectrum.routine, count: spectrum.count)
            if driver.isSwiftReduction {
                retryFailures(&spectrum, &drivers, batch: batch) {
                    Diagonalisation.singularValues($0, threads: threads, driver: .dgesdd, scheduling: scheduling)
                }
            }
        }
        let matrixName = try root.attribute("matrix_name", as: String.self)
        let transform = try root.attribute("transform", as: String.self)
        try AtomicOutput.write(output) { temporary in
            let out = try File.create(temporary)
            try FileHeader(schema: .spectra, config: config.toml, inputs: [ensemble.record]).write(to: out)
            let outRoot = try out.root()
            try index.write(to: outRoot)
            try outRoot.createAxis("level", count: spectrum.levels, description: "level index, ascending")
            let what = config.quantity == "eigenvalues" ? "eigenvalues" : "singular values"
            try outRoot.writeVariable("values", spectrum.values, axes: ["sample", "level"], shape: [spectrum.count, spectrum.levels],
                                      description: "\(what) of \(MatrixTransform(rawValue: transform)?.formula(of: matrixName) ?? transform), ascending; NaN where status != 0",
                                      compressed: true)
            try outRoot.writeVariable("status", spectrum.status, axes: ["sample"],
                                      description: "LAPACK info per sample (0 = ok, -1000 = NaN/Inf input not passed to LAPACK; see driver)")
            try outRoot.writeStringVariable("driver", drivers, axes: ["sample"],
                                            description: "routine that produced each sample's levels (Swift reduction + LAPACK routine, or LAPACK driver)")
            if let vectors {
                try outRoot.createAxis("component", count: vectors.rows, description: "component of an eigenvector (matrix row)")
                try outRoot.writeVariable("vectors", vectors.elements, axes: ["sample", "component", "level"],
                                          shape: [vectors.count, vectors.rows, vectors.columns],
                                          description: "orthonormal eigenvectors: vectors[s, :, i] belongs to values[s, i]", compressed: true)
            }
            try outRoot.setAttribute("quantity", config.quantity)
            try outRoot.setAttribute("lapack_routine", spectrum.routine)
            try outRoot.setAttribute("matrix_name", matrixName)
            try outRoot.setAttribute("transform", transform)
            try out.close()
        }
    }

    /// Recomputes matrices whose solver did not converge (`info > 0`) with a LAPACK driver, and
    /// records which routine produced each row.
    private static func retryFailures(_ spectrum: inout SpectrumBatch, _ drivers: inout [String], batch: MatrixBatch,
                                      with solve: (MatrixBatch) -> SpectrumBatch) {
        let failed = spectrum.status.indices.filter { spectrum.status[$0] > 0 }
        guard !failed.isEmpty else { return }
        let size = batch.matrixSize
        var elements: [Double] = []
        for k in failed { elements += batch.elements[(k * size)..<((k + 1) * size)] }
        let retry = solve(MatrixBatch(count: failed.count, rows: batch.rows, columns: batch.columns, elements: elements))
        for (r, k) in failed.enumerated() {
            spectrum.status[k] = retry.status[r]
            for i in 0..<spectrum.levels { spectrum.values[k * spectrum.levels + i] = retry.values[r * retry.levels + i] }
            drivers[k] = retry.routine
        }
    }

    /// Symmetric drivers read one triangle only: a non-symmetric input would silently give wrong levels.
    private static func requireSymmetric(_ batch: MatrixBatch, file: String) throws {
        let n = batch.rows
        for k in 0..<batch.count {
            let base = k * n * n
            for i in 0..<n {
                for j in (i + 1)..<n {
                    let a = batch.elements[base + i * n + j], b = batch.elements[base + j * n + i]
                    if abs(a - b) > 1e-12 * max(abs(a), abs(b), 1) {
                        throw DysonError.badInput(file: file, message: "sample \(k) is not symmetric; use transform = \"symmetric\" or quantity = \"singular_values\"")
                    }
                }
            }
        }
    }
}
