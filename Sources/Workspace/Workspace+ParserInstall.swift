import Catalog
import CasparianCore
import Foundation
import PluginHost

/// What installing a new parser source did.
public struct ParserInstall: Sendable, Equatable, Codable {
    public var plugin: String
    public var version: String
    /// The version it replaced (kept in the catalog), nil for a new plugin.
    public var previousVersion: String?
    public var created: Bool
    public var parserFile: String
}

extension Workspace {
    /// Writes `source` as `PLUGINS/<plugin>/parser.py` (creating the plugin
    /// when it does not exist), atomically: a temporary file in the same
    /// folder renamed over the old one. The previous source and the new one
    /// are kept in the catalog's `parser_versions`, so no version is lost.
    public func installParser(plugin: String, source: String, pluginsDirectory: URL? = nil) throws -> ParserInstall {
        try Workspace.checkPluginName(plugin)
        guard !source.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CasparianError(.usage, "the parser source is empty", hint: "send the whole parser.py, with a parse(path, ctx) function")
        }
        guard source.contains("def parse") else {
            throw CasparianError(.usage, "the parser source has no `def parse`",
                                 hint: "a plugin defines parse(path, ctx) (or parse(path)) that yields rows; send the whole file")
        }
        let folder = (pluginsDirectory ?? defaultPluginsDirectory).appendingPathComponent(plugin)
        let parser = folder.appendingPathComponent("parser.py")
        let fm = FileManager.default
        var previous: PluginDirectory? = nil
        if fm.fileExists(atPath: parser.path) {
            let old = try PluginDirectory(url: folder)
            let oldSource = try String(contentsOf: parser, encoding: .utf8)
            try catalog.saveParserVersion(plugin: plugin, version: old.version, sourceHash: old.sourceHash, source: oldSource)
            previous = old
        }
        do {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(source.utf8).write(to: parser, options: .atomic)
        } catch {
            throw CasparianError(.environment, "cannot write \(parser.path): \(error.localizedDescription)",
                                 hint: "check that the plugins folder is writable")
        }
        let new = try PluginDirectory(url: folder)
        try catalog.saveParserVersion(plugin: plugin, version: new.version, sourceHash: new.sourceHash, source: source)
        return ParserInstall(plugin: plugin, version: new.version, previousVersion: previous?.version, created: previous == nil,
                             parserFile: parser.path)
    }
}
