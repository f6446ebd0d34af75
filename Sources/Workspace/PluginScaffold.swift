import CasparianCore
import Foundation
import Inference

/// Writes a new plugin folder: a `parser.py` that already parses the sample
/// it was made from (CSV/TSV with the sniffed dialect and encoding, or JSON
/// Lines), and a copy of the sample under `samples/` for `casparian test`.
public enum PluginScaffold {
    public enum Format: String, Sendable, Codable {
        case csv, tsv, jsonl
    }

    public struct Result: Sendable, Codable {
        public var plugin: String
        public var directory: String
        public var format: Format
        public var pattern: String
        public var sample: String?
    }

    public static func create(name: String, in pluginsDirectory: URL, from sample: URL?) throws -> Result {
        try Workspace.checkPluginName(name)
        let dir = pluginsDirectory.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("parser.py").path) {
            throw CasparianError(
                .conflict, "plugin \(name) already exists at \(dir.path)",
                hint: "pick another name, or edit \(dir.appendingPathComponent("parser.py").path)")
        }
        var format = Format.csv
        var dialect = CSVDialect()
        var pattern = "**/*.csv"
        var gzip = false
        if let sample {
            guard FileManager.default.isReadableFile(atPath: sample.path) else {
                throw CasparianError(
                    .notFound, "sample file \(sample.path) does not exist or cannot be read",
                    hint: "pass --from with one of the files the plugin should parse")
            }
            // A gzip sample is sniffed decompressed, and its parser reads it with gzip.open.
            let (head, compression) = try ContentHead.read(sample.path, limit: 64 * 1024)
            gzip = compression == .gzip
            if looksLikeJSONLines(head) {
                format = .jsonl
            } else {
                dialect = CSVSniffer.sniff(head: head)
                format = dialect.delimiter == 9 ? .tsv : .csv
            }
            pattern = "**/*" + Self.extensions(of: sample, compressed: gzip)
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var samplePath: String? = nil
        if let sample {
            let samples = dir.appendingPathComponent("samples")
            try FileManager.default.createDirectory(at: samples, withIntermediateDirectories: true)
            let target = samples.appendingPathComponent(sample.lastPathComponent)
            if !FileManager.default.fileExists(atPath: target.path) { try FileManager.default.copyItem(at: sample, to: target) }
            samplePath = target.path
        }
        let source =
            format == .jsonl
            ? jsonlParser(name: name, pattern: pattern, sample: sample?.lastPathComponent, gzip: gzip)
            : csvParser(name: name, pattern: pattern, dialect: dialect, sample: sample?.lastPathComponent, gzip: gzip)
        try Data(source.utf8).write(to: dir.appendingPathComponent("parser.py"), options: .atomic)
        return Result(plugin: name, directory: dir.path, format: format, pattern: pattern, sample: samplePath)
    }

    /// The extension a plugin's pattern keeps: `.csv`, or `.csv.gz` for a
    /// compressed sample (so the plugin does not claim every `.gz` file).
    static func extensions(of sample: URL, compressed: Bool) -> String {
        let last = sample.pathExtension
        guard !last.isEmpty else { return "" }
        let inner = sample.deletingPathExtension().pathExtension
        return compressed && !inner.isEmpty ? ".\(inner).\(last)" : ".\(last)"
    }

    /// The line that opens `path` as text in a generated parser.
    static func openLine(gzip: Bool, arguments: String) -> String {
        gzip ? "with gzip.open(path, \"rt\", \(arguments)) as f:" : "with open(path, \(arguments)) as f:"
    }

    static func looksLikeJSONLines(_ head: [UInt8]) -> Bool {
        let text = String(decoding: head, as: UTF8.self)
        let lines = text.split(separator: "\n").prefix(5).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !lines.isEmpty else { return false }
        return lines.dropLast().allSatisfy { line in
            line.hasPrefix("{") && (try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any]
        } && lines.first!.hasPrefix("{")
    }

    static func pythonEncoding(_ e: CSVDialect.Encoding) -> String {
        switch e {
        case .utf8: return "utf-8"
        case .utf8BOM: return "utf-8-sig"
        case .utf16LE: return "utf-16-le"
        case .utf16BE: return "utf-16-be"
        case .latin1: return "latin-1"
        }
    }

    static func pyString(_ s: String) -> String {
        "\""
            + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\t", with: "\\t") + "\""
    }

    static func csvParser(name: String, pattern: String, dialect: CSVDialect, sample: String?, gzip: Bool) -> String {
        let delimiter = String(UnicodeScalar(dialect.delimiter))
        let quote = String(UnicodeScalar(dialect.quote))
        return """
            \"\"\"\(name): \(dialect.delimiter == 9 ? "tab" : "comma")-separated files\(sample.map { " like \($0)" } ?? "").

            Generated by `casparian new`; edit freely. Each row is yielded as a
            dict of column name -> text. Convert values here (int(), float(),
            datetime.strptime(...)) so the contract can lock real types, and map
            missing-value markers such as "N/A" to None.
            \"\"\"
            import csv\(gzip ? "\nimport gzip" : "")

            pattern = \(pyString(pattern))

            ENCODING = \(pyString(pythonEncoding(dialect.encoding)))
            DELIMITER = \(pyString(delimiter))
            QUOTE = \(pyString(quote))


            def parse(path, ctx):
                \(openLine(gzip: gzip, arguments: "newline=\"\", encoding=ENCODING"))
                    reader = csv.reader(f, delimiter=DELIMITER, quotechar=QUOTE)
                    header = next(reader, None)
                    if header is None:
                        return  # an empty file has no rows
                    \(dialect.hasHeader ? "columns = [name.strip() or f\"column_{i + 1}\" for i, name in enumerate(header)]" : "columns = [f\"column_{i + 1}\" for i in range(len(header))]")
                    rows = \(dialect.hasHeader ? "reader" : "[header, *reader]")
                    for number, record in enumerate(rows, start=2):
                        if not record:
                            continue  # blank line
                        if len(record) != len(columns):
                            ctx.logger.warning("%s line %d has %d fields, expected %d", path, number, len(record), len(columns))
                        yield dict(zip(columns, record))

            """
    }

    static func jsonlParser(name: String, pattern: String, sample: String?, gzip: Bool) -> String {
        """
        \"\"\"\(name): JSON Lines files\(sample.map { " like \($0)" } ?? "") (one JSON object per line).

        Generated by `casparian new`; edit freely. Nested objects are flattened
        to `parent.child` columns; lists are kept as JSON text.
        \"\"\"
        \(gzip ? "import gzip\n" : "")import json

        pattern = \(pyString(pattern))


        def flatten(obj, prefix=""):
            out = {}
            for key, value in obj.items():
                name = f"{prefix}{key}"
                if isinstance(value, dict):
                    out.update(flatten(value, name + "."))
                elif isinstance(value, list):
                    out[name] = json.dumps(value, ensure_ascii=False)
                else:
                    out[name] = value
            return out


        def parse(path, ctx):
            \(openLine(gzip: gzip, arguments: "encoding=\"utf-8\""))
                for number, line in enumerate(f, start=1):
                    line = line.strip()
                    if not line:
                        continue
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as e:
                        raise ValueError(f"line {number} is not valid JSON: {e}") from None
                    if not isinstance(obj, dict):
                        raise ValueError(f"line {number} is a JSON {type(obj).__name__}, not an object")
                    yield flatten(obj)

        """
    }
}
