import ArgumentParser
import Testing

@testable import CasparianCLI

/// The start-up shortcut that parses a leaf subcommand on its own must only
/// take arguments it parses exactly as the root would; everything else
/// (help, groups, errors) goes through the root for its full usage text.
@Suite("CLI: direct subcommand parsing")
struct DirectParseTests {
    @Test func aLeafSubcommandIsParsedDirectly() throws {
        let command = try #require(CasparianEntry.directSubcommand(["backtest", "sales", "--scope", "s", "--json"]))
        let backtest = try #require(command as? BacktestCommand)
        #expect(backtest.pluginsDir == "sales" && backtest.scope == "s" && backtest.json)
    }

    @Test(arguments: [
        ["backtest", "--help"], ["backtest", "-h"], ["--version"], ["help", "backtest"],
        ["scope", "list"],  // a group: its subcommands are parsed from the root
        ["run"],  // missing argument: the root reports it with the full usage
        ["backtest", "p", "--bogus"], ["nonexistent"], [],
    ])
    func everythingElseGoesThroughTheRoot(arguments: [String]) {
        #expect(CasparianEntry.directSubcommand(arguments) == nil)
    }

    /// A command without an explicit name gets one from `String(describing:)`
    /// of its type: three runtime conformance scans of the whole binary on
    /// every parse from the root (~5 ms of `--help`, groups and errors).
    @Test func everyCommandNamesItself() {
        var unnamed: [String] = []
        func visit(_ command: any ParsableCommand.Type) {
            if command.configuration.commandName == nil { unnamed.append("\(command)") }
            command.configuration.subcommands.forEach(visit)
        }
        visit(Casparian.self)
        #expect(unnamed.isEmpty, "give these a commandName: \(unnamed)")
    }
}
