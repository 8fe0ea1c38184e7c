import HDF5
import LinearAlgebra
import Spectra

/// `diagonalise`: eigenvalues (symmetric matrices, LAPACK dsyevd) or singular values (dgesdd) of
/// every sample of an ensemble file, in double precision, ascending, into a `dyson.spectra` file.
///
/// A matrix LAPACK cannot handle does not abort the batch: its levels are NaN and its `status`
/// holds LAPACK's `info`.
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
        let spectrum: SpectrumBatch
        if config.quantity == "eigenvalues" {
            guard shape[1] == shape[2] else {
                throw DysonError.badInput(file: input, message: "matrices are \(shape[1])x\(shape[2]); eigenvalues need square symmetric matrices (use quantity = \"singular_values\")")
            }
            try requireSymmetric(batch, file: input)
            spectrum = Diagonalisation.symmetricEigenvalues(batch, threads: threads)
        } else {
            spectrum = Diagonalisation.singularValues(batch, threads: threads)
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
                                      description: "LAPACK info per sample (0 = ok; see lapack_routine)")
            try outRoot.setAttribute("quantity", config.quantity)
            try outRoot.setAttribute("lapack_routine", spectrum.routine)
            try outRoot.setAttribute("matrix_name", matrixName)
            try outRoot.setAttribute("transform", transform)
            try out.close()
        }
    }

    /// dsyevd reads one triangle only: a non-symmetric input would silently give wrong levels.
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
