#if canImport(Glibc)
import Glibc
#endif

/// Hands the memory the C heap holds free back to the system (glibc's `malloc_trim`). Under a scan flood
/// the radio thread allocates what the UI thread frees, in every size; glibc keeps the freed pages, so the
/// resident size creeps up for minutes while the live heap stays flat (docs/performance.md, "Memory under
/// a scan flood"). Trimming every few seconds keeps the resident size with the live heap. Elsewhere a no-op.
struct HeapTrim {
    #if canImport(Glibc)
    private typealias Trim = @convention(c) (Int) -> Int32
    // The Glibc module does not export malloc_trim (malloc.h): it is looked up in the C library once.
    private let trim: Trim? = dlsym(nil, "malloc_trim").map { unsafeBitCast($0, to: Trim.self) }
    #endif

    /// Seconds between trims.
    static let interval = 5

    /// Trims now.
    func callAsFunction() {
        #if canImport(Glibc)
        _ = trim?(0)
        #endif
    }
}
