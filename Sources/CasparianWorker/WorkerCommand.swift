import Foundation
import PythonWorker

/// The worker's command line, as `WorkerProcess` writes it:
/// `casparian-worker --plugin DIR --python EXE [--memory-limit BYTES] [--nice N] --host-pid PID`.
///
/// Parsed by hand: swift-argument-parser builds its command tree by
/// reflection, which cost a worker ~7 ms of its ~40 ms start.
enum WorkerCommand {
    static func main(_ arguments: [String]) -> Never {
        var values: [String: String] = [:]
        var i = 0
        while i < arguments.count {
            let flag = arguments[i]
            guard ["--plugin", "--python", "--memory-limit", "--nice", "--host-pid"].contains(flag), i + 1 < arguments.count else {
                fail("unexpected argument '\(flag)'")
            }
            values[flag] = arguments[i + 1]
            i += 2
        }
        guard let plugin = values["--plugin"], let python = values["--python"] else { fail("--plugin and --python are required") }
        guard let hostPID = values["--host-pid"].flatMap(Int32.init) else { fail("--host-pid needs the host's process id") }
        guard let memoryLimit = Int(values["--memory-limit"] ?? "0") else { fail("--memory-limit needs a number of bytes") }
        guard let niceness = Int32(values["--nice"] ?? "0"), (0...19).contains(niceness) else { fail("--nice needs 0 to 19") }
        // A worker started ahead of need (the previous parser version's, for
        // a backtest's examples) yields the cores to the parsing; set before
        // any thread starts, so every thread of the worker has it.
        if niceness > 0 { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) }
        WorkerMain.run(
            WorkerConfiguration(
                pluginDirectory: plugin, pythonExecutable: python,
                memoryLimitBytes: memoryLimit, hostPID: hostPID))
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(
            Data(
                """
                casparian-worker: \(message)
                This is the plugin worker that casparian starts for itself; it is not meant to be run by hand.
                Usage: casparian-worker --plugin DIR --python EXE [--memory-limit BYTES] [--nice N] --host-pid PID

                """.utf8))
        exit(2)
    }
}
