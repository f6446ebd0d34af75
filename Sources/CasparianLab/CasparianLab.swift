import ArgumentParser
import CLISupport
import Foundation
import HTTPService
import Lab
import Logging

/// `casparian-lab`: the Parser Lab's web server. `casparian lab` execs it
/// with the same arguments, so SwiftNIO stays out of `casparian`.
@main
struct CasparianLab: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casparian-lab", abstract: LabServeOptions.abstract, discussion: LabServeOptions.discussion,
        version: CasparianVersion.current)

    @OptionGroup var options: LabServeOptions

    static func main() async {
        await CommandMain.run(root: CasparianLab.self, arguments: Array(CommandLine.arguments.dropFirst()))
    }

    func run() async throws {
        var logger = Logger(label: "casparian.lab") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: options.logLevel) ?? .notice
        let http = try HTTPListener.Options(address: options.addr, tokenVariable: options.tokenEnv)
        let environment = try LabEnvironment(
            configuration: LabEnvironment.Configuration(
                workspaceDirectory: options.workspace, pluginsDirectory: options.plugins, python: options.python.python,
                workers: options.jobs ?? ProcessInfo.processInfo.activeProcessorCount),
            logger: logger)
        let open = options.open
        let tokenNote = http.token == nil ? "" : " (first visit: add ?token=YOUR_TOKEN, the value of $\(options.tokenEnv ?? ""))"
        try await LabServer.serve(environment: environment, options: http, logger: logger) { url in
            // Tests and scripts read the URL from this line (for --addr HOST:0).
            let line = "casparian lab: \(url.absoluteString)\(tokenNote)  workspace \(environment.workspace.root.path)  (Ctrl-C stops it)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
            if open { Self.openInBrowser(url) }
        }
    }

    /// Opens `url` with xdg-open; says so when there is none (a server without a desktop).
    static func openInBrowser(_ url: URL) {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/xdg-open" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else {
            FileHandle.standardError.write(
                Data("casparian lab: --open: no xdg-open here (no desktop?); open \(url.absoluteString) in a browser yourself\n".utf8))
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = [url.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            FileHandle.standardError.write(
                Data("casparian lab: could not run xdg-open (\(error)); open \(url.absoluteString) yourself\n".utf8))
        }
    }
}
