import CHDF5
import Foundation

/// An open HDF5 file.
///
/// The file is closed when the value is dropped; call `close()` instead where the close status
/// matters (after writing). Groups and datasets opened from it keep the file open in the library
/// until they are dropped too (HDF5's default "weak" close degree).
///
/// Files use HDF5's default (earliest) file format, so they still open after the writer was
/// killed, without `h5clear`, and with any HDF5 from 1.8 on.
///
/// Thread safety: HDF5 is only thread-safe when built with `--enable-threadsafe`, which upstream
/// does not do by default (Debian's "serial" 1.10.8 happens to), and this module does not rely
/// on it. Use each file, and everything opened from it, from one thread at a time (for instance
/// one task that does all HDF5 I/O); `File`, `Group` and `Dataset` are deliberately not
/// `Sendable`. As a safety net every C call is made under one process-wide lock
/// (`LibraryLock`), so separate files used by separate tasks, or tests running in parallel, do
/// not corrupt the library.
public struct File: ~Copyable {
    /// The path as given to `create` or `open`.
    public let path: String
    let handle: Handle

    private init(path: String, handle: consuming Handle) {
        self.path = path
        self.handle = handle
    }

    private static func context(_ path: String) -> ErrorContext { ErrorContext(path: path, object: "") }

    /// Creates a new file at `path`, truncating any existing file.
    ///
    /// The corresponding C function is `H5Fcreate` with `H5F_ACC_TRUNC`.
    public static func create(_ path: String) throws -> File {
        let handle = try retryingLock("H5Fcreate", path) {
            H5Fcreate(path, chdf5_acc_trunc(), chdf5_default(), chdf5_default())
        }
        return File(path: path, handle: handle)
    }

    /// Opens an existing file, read-only unless `writable`.
    ///
    /// A missing file throws with the message `no such file` (checked before HDF5 is asked, because
    /// HDF5's own message for it is an `open()` errno buried in a long line).
    ///
    /// The corresponding C function is `H5Fopen`.
    public static func open(_ path: String, writable: Bool = false) throws -> File {
        if !FileManager.default.fileExists(atPath: path) {
            throw context(path).error("H5Fopen", "no such file")
        }
        let handle = try retryingLock("H5Fopen", path) {
            H5Fopen(path, writable ? chdf5_acc_rdwr() : chdf5_acc_rdonly(), chdf5_default())
        }
        return File(path: path, handle: handle)
    }

    /// How often, and how far apart, `retryingLock` tries: 40 x 5 ms = 0.2 s in all.
    private static let lockAttempts = 40
    private static let lockRetryDelay = 0.005

    /// Runs `H5Fcreate` or `H5Fopen`, retrying for a moment while HDF5 cannot lock the file.
    ///
    /// HDF5 opens files without `O_CLOEXEC` and `flock`s them. A child process spawned by any
    /// thread (h5dump, python, a test helper) holds a copy of every open descriptor, and with it
    /// the lock, between fork and exec; reopening a file just closed can hit that window and
    /// fail with "unable to lock file, errno = 11". A process that really has the file open
    /// holds the lock far longer than the retry budget, and that error is reported as is.
    private static func retryingLock(_ function: String, _ path: String, _ call: () -> hid_t) throws -> Handle {
        var attempt = 1
        while true {
            do {
                return try Handle(.file, function, context(path), call())
            } catch let error as HDF5Error where error.message.contains("unable to lock file") && attempt < lockAttempts {
                attempt += 1
                Thread.sleep(forTimeInterval: lockRetryDelay)
            }
        }
    }

    /// Opens the root group `/`.
    ///
    /// A method rather than the property `var root: Group { get throws }`, which Swift 6.3
    /// rejects: "getter of noncopyable type cannot be 'async' or 'throws'".
    ///
    /// The corresponding C function is `H5Gopen2`.
    public func root() throws -> Group {
        let context = ErrorContext(path: path, object: "/")
        let group = try Handle(.group, "H5Gopen2", context, H5Gopen2(handle.id, "/", chdf5_default()))
        return Group(filePath: path, name: "/", handle: group)
    }

    /// Writes everything buffered for this file to disk.
    ///
    /// The corresponding C function is `H5Fflush` with `H5F_SCOPE_GLOBAL`.
    public func flush() throws {
        try Self.context(path).check("H5Fflush", H5Fflush(handle.id, H5F_SCOPE_GLOBAL))
    }

    /// Closes the file and reports the status (dropping the value closes it silently).
    ///
    /// The corresponding C function is `H5Fclose`.
    public consuming func close() throws {
        let context = Self.context(path)
        try handle.close(context)
    }
}

@available(*, unavailable, message: "HDF5 handles stay on one task; see File")
extension File: Sendable {}
