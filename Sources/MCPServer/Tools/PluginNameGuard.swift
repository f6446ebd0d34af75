import CasparianCore
import Catalog
import Foundation
import Workspace

/// Keeps `approve_schema` from locking a contract for a misspelt plugin.
///
/// A plugin exists when its folder holds a `parser.py` or a
/// `contract.json`. A name that does not exist is refused, with the
/// closest existing names, when the discovery ran a plugin (its contract
/// belongs to that parser, so another name is a slip); after a discovery of
/// the built-in reader a new name is how a plugin is made, and is refused
/// only when it is one or two edits from an existing name. `confirmedNew`
/// (the tool's `new_plugin: true`) says the new name is meant.
enum PluginNameGuard {
    static func check(_ name: String, discovery: StoredDiscovery, pluginsDirectory: URL, confirmedNew: Bool) throws {
        try check(
            name, discoveryPlugin: discovery.plugin, discoveryID: discovery.id, pluginsDirectory: pluginsDirectory,
            confirmedNew: confirmedNew)
    }

    static func check(_ name: String, discoveryPlugin: String, discoveryID: String, pluginsDirectory: URL, confirmedNew: Bool) throws {
        let existing = existingPlugins(in: pluginsDirectory)
        guard !existing.contains(name), !confirmedNew else { return }
        let close = closest(to: name, among: existing)
        let builtin = discoveryPlugin == DiscoveryParser.builtinName
        if builtin, !close.contains(where: { distance($0, name) <= 2 }) { return }
        let names = close.isEmpty ? "" : "; the closest: \(close.joined(separator: ", "))"
        throw CasparianError(
            .notFound,
            builtin
                ? "there is no plugin \(name), and its name is close to an existing one\(names)"
                : "there is no plugin \(name) (discovery \(discoveryID) ran plugin \(discoveryPlugin))\(names)",
            hint:
                "send the existing plugin's name as plugin (plugins: \(existing.isEmpty ? "none yet" : existing.joined(separator: ", "))), "
                + "or send new_plugin: true to create a plugin named \(name)")
    }

    /// Plugin folders holding a parser or a contract, sorted.
    static func existingPlugins(in directory: URL) -> [String] {
        let fm = FileManager.default
        let names = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { n in
            !n.hasPrefix(".")
                && ["parser.py", "contract.json"].contains {
                    fm.fileExists(atPath: directory.appendingPathComponent(n).appendingPathComponent($0).path)
                }
        }.sorted()
    }

    /// Up to three names, nearest first (edit distance, ignoring case).
    static func closest(to name: String, among names: [String]) -> [String] {
        names.map { ($0, distance($0, name)) }
            .filter { $0.1 <= max(2, name.count / 2) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
            .prefix(3).map(\.0)
    }

    /// Levenshtein distance between the lowercased names.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased())
        let y = Array(b.lowercased())
        if x.isEmpty || y.isEmpty { return max(x.count, y.count) }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count]
    }
}
