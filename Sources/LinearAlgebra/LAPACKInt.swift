import CLAPACK

/// LAPACK's integer type. `lapack_int` is a `#define` in `lapacke_config.h` (`int32_t` in the
/// LP64 build Debian ships), which Swift cannot import, so it is restated here.
typealias LAPACKInt = Int32

/// Compile-time guard, never called: it only type-checks while LAPACKE's integer is
/// `LAPACKInt`, so an ILP64 (64-bit integer) library fails the build here instead of receiving
/// corrupted arguments at run time.
private func assertLAPACKIntMatchesLibrary() {
    let _: (
        UnsafeMutablePointer<LAPACKInt>?, UnsafeMutablePointer<LAPACKInt>?,
        UnsafeMutablePointer<LAPACKInt>?
    ) -> Void = LAPACKE_ilaver
}
