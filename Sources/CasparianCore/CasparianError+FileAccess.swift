#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension CasparianError {
    /// The error for a file that could not be opened or read, by the errno
    /// the system gave: a missing file is `notFound`, one the user running
    /// Casparian may not read is `permissionDenied` (not "not found": the
    /// fix is a chmod, not a path), anything else `environment`.
    public static func cannotRead(_ path: String, errno code: Int32) -> CasparianError {
        let reason = String(cString: strerror(code))
        switch code {
        case ENOENT, ENOTDIR:
            return CasparianError(.notFound, "cannot read \(path): \(reason)", hint: "check that the file exists")
        case EACCES, EPERM:
            return CasparianError(
                .permissionDenied, "permission denied: \(path) cannot be read by \(currentUser())",
                hint: "make it readable by that user (chmod o+r on the file, o+x on its folders), or leave it out")
        default:
            return CasparianError(.environment, "cannot read \(path): \(reason)", hint: "check that the file exists and is readable")
        }
    }

    private static func currentUser() -> String {
        let uid = geteuid()
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name { return "user \(String(cString: name))" }
        return "uid \(uid)"
    }
}
