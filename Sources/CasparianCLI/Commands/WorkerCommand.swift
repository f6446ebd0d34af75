import Foundation
import PythonWorker

/// The hidden entry point of worker processes: embeds CPython and speaks the
/// wire protocol on fds 3 (commands) and 4 (data). Started by the host only,
/// with the arguments `WorkerProcess` writes:
/// `worker --plugin DIR --python EXE [--memory-limit BYTES] --host-pid PID`.
///
/// Parsed by hand: swift-argument-parser builds its command tree by
/// reflection, which cost a worker ~7 ms of its ~40 ms start, and every
/// backtest or run waits for a worker to start.
enum WorkerCommand {
    static func main(_ arguments: [String]) -> Never {
        var values: [String: String] = [:]
        var i = 0
        while i < arguments.count {
            let flag = arguments[i]
            guard ["--plugin", "--python", "--memory-limit", "--host-pid"].contains(flag), i + 1 < arguments.count else {
                fail("unexpected argument '\(flag)'")
            }
            values[flag] = arguments[i + 1]
            i += 2
        }
        guard let plugin = values["--plugin"], let python = values["--python"] else { fail("--plugin and --python are required") }
        guard let hostPID = values["--host-pid"].flatMap(Int32.init) else { fail("--host-pid needs the host's process id") }
        guard let memoryLimit = Int(values["--memory-limit"] ?? "0") else { fail("--memory-limit needs a number of bytes") }
        WorkerMain.run(WorkerConfiguration(pluginDirectory: plugin, pythonExecutable: python,
                                           memoryLimitBytes: memoryLimit, hostPID: hostPID))
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("""
            casparian worker: \(message)
            This is an internal command that casparian starts for itself; it is not meant to be run by hand.
            Usage: casparian worker --plugin DIR --python EXE [--memory-limit BYTES] --host-pid PID

            """.utf8))
        exit(2)
    }
}
