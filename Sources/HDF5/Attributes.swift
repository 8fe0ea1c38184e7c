import CHDF5

/// Where an HDF5 object lives: its file, its path in the file, and (internally) the identifier
/// attribute calls use. Only valid while the `File`, `Group` or `Dataset` it came from is alive.
public struct ObjectLocation {
    /// The path of the file.
    public let filePath: String
    /// The object path in the file (`/` for a file's root group).
    public let name: String
    let id: hid_t

    var context: ErrorContext { ErrorContext(path: filePath, object: name) }
}

/// An HDF5 object that carries attributes: `File` (meaning its root group), `Group`, `Dataset`.
///
/// All attribute methods are implemented once, in the extension below. Numeric attributes are
/// converted by HDF5 between the stored type and `T`; string attributes are written as
/// variable-length UTF-8 and read whether fixed- or variable-length.
public protocol HDF5Object: ~Copyable {
    /// The file, the object path and the identifier that attribute calls act on.
    var location: ObjectLocation { get }
}

extension File: HDF5Object {
    public var location: ObjectLocation { ObjectLocation(filePath: path, name: "/", id: handle.id) }
}

extension Group: HDF5Object {
    public var location: ObjectLocation { ObjectLocation(filePath: filePath, name: name, id: handle.id) }
}

extension Dataset: HDF5Object {
    public var location: ObjectLocation { ObjectLocation(filePath: filePath, name: name, id: handle.id) }
}

extension HDF5Object where Self: ~Copyable {
    /// Sets a scalar variable-length UTF-8 string attribute, replacing any attribute `name`.
    ///
    /// The corresponding C functions are `H5Adelete`, `H5Acreate2` and `H5Awrite`.
    public func setAttribute(_ name: String, _ value: String) throws {
        try location.writeStrings(name, [value], shape: [])
    }

    /// Sets a scalar numeric attribute, replacing any attribute `name`.
    public func setAttribute<T: HDF5Scalar>(_ name: String, _ value: T) throws {
        try location.writeNumbers(name, [value], shape: [])
    }

    /// Sets a 1-d numeric attribute, replacing any attribute `name`.
    public func setAttribute<T: HDF5Scalar>(_ name: String, _ values: [T]) throws {
        try location.writeNumbers(name, values, shape: [values.count])
    }

    /// Sets a 1-d attribute of variable-length UTF-8 strings, replacing any attribute `name`.
    public func setAttribute(_ name: String, _ values: [String]) throws {
        try location.writeStrings(name, values, shape: [values.count])
    }

    /// Whether the attribute `name` exists (false also if HDF5 cannot tell).
    ///
    /// The corresponding C function is `H5Aexists`.
    public func hasAttribute(_ name: String) -> Bool {
        let location = self.location
        do {
            return try location.context.attribute(name).check("H5Aexists", H5Aexists(location.id, name)) > 0
        } catch {
            return false
        }
    }

    /// The names of all attributes, sorted (including the `CLASS`, `NAME`, `DIMENSION_LIST` ...
    /// attributes that dimension scales use).
    ///
    /// The corresponding C function is `H5Aiterate2`.
    public func attributeNames() throws -> [String] {
        let location = self.location
        var index: hsize_t = 0
        let names = try NameList.collect { list in
            try location.context.check("H5Aiterate2", H5Aiterate2(
                location.id, H5_INDEX_NAME, H5_ITER_INC, &index, { _, name, _, list in
                    NameList.append(name, to: list)
                }, list))
        }
        return names.sorted()
    }

    /// A string attribute, scalar or 1-element, fixed- or variable-length.
    public func attribute(_ name: String, as type: String.Type) throws -> String {
        let values = try location.readAttribute(name) { try $0.readStrings(function: "attribute") }
        return try location.single(values, name)
    }

    /// A numeric attribute, scalar or 1-element, converted by HDF5 to `T`.
    public func attribute<T: HDF5Scalar>(_ name: String, as type: T.Type) throws -> T {
        let values = try attributeArray(name, as: T.self)
        return try location.single(values, name)
    }

    /// All elements of a numeric attribute, row-major, converted by HDF5 to `T`.
    public func attributeArray<T: HDF5Scalar>(_ name: String, as type: T.Type) throws -> [T] {
        try location.readAttribute(name) { store in
            try store.readNumbers(as: T.self, count: store.elementCount(), function: "attributeArray")
        }
    }

    /// All elements of a string attribute, fixed- or variable-length.
    public func stringArrayAttribute(_ name: String) throws -> [String] {
        try location.readAttribute(name) { try $0.readStrings(function: "stringArrayAttribute") }
    }
}

extension ObjectLocation {
    /// Opens attribute `name` and hands it to `body` as an `ElementStore`.
    ///
    /// The corresponding C function is `H5Aopen`.
    func readAttribute<R>(_ name: String, _ body: (ElementStore) throws -> R) throws -> R {
        let context = self.context.attribute(name)
        let attribute = try Handle(.attribute, "H5Aopen", context, H5Aopen(id, name, chdf5_default()))
        return try body(ElementStore(id: attribute.id, kind: .attribute, context: context))
    }

    func writeNumbers<T: HDF5Scalar>(_ name: String, _ values: [T], shape: [Int]) throws {
        let attribute = try create(name, fileType: T.checkedNativeType, shape: shape)
        try ElementStore(id: attribute.id, kind: .attribute, context: context.attribute(name))
            .writeNumbers(values, function: "setAttribute")
    }

    func writeStrings(_ name: String, _ values: [String], shape: [Int]) throws {
        let context = self.context.attribute(name)
        let type = try StringTypes.variableLength(H5T_CSET_UTF8, context)
        let attribute = try create(name, fileType: type.id, shape: shape)
        try ElementStore(id: attribute.id, kind: .attribute, context: context)
            .writeStrings(values, function: "setAttribute")
    }

    /// Creates attribute `name`, deleting an existing one first (HDF5 cannot change the type or
    /// shape of an attribute in place).
    ///
    /// The corresponding C functions are `H5Aexists`, `H5Adelete` and `H5Acreate2`.
    private func create(_ name: String, fileType: hid_t, shape: [Int]) throws -> Handle {
        let context = self.context.attribute(name)
        if try context.check("H5Aexists", H5Aexists(id, name)) > 0 {
            try context.check("H5Adelete", H5Adelete(id, name))
        }
        let space = try Dataspace.create(shape: shape, context)
        return try Handle(.attribute, "H5Acreate2", context,
                          H5Acreate2(id, name, fileType, space.id, chdf5_default(), chdf5_default()))
    }

    /// The only element of `values`, or an error saying how many there are.
    func single<T>(_ values: [T], _ name: String) throws -> T {
        guard values.count == 1, let value = values.first else {
            throw context.attribute(name).error("attribute", "attribute has \(values.count) elements, expected 1")
        }
        return value
    }
}
