import Foundation

/// A plugin on disk: `plugins/<name>/parser.py`, and `contract.json` once approved.
///
/// Metadata is read from the source text, never by executing it: listing
/// plugins must not run their top-level code in the host.
public struct PluginDirectory: Sendable, Equatable {
    public var url: URL
    public var name: String
    /// `version = "..."` in the source, or a hash of the source.
    public var version: String
    /// `pattern = "..."`: a glob of the files this plugin claims.
    public var pattern: String?
    /// `outputs = [...]`, when declared.
    public var outputs: [String]
    /// The module docstring's first line.
    public var summary: String?
    public var sourceHash: String

    public var parserURL: URL { url.appendingPathComponent("parser.py") }
    public var contractURL: URL { url.appendingPathComponent("contract.json") }

    /// Reads a plugin directory. `url` may also point at the `parser.py` itself.
    public init(url given: URL) throws {
        var dir = given.standardizedFileURL
        if dir.lastPathComponent == "parser.py" { dir.deleteLastPathComponent() }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir) else {
            throw CasparianError(
                .notFound, "plugin directory \(given.path) does not exist",
                hint: "pass a folder that contains parser.py, e.g. plugins/sales")
        }
        guard isDir.boolValue else {
            throw CasparianError(
                .usage, "\(given.path) is not a plugin directory",
                hint: "pass the folder that contains parser.py")
        }
        let parser = dir.appendingPathComponent("parser.py")
        guard let data = FileManager.default.contents(atPath: parser.path) else {
            throw CasparianError(
                .notFound, "plugin \(dir.lastPathComponent) has no parser.py (looked for \(parser.path))",
                hint: "create it with `casparian new \(dir.lastPathComponent)`")
        }
        let source = String(decoding: data, as: UTF8.self)
        let meta = PluginSourceMetadata(source: source)
        self.url = dir
        self.name = meta.name ?? dir.lastPathComponent
        self.sourceHash = StableHash.hex(data)
        self.version = meta.version ?? String(sourceHash.prefix(12))
        self.pattern = meta.pattern
        self.outputs = meta.outputs
        self.summary = meta.docstringFirstLine
    }

    /// Every plugin directory directly under `root`, sorted by name.
    public static func list(in root: URL) throws -> [PluginDirectory] {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(at: root, includingPropertiesForKeys: nil) else {
            throw CasparianError(
                .notFound, "plugins folder \(root.path) does not exist or cannot be read",
                hint: "create it, or pass the right folder")
        }
        return
            try entries
            .filter { fm.fileExists(atPath: $0.appendingPathComponent("parser.py").path) }
            .map { try PluginDirectory(url: $0) }
            .sorted { $0.name < $1.name }
    }
}

/// Top-level literal assignments read from a parser's source.
struct PluginSourceMetadata {
    var name: String?
    var version: String?
    var pattern: String?
    var outputs: [String] = []
    var docstringFirstLine: String?

    init(source: String) {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines {
            guard let first = line.first, first.isLetter || first == "_" else { continue }
            if let v = Self.stringLiteral(assignedTo: "version", in: line) { version = v }
            if let v = Self.stringLiteral(assignedTo: "pattern", in: line) { pattern = v }
            if let v = Self.stringLiteral(assignedTo: "name", in: line) { name = v }
            if line.hasPrefix("outputs"), let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") {
                outputs = line[line.index(after: open)..<close]
                    .split(separator: ",")
                    .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"'")) }
                    .filter { !$0.isEmpty }
            }
        }
        let trimmed = source.drop { $0.isWhitespace }
        for quote in ["\"\"\"", "'''"] where trimmed.hasPrefix(quote) {
            let body = trimmed.dropFirst(3)
            let firstLine = body.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
            docstringFirstLine = firstLine.replacingOccurrences(of: quote, with: "").trimmingCharacters(in: .whitespaces)
        }
    }

    /// `key = "value"` or `key = 'value'` at the start of a line.
    static func stringLiteral(assignedTo key: String, in line: Substring) -> String? {
        guard line.hasPrefix(key) else { return nil }
        var rest = line.dropFirst(key.count).drop { $0 == " " || $0 == "\t" }
        if rest.first == ":" {  // annotated: version: str = "1"
            guard let eq = rest.firstIndex(of: "=") else { return nil }
            rest = rest[eq...]
        }
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
        guard let q = rest.first, q == "\"" || q == "'" else { return nil }
        let body = rest.dropFirst()
        guard let end = body.firstIndex(of: q) else { return nil }
        return String(body[..<end])
    }
}
