import ArgumentParser
import CLISupport
import Foundation

/// `casparian lab`: becomes `casparian-lab` (exec, same process), the
/// binary that holds the Parser Lab's web server, as `casparian mcp` becomes
/// `casparian-mcp`: SwiftNIO stays out of every other command.
struct LabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab", abstract: LabServeOptions.abstract, discussion: LabServeOptions.discussion)

    @OptionGroup var options: LabServeOptions

    static let binaryName = "casparian-lab"

    func run() throws {
        try ExecSibling.exec(binaryName: Self.binaryName, override: "CASPARIAN_LAB_BINARY", subcommand: "lab", what: "the Parser Lab")
    }
}
