import HDF5

/// Named axes and self-describing variables: every array in a dyson file has its dimensions
/// attached to HDF5 dimension scales (so xarray, h5netcdf and HDFView show `seed`, `level` …
/// instead of phony_dim_0) and carries `description` and, where meaningful, `units`.
extension Group {
    /// Creates the dimension-scale dataset `name` holding 0..<count (or an extendible one).
    func createAxis(_ name: String, count: Int, extendible: Bool = false, description: String) throws {
        let values = (0..<count).map(Int64.init)
        if extendible {
            let axis = try createDataset(name, of: Int64.self, shape: [count], maxShape: [nil], chunk: [64])
            if count > 0 { try axis.write(values) }
            try finishAxis(axis, name: name, description: description)
        } else {
            let axis = try write(name, values)
            try finishAxis(axis, name: name, description: description)
        }
    }

    /// Creates the dimension-scale dataset `name` holding coordinate values (e.g. interval
    /// lengths), so that the axis itself says where each entry lies.
    func createCoordinate(_ name: String, _ values: [Double], description: String, units: String? = nil) throws {
        let axis = try write(name, values)
        try finishAxis(axis, name: name, description: description)
        if let units { try axis.setAttribute("units", units) }
    }

    private func finishAxis(_ axis: borrowing Dataset, name: String, description: String) throws {
        try axis.makeDimensionScale(name: name)
        try axis.setAttribute("description", description)
    }

    /// Attaches the axes named in `axes` (datasets of this group) to the dimensions of `dataset`
    /// and sets its description and units.
    func describe(_ dataset: borrowing Dataset, axes: [String], description: String, units: String? = nil) throws {
        for (dimension, axis) in axes.enumerated() {
            let scale = try openDataset(axis)
            try dataset.attachDimensionScale(scale, dimension: dimension)
        }
        try dataset.setAttribute("description", description)
        if let units { try dataset.setAttribute("units", units) }
    }

    /// Writes a numeric variable along `axes`; compressed (shuffle + deflate) when `compressed`.
    func writeVariable<T: HDF5Scalar>(_ name: String, _ values: [T], axes: [String], shape: [Int]? = nil,
                                      description: String, units: String? = nil, compressed: Bool = false) throws {
        let dataset = try write(name, values, shape: shape ?? [values.count], compressionLevel: compressed ? 4 : nil)
        try describe(dataset, axes: axes, description: description, units: units)
    }

    /// Writes a string variable along `axes`.
    func writeStringVariable(_ name: String, _ values: [String], axes: [String], description: String) throws {
        let dataset = try writeStrings(name, values)
        try describe(dataset, axes: axes, description: description)
    }

    /// Writes a scalar (0-d) variable.
    func writeScalar<T: HDF5Scalar>(_ name: String, _ value: T, description: String, units: String? = nil) throws {
        let dataset = try write(name, [value], shape: [])
        try dataset.setAttribute("description", description)
        if let units { try dataset.setAttribute("units", units) }
    }
}

/// Units and descriptions of the hyper-parameters that label ensembles; the one place their
/// snake_case names are spelled.
enum HyperParameter {
    static let known: [String: (units: String, description: String)] = [
        "learning_rate": ("1", "SGD step size alpha"),
        "batch_size": ("samples", "mini-batch size |B|"),
        "noise_std": ("1", "off-diagonal standard deviation epsilon of the induced GOE noise"),
        "temperature": ("1", "temperature T (for SGD the effective temperature alpha/|B|)"),
        "size": ("1", "matrix size N"),
        "time_step": ("1", "integration time step dt"),
        "beta": ("1", "Dyson index beta"),
        "confinement": ("1", "strength kappa of the harmonic confinement"),
        "mass": ("1", "lattice mass m of the target scalar field"),
        "visible_mass": ("1", "fixed visible mass mu of the RBM"),
        "sites": ("1", "sites N of the periodic lattice"),
        "initial_width": ("1", "initial width sigma_W of the student, W ~ N(0, sigma_W^2/L)"),
        "hidden_units": ("1", "hidden units H of the linear network"),
        "layers": ("1", "transformer blocks"),
        "heads": ("1", "attention heads per block"),
        "embedding": ("1", "width C of the transformer's residual stream"),
        "context": ("tokens", "context length T of the transformer"),
        "weight_decay": ("1", "decoupled weight decay lambda of AdamW"),
    ]

    static func units(_ name: String) -> String { known[name]?.units ?? "1" }
    static func description(_ name: String) -> String { known[name]?.description ?? "hyper-parameter \(name)" }
}
