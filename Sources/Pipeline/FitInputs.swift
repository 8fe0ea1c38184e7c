/// The unfolded files `fit` reads, as one set of samples: their indices concatenated and each
/// per-sample array joined along the sample axis.
///
/// Several inputs are fitted as one set of ensembles (e.g. separate scans whose linear scaling
/// fit should be joint); they must share model, hyper-parameter names and array widths.
struct FitInputs {
    let index: EnsembleIndex
    let records: [InputRecord]
    /// The inputs' paths, joined, for error messages.
    let label: String
    /// Per-sample arrays by name, [sample][columns]; an optional array is present only if every
    /// input has it.
    private var arrays: [String: (values: [Double], columns: Int)] = [:]

    /// Per-ensemble arrays [ensemble][columns] present in every input (e.g. Σ²(L)), joined along
    /// the ensemble axis, and the coordinate of their columns (e.g. the lengths L), equal in all.
    private(set) var ensembleArrays: [String: (values: [Double], columns: Int)] = [:]

    init(_ inputs: [String], required: [String], optional: [String], perEnsemble: [String] = [], coordinate: String? = nil) throws {
        precondition(!inputs.isEmpty, "fit needs an input")
        var indices: [EnsembleIndex] = [], records: [InputRecord] = []
        var present = Set(optional)
        for input in inputs {
            let unfolded = try AnalysisInput(input, expecting: .unfolded)
            if let first = indices.first {
                guard unfolded.index.parameterNames == first.parameterNames, unfolded.index.model == first.model else {
                    throw DysonError.badInput(file: input, message: "model or hyper-parameters differ from those of \(inputs[0])")
                }
            }
            let root = try unfolded.file.root()
            for name in optional where !root.contains(name) { present.remove(name) }
            for name in required + optional where required.contains(name) || present.contains(name) {
                let (values, columns) = try unfolded.samples(name)
                if let earlier = arrays[name] {
                    guard earlier.columns == columns else {
                        throw DysonError.badInput(file: input, message: "'\(name)' has \(columns) columns, \(inputs[0]) has \(earlier.columns)")
                    }
                    arrays[name]!.values += values
                } else {
                    arrays[name] = (values, columns)
                }
            }
            for name in perEnsemble {
                guard root.contains(name) else { ensembleArrays[name] = nil; continue }
                let dataset = try root.openDataset(name)
                let shape = try dataset.shape()
                guard shape.count == 2, shape[0] == unfolded.index.ensembleCount else {
                    throw DysonError.badInput(file: input, message: "'\(name)' has shape \(shape), expected [\(unfolded.index.ensembleCount), k]")
                }
                if indices.isEmpty || ensembleArrays[name] != nil {
                    let earlier = ensembleArrays[name]
                    guard earlier == nil || earlier!.columns == shape[1] else {
                        throw DysonError.badInput(file: input, message: "'\(name)' has \(shape[1]) columns, \(inputs[0]) has \(earlier!.columns)")
                    }
                    ensembleArrays[name] = ((earlier?.values ?? []) + (try dataset.read(as: Double.self)), shape[1])
                }
            }
            if let coordinate, root.contains(coordinate) {
                let values = try root.read(coordinate, as: Double.self)
                guard coordinateValues == nil || coordinateValues! == values else {
                    throw DysonError.badInput(file: input, message: "'\(coordinate)' differs from that of \(inputs[0])")
                }
                coordinateValues = values
            }
            indices.append(unfolded.index)
            records.append(unfolded.record)
        }
        for name in optional where !present.contains(name) { arrays[name] = nil }
        index = EnsembleIndex.concatenated(indices)
        self.records = records
        label = inputs.joined(separator: ", ")
    }

    /// The values of `coordinate` (e.g. the lengths L of Σ²(L)), when the inputs have it.
    private(set) var coordinateValues: [Double]? = nil

    /// The array `name`, or nil when an input lacks it (or it is not one of those read).
    subscript(name: String) -> (values: [Double], columns: Int)? { arrays[name] }

    /// Row `sample` of a [sample][columns] array.
    static func row(_ array: (values: [Double], columns: Int), _ sample: Int) -> ArraySlice<Double> {
        array.values[(sample * array.columns)..<((sample + 1) * array.columns)]
    }
}
