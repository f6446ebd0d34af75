import CasparianCore
import Foundation
import Testing

@Suite("Errors for files that cannot be read")
struct FileAccessErrorTests {
    @Test func permissionDeniedIsNotNotFound() {
        for code in [EACCES, EPERM] {
            let e = CasparianError.cannotRead("/data/locked.csv", errno: code)
            #expect(e.kind == .permissionDenied)
            #expect(e.kind.rawValue == "permission_denied")
            #expect(e.message.contains("permission denied: /data/locked.csv cannot be read by "))
            #expect(e.hint?.contains("chmod") == true)
        }
    }

    @Test func aMissingFileIsNotFound() {
        for code in [ENOENT, ENOTDIR] {
            let e = CasparianError.cannotRead("/data/gone.csv", errno: code)
            #expect(e.kind == .notFound)
            #expect(e.message.contains("/data/gone.csv"))
        }
    }

    @Test func otherErrorsAreTheEnvironment() {
        let e = CasparianError.cannotRead("/data/x.csv", errno: EIO)
        #expect(e.kind == .environment)
    }
}
