/// Object paths inside an HDF5 file (`/weights/student`), built in one place.
enum ObjectPath {
    /// `relative` resolved against the group `base`: an absolute `relative` wins, as in HDF5.
    static func join(_ base: String, _ relative: String) -> String {
        if relative.hasPrefix("/") { return relative }
        if base.hasSuffix("/") { return base + relative }
        return base + "/" + relative
    }

    /// The successive prefixes of a relative or absolute path: `a/b/c` gives `a`, `a/b`, `a/b/c`.
    static func prefixes(_ path: String) -> [String] {
        let absolute = path.hasPrefix("/")
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return parts.indices.map { end in
            (absolute ? "/" : "") + parts[...end].joined(separator: "/")
        }
    }
}
