import CasparianTestSupport
import Foundation

/// `CLIRunner` with the package root as the working directory (the
/// examples are addressed relative to it).
enum BuiltBinary {
    typealias Result = CLIRunner.Result

    static var packageRoot: URL { PackageRoot.url }

    static func run(_ arguments: [String], in directory: URL = PackageRoot.url) throws -> Result {
        try CLIRunner.run(arguments, in: directory)
    }
}
