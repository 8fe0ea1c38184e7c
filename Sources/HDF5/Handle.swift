import CHDF5

/// Owns one HDF5 identifier and closes it exactly once, with the close function its kind needs.
///
/// Every `hid_t` this module obtains is wrapped in a `Handle` as soon as the C call returns, so a
/// later `throw` cannot leak it. Predefined library types (`H5T_NATIVE_*`, `H5P_DEFAULT`) are
/// never wrapped: they are not ours to close.
struct Handle: ~Copyable {
    enum Kind {
        case file, group, dataset, attribute, dataspace, datatype, propertyList

        var closeFunction: String {
            switch self {
            case .file: "H5Fclose"
            case .group: "H5Gclose"
            case .dataset: "H5Dclose"
            case .attribute: "H5Aclose"
            case .dataspace: "H5Sclose"
            case .datatype: "H5Tclose"
            case .propertyList: "H5Pclose"
            }
        }

        func close(_ id: hid_t) -> herr_t {
            switch self {
            case .file: H5Fclose(id)
            case .group: H5Gclose(id)
            case .dataset: H5Dclose(id)
            case .attribute: H5Aclose(id)
            case .dataspace: H5Sclose(id)
            case .datatype: H5Tclose(id)
            case .propertyList: H5Pclose(id)
            }
        }
    }

    let id: hid_t
    let kind: Kind

    /// Runs an HDF5 call that returns a new identifier and takes ownership of it.
    init(_ kind: Kind, _ function: String, _ context: ErrorContext, _ call: @autoclosure () -> hid_t) throws {
        self.id = try context.check(function, call())
        self.kind = kind
    }

    /// Closes the identifier; a failure here has nowhere to go, so its error stack is dropped.
    /// Use `close(_:)` where the status matters (files).
    deinit {
        LibraryLock.run {
            ErrorStack.silenceAutomaticPrinting()
            if kind.close(id) < 0 { ErrorStack.clear() }
        }
    }

    /// Closes the identifier and reports the status.
    consuming func close(_ context: ErrorContext) throws {
        let id = self.id
        let kind = self.kind
        discard self
        try context.check(kind.closeFunction, kind.close(id))
    }
}
