import Foundation

/// The package root, and `CLIRunner` with the package root as the default
/// working directory (the examples are addressed relative to it).
enum BuiltBinary {
    typealias Result = CLIRunner.Result

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ arguments: [String], in directory: URL = packageRoot) throws -> Result {
        try CLIRunner.run(arguments, in: directory)
    }
}
