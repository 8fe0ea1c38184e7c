import CHDF5

/// An open HDF5 group. Paths given to its methods are relative to it (`"weights/student"`), or
/// absolute in the file when they start with `/`.
///
/// Not thread-safe: see `File`.
public struct Group: ~Copyable {
    /// The path of the file the group lives in.
    public let filePath: String
    /// The object path in the file, e.g. `/` or `/weights`.
    public let name: String
    let handle: Handle

    init(filePath: String, name: String, handle: consuming Handle) {
        self.filePath = filePath
        self.name = name
        self.handle = handle
    }

    var context: ErrorContext { ErrorContext(path: filePath, object: name) }

    /// Whether an object exists at `path`, which may be nested (`"a/b/c"`); false if any part is
    /// missing, is not a group, or is a dangling soft link.
    ///
    /// The corresponding C functions are `H5Lexists` (for each prefix) and `H5Oexists_by_name`.
    public func contains(_ path: String) -> Bool {
        let prefixes = ObjectPath.prefixes(path)
        guard !prefixes.isEmpty else { return path.hasPrefix("/") }
        let context = self.context.child(path)
        // A failure only means "not there" (e.g. a prefix is a dataset), so it becomes false; the
        // funnel has already cleared the error stack.
        do {
            for prefix in prefixes {
                if try context.check("H5Lexists", H5Lexists(handle.id, prefix, chdf5_default())) == 0 {
                    return false
                }
            }
            return try context.check("H5Oexists_by_name", H5Oexists_by_name(handle.id, path, chdf5_default())) > 0
        } catch {
            return false
        }
    }

    /// Creates a group at `path`, creating missing intermediate groups too.
    ///
    /// The corresponding C function is `H5Gcreate2`.
    @discardableResult
    public func createGroup(_ path: String) throws -> Group {
        let context = self.context.child(path)
        let links = try LinkCreation.withIntermediateGroups(context)
        let group = try Handle(.group, "H5Gcreate2", context,
                               H5Gcreate2(handle.id, path, links.id, chdf5_default(), chdf5_default()))
        return Group(filePath: filePath, name: context.object, handle: group)
    }

    /// Opens the existing group at `path`.
    ///
    /// The corresponding C function is `H5Gopen2`.
    public func openGroup(_ path: String) throws -> Group {
        let context = self.context.child(path)
        let group = try Handle(.group, "H5Gopen2", context, H5Gopen2(handle.id, path, chdf5_default()))
        return Group(filePath: filePath, name: context.object, handle: group)
    }

    /// The names of the links in this group (groups, datasets, soft links), sorted.
    ///
    /// The corresponding C function is `H5Literate` (1.10 has no versioned name for it).
    public func memberNames() throws -> [String] {
        let id = handle.id
        let context = self.context
        var index: hsize_t = 0
        let names = try NameList.collect { list in
            try context.check("H5Literate", H5Literate(id, H5_INDEX_NAME, H5_ITER_INC, &index, { _, name, _, list in
                NameList.append(name, to: list)
            }, list))
        }
        return names.sorted()
    }

    /// Opens the existing dataset at `path`.
    ///
    /// The corresponding C function is `H5Dopen2`.
    public func openDataset(_ path: String) throws -> Dataset {
        let context = self.context.child(path)
        let dataset = try Handle(.dataset, "H5Dopen2", context, H5Dopen2(handle.id, path, chdf5_default()))
        return Dataset(filePath: filePath, name: context.object, handle: dataset)
    }

    /// Reads the whole numeric dataset at `path`, row-major, converted by HDF5 to `T`.
    public func read<T: HDF5Scalar>(_ path: String, as type: T.Type) throws -> [T] {
        try openDataset(path).read(as: T.self)
    }

    /// Reads the whole string dataset at `path` (fixed- or variable-length).
    public func readStrings(_ path: String) throws -> [String] {
        try openDataset(path).readStrings()
    }
}

@available(*, unavailable, message: "HDF5 handles stay on one task; see File")
extension Group: Sendable {}

/// Link creation property lists.
enum LinkCreation {
    /// A link creation property list that creates missing intermediate groups.
    ///
    /// The corresponding C function is `H5Pset_create_intermediate_group`.
    static func withIntermediateGroups(_ context: ErrorContext) throws -> Handle {
        let list = try Handle(.propertyList, "H5Pcreate", context, H5Pcreate(chdf5_link_create()))
        try context.check("H5Pset_create_intermediate_group", H5Pset_create_intermediate_group(list.id, 1))
        return list
    }
}

/// Collects names handed to an HDF5 iteration callback (links, attributes).
enum NameList {
    /// Runs `iterate` with a pointer that the C callback passes to `append(_:to:)`.
    static func collect(_ iterate: (UnsafeMutableRawPointer) throws -> Void) rethrows -> [String] {
        var names: [String] = []
        try withUnsafeMutablePointer(to: &names) { try iterate(UnsafeMutableRawPointer($0)) }
        return names
    }

    /// Appends one name; returns 0 so that the iteration continues.
    static func append(_ name: UnsafePointer<CChar>?, to list: UnsafeMutableRawPointer?) -> herr_t {
        guard let name, let list else { return 0 }
        list.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name))
        return 0
    }
}
