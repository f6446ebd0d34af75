import Foundation

/// Whether this test process runs under a sanitizer (`make sanitize`), and
/// how much slower it then runs: deadlines that guard against hangs are
/// scaled by `slowdown`, so a slow build is not reported as a hang.
public enum Sanitizer {
    public static let address = dlsym(nil, "__asan_init") != nil
    public static let thread = dlsym(nil, "__tsan_init") != nil
    public static var active: Bool { address || thread }
    /// ThreadSanitizer runs code 5–15 times slower, AddressSanitizer about 2 times.
    public static var slowdown: Int { thread ? 15 : address ? 3 : 1 }
}
