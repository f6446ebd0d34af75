@testable import CasparianCLI
import Testing

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
}
