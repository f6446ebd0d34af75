import ArgumentParser
import Foundation
import PluginHost

/// `--python`: which interpreter runs plugins.
struct PythonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The Python that runs plugins: an interpreter or a virtual environment folder.",
        discussion: "Default: $CASPARIAN_PYTHON, else a .venv/ in the plugin directory, else /usr/bin/python3."))
    var python: String?

    func environment(pluginDirectory: URL?) -> WorkerEnvironment {
        WorkerEnvironment(pythonExecutable: WorkerEnvironment.resolvePython(explicit: python, pluginDirectory: pluginDirectory),
                          workerExecutable: WorkerEnvironment.defaultWorkerExecutable())
    }
}
