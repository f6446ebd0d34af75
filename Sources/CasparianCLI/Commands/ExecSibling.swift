import CasparianCore
import Foundation
import PluginHost

#if canImport(Glibc)
    import Glibc
#endif

/// Becomes a binary built beside `casparian` (exec, same process) with the
/// arguments given after `subcommand`: how `casparian mcp` and `casparian lab`
/// keep the libraries of their servers out of every other command.
enum ExecSibling {
    static func exec(binaryName: String, override: String, subcommand: String, what: String) throws -> Never {
        let binary = WorkerEnvironment.siblingExecutable(named: binaryName, override: override)
        // The arguments exactly as given after the subcommand (already validated here).
        let rest = CommandLine.arguments.dropFirst().drop(while: { $0 != subcommand }).dropFirst()
        let argv = ([binary] + rest).map { strdup($0) } + [nil]
        execv(binary, argv)
        let reason = String(cString: strerror(errno))
        throw CasparianError(
            .environment, "could not start \(what) \(binary): \(reason)",
            hint:
                "\(binaryName) is built beside casparian (`make build` or `make release`) and must stay next to it; or set \(override) to its path"
        )
    }
}
