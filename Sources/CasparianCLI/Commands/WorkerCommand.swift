import ArgumentParser
import PythonWorker

/// The hidden entry point of worker processes: embeds CPython and speaks the
/// wire protocol on fds 3 (commands) and 4 (data). Started by the host only.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Internal: run a plugin worker (started by casparian itself).",
        shouldDisplay: false)

    @Option var plugin: String
    @Option var python: String
    @Option(name: .customLong("memory-limit")) var memoryLimit: Int = 0
    @Option(name: .customLong("host-pid")) var hostPID: Int32

    func run() throws {
        WorkerMain.run(WorkerConfiguration(pluginDirectory: plugin, pythonExecutable: python,
                                           memoryLimitBytes: memoryLimit, hostPID: hostPID))
    }
}
