import CHDF5
import Foundation

/// Where an HDF5 call happens: the file on disk and the object inside it. Every C call in this
/// module goes through `check(_:_:)`, the single place where a negative status becomes an
/// `HDF5Error`.
struct ErrorContext: Sendable {
    let path: String
    let object: String

    /// Evaluates one HDF5 C call and returns its result; throws `HDF5Error` if it is negative.
    ///
    /// Automatic error-stack printing is switched off before the call is made, and the error
    /// stack is read and cleared after a failure, so HDF5 never writes to stderr and a stale
    /// stack never leaks into the next error. The call and the reading of the stack happen under
    /// `LibraryLock`, so the message belongs to this call.
    @discardableResult
    func check<Status: BinaryInteger>(
        _ function: String, _ call: @autoclosure () -> Status
    ) throws -> Status {
        try LibraryLock.run {
            ErrorStack.silenceAutomaticPrinting()
            let status = call()
            if status >= 0 { return status }
            throw HDF5Error(function: function, path: path, object: object, message: ErrorStack.takeMessage())
        }
    }

    /// An error found by this module itself rather than by the C library.
    func error(_ function: String, _ message: String) -> HDF5Error {
        HDF5Error(function: function, path: path, object: object, message: message)
    }

    /// The context of an object at `relative` below this one.
    func child(_ relative: String) -> ErrorContext {
        ErrorContext(path: path, object: ObjectPath.join(object.isEmpty ? "/" : object, relative))
    }

    /// The context of the attribute `name` on this object, e.g. `/weights (attribute 'units')`.
    func attribute(_ name: String) -> ErrorContext {
        ErrorContext(path: path, object: "\(object.isEmpty ? "/" : object) (attribute '\(name)')")
    }
}

/// One process-wide lock held around every HDF5 C call.
///
/// HDF5 built without `--enable-threadsafe` (the upstream default) keeps
/// global state (identifier tables, caches, the error stack) without locking; the thread-safe
/// build takes one global lock per API call, and this does the same from the Swift side, so the
/// module is safe whichever build it links. It makes single calls atomic, so independent files
/// may be used from different threads (and Swift Testing's parallel tests cannot corrupt the
/// library); it does not make one `File`, `Group` or `Dataset` shareable, and they are not
/// `Sendable`. Recursive, so that nesting (a native-type constant evaluated inside a call)
/// cannot deadlock.
enum LibraryLock {
    private static let lock = NSRecursiveLock()

    static func run<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

/// The HDF5 default error stack: silencing, reading and clearing it.
enum ErrorStack {
    /// Switches off HDF5's automatic printing of the error stack to stderr.
    ///
    /// Debian's libhdf5 1.10.8 "serial" is built with `--enable-threadsafe`, which makes error
    /// stacks, and this setting, per thread: silencing once per process leaves every other thread
    /// printing. So it is repeated before every call, at the cost of one cheap library call.
    static func silenceAutomaticPrinting() {
        _ = H5Eset_auto2(chdf5_error_default(), nil, nil)
    }

    /// Discards whatever is on the stack, for callers that turn a failure into `false`.
    static func clear() {
        _ = H5Eclear2(chdf5_error_default())
    }

    /// The stack as one h5py-style message, outermost description first and the innermost in
    /// parentheses; the stack is cleared afterwards.
    static func takeMessage() -> String {
        var entries: [Entry] = []
        withUnsafeMutablePointer(to: &entries) { list in
            // H5E_WALK_DOWNWARD starts at the API function and ends where the error was detected.
            _ = H5Ewalk2(chdf5_error_default(), H5E_WALK_DOWNWARD, { _, error, data in
                guard let error, let data else { return 0 }
                let description = error.pointee.desc.map { String(cString: $0) } ?? ""
                data.assumingMemoryBound(to: [Entry].self).pointee.append(
                    Entry(description: description, minor: error.pointee.min_num))
                return 0
            }, list)
        }
        clear()
        // Some descriptions span lines (H5F_open embeds a ctime() timestamp); keep one line.
        let texts = entries.map { $0.description.isEmpty ? minorMessage($0.minor) : $0.description }
            .map(oneLine).filter { !$0.isEmpty }
        guard let outer = texts.first, let inner = texts.last else {
            return "HDF5 reported failure without an error stack"
        }
        return texts.count == 1 || outer == inner ? outer : "\(outer) (\(inner))"
    }

    private struct Entry {
        let description: String
        let minor: hid_t
    }

    /// `text` with its lines trimmed and joined by single spaces.
    private static func oneLine(_ text: String) -> String {
        text.components(separatedBy: .newlines)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }

    /// The library's text for a minor error number, used when an entry has no description.
    private static func minorMessage(_ minor: hid_t) -> String {
        var kind = H5E_MINOR
        let length = H5Eget_msg(minor, &kind, nil, 0)
        guard length > 0 else { return "" }
        var buffer = [CChar](repeating: 0, count: length + 1)
        _ = H5Eget_msg(minor, &kind, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

