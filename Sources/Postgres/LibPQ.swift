import CLibPQ
import CasparianCore

/// libpq's functions, from libpq.so.5 opened on first use (see CLibPQ).
enum LibPQ {
    /// The function table, loading libpq the first time; an `.environment`
    /// error saying how to install it when the library cannot be loaded.
    static func functions() throws -> UnsafePointer<CLibPQFunctions> {
        var failure: UnsafePointer<CChar>?
        if let functions = clibpq_load(&failure) { return functions }
        let reason = failure.map { String(cString: $0) } ?? "unknown reason"
        throw CasparianError(
            .environment, "a PostgreSQL target needs libpq, which is not installed (\(reason))",
            hint: "install it (Debian/Ubuntu: apt-get install libpq5) and run again")
    }
}
