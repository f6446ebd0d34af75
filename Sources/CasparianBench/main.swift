// `casparian-bench NAME`: in-process benchmarks of the engine's libraries
// (release build). Each prints its figures and a ratio against the baseline
// it names, measured in the same run. Scripts in scripts/bench/ call it.
import Catalog
import Foundation
import PluginHost

let benches: [String: () throws -> Void] = [
    "frames": FrameBench.run,
    "hash": HashBench.run,
    "pool": PoolBench.run,
    "solver": SolverBench.run,
    "validation": ValidationBench.run,
    "output-store": OutputStoreBench.run,
]

let name = CommandLine.arguments.dropFirst().first ?? ""
guard let bench = benches[name] else {
    FileHandle.standardError.write(Data("usage: casparian-bench \(benches.keys.sorted().joined(separator: "|"))\n".utf8))
    exit(2)
}
Catalog.configureSQLiteForProcess()  // as the casparian binary does
HostAllocator.keepFreedBatchMemoryForReuse()
do {
    try bench()
} catch {
    FileHandle.standardError.write(Data("casparian-bench \(name): \(error)\n".utf8))
    exit(1)
}
