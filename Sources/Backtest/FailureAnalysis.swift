import Foundation

/// Failed files grouped by what went wrong, with a suggestion.
public struct FailureCluster: Codable, Sendable, Equatable {
    public var category: FailureCategory
    public var column: String?
    /// The message with its values masked (`time data '…' does not match format '%m/%d/%Y'`).
    public var pattern: String
    public var files: Int
    /// Share of the failed files, 0…1.
    public var share: Double
    public var sampleFiles: [String]
    public var sampleValues: [String]
    /// The folder most of the cluster's files are in, when they share one.
    public var filePattern: String?
    public var suggestion: String
}

/// Clusters a backtest's failures by category, column, message pattern and
/// file location, and says what would likely fix each cluster.
public enum FailureAnalysis {
    public static func clusters(of results: [FileResult], relativeTo root: String?) -> [FailureCluster] {
        let failed = results.filter { $0.status == .failed }
        guard !failed.isEmpty else { return [] }
        struct Key: Hashable {
            var category: FailureCategory
            var column: String?
            var pattern: String
        }
        var groups: [Key: (files: [String], values: [String])] = [:]
        var order: [Key] = []
        for r in failed {
            var seen = Set<Key>()
            let items: [(FailureCategory, String?, String, String?)] =
                r.problems.isEmpty
                ? [(r.category ?? .pluginError, nil, r.message ?? "", nil)]
                : r.problems.map { ($0.category, $0.column, $0.message, $0.got) }
            for (category, column, message, got) in items {
                let key = Key(category: category, column: column, pattern: mask(message))
                if groups[key] == nil {
                    order.append(key)
                    groups[key] = ([], [])
                }
                if seen.insert(key).inserted { groups[key]!.files.append(relative(r.path, root)) }
                let sample = got ?? firstQuoted(in: message)
                if let sample, groups[key]!.values.count < 5, !groups[key]!.values.contains(sample) {
                    groups[key]!.values.append(sample)
                }
            }
        }
        return order.map { key in
            let g = groups[key]!
            let folder = commonFolder(g.files)
            return FailureCluster(
                category: key.category, column: key.column, pattern: key.pattern, files: g.files.count,
                share: Double(g.files.count) / Double(failed.count), sampleFiles: Array(g.files.prefix(3)),
                sampleValues: g.values, filePattern: folder,
                suggestion: suggest(
                    category: key.category, column: key.column, pattern: key.pattern,
                    files: g.files.count, folder: folder, values: g.values))
        }
        .sorted { $0.files != $1.files ? $0.files > $1.files : $0.pattern < $1.pattern }
    }

    /// Masks values in a message so that messages about different values group.
    static func mask(_ message: String) -> String {
        var out = ""
        var quote: Character? = nil
        var quoted = ""
        for ch in message.prefix(300) {
            if let q = quote {
                if ch == q {
                    out += quoted.contains(where: \.isNumber) || quoted.count > 24 ? "\(q)…\(q)" : "\(q)\(quoted)\(q)"
                    quote = nil
                    quoted = ""
                } else {
                    quoted.append(ch)
                }
            } else if ch == "'" || ch == "\"" {
                quote = ch
            } else {
                out.append(ch)
            }
        }
        if let q = quote { out += "\(q)\(quoted)" }
        return maskBareNumbers(out)
    }

    /// Replaces each whole number (a digit run between non-word characters,
    /// as the regex `\b\d+\b`) with `N`: row numbers and counts. Done by hand
    /// because Foundation's regular expressions load ICU on first use, which
    /// cost a fail-fast backtest more than the rest of its analysis.
    static func maskBareNumbers(_ text: String) -> String {
        let chars = Array(text)
        func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            guard c.isASCII, c.isNumber, i == 0 || !isWord(chars[i - 1]) else {
                out.append(c)
                i += 1
                continue
            }
            var j = i
            while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
            if j == chars.count || !isWord(chars[j]) {
                out.append("N")
            } else {
                out.append(contentsOf: chars[i..<j])
            }
            i = j
        }
        return out
    }

    static func firstQuoted(in message: String) -> String? {
        guard let open = message.firstIndex(where: { $0 == "'" || $0 == "\"" }) else { return nil }
        let q = message[open]
        let rest = message[message.index(after: open)...]
        guard let close = rest.firstIndex(of: q) else { return nil }
        return String(rest[..<close])
    }

    /// `path` relative to `root` (unchanged when it is not under it).
    public static func relative(_ path: String, _ root: String?) -> String {
        guard let root, !root.isEmpty else { return path }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// The deepest folder containing at least 80% of the files, if any.
    static func commonFolder(_ files: [String]) -> String? {
        var counts: [String: Int] = [:]
        for f in files {
            var parts = f.split(separator: "/").dropLast()
            while !parts.isEmpty {
                counts[parts.joined(separator: "/") + "/", default: 0] += 1
                parts = parts.dropLast()
            }
        }
        let need = Int((Double(files.count) * 0.8).rounded(.up))
        return counts.filter { $0.value >= need }.max { a, b in
            a.key.count != b.key.count ? a.key.count < b.key.count : a.key > b.key
        }?.key
    }

    static func suggest(
        category: FailureCategory, column: String?, pattern: String, files: Int, folder: String?,
        values: [String]
    ) -> String {
        let whereText = folder.map { "\(files) file\(files == 1 ? "" : "s") under `\($0)`" } ?? "\(files) file\(files == 1 ? "" : "s")"
        let col = column.map { "column `\($0)`" } ?? "the parser"
        if values.contains(where: looksDayFirst) {
            let example = values.first(where: looksDayFirst)!
            return "\(whereText) use day-first dates (e.g. \(example)): parse them with %d/%m/%Y there."
        }
        switch category {
        case .pluginError:
            if pattern.contains("UnicodeDecodeError") || pattern.contains("codec can't decode") {
                return "\(whereText) are not valid UTF-8: fall back to another encoding (e.g. latin-1) or decode with errors='replace'."
            }
            if let v = values.first(where: { ["N/A", "NA", "", "null", "-", "n/a"].contains($0) }) {
                return "\(whereText) contain '\(v)' where a number is expected: treat it as a missing value (None)."
            }
            if pattern.contains("does not match format") {
                return
                    "\(whereText) have values in another format than the parser expects (e.g. \(values.first ?? "?")): handle that format."
            }
            return "\(whereText) raise the same error in the parser: \(pattern.prefix(120))"
        case .nullNotAllowed:
            return "\(col) is null in \(whereText): amend the contract to make it nullable, or have the parser fill a value."
        case .missingColumn:
            return
                "\(col) is missing in \(whereText): emit it as None there and amend the contract to make it nullable (or give it a default)."
        case .extraColumn:
            return "\(whereText) emit \(col), which the contract does not have: propose an amendment to add it, or drop it in the parser."
        case .typeMismatch:
            return
                "\(col) has values of another type in \(whereText) (e.g. \(values.first ?? "?")): convert them in the parser or amend the contract's type."
        case .formatMismatch:
            return
                "\(col) has values in another format in \(whereText) (e.g. \(values.first ?? "?")): normalise them in the parser or amend the contract's format."
        case .timeout:
            return "\(whereText) time out: look for an endless loop or very slow parsing there."
        case .memory:
            return "\(whereText) exhaust memory: stream rows instead of building lists, or raise the limit."
        case .crash:
            return "\(whereText) crash the worker (a signal in C code): see the stderr tail of one of them."
        case .exit:
            return "\(whereText) make the plugin exit: return from parse instead of calling sys.exit/os._exit."
        case .badOutput:
            return "\(whereText) yield values Casparian cannot store: \(pattern.prefix(120))"
        }
    }

    /// `22/08/2024`-like: a first field above 12 in a d/m/y shape.
    static func looksDayFirst(_ v: String) -> Bool {
        let parts = v.split(whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" })
        guard parts.count == 3, let a = Int(parts[0]), let b = Int(parts[1]), parts[2].count == 4 || parts[2].count == 2 else {
            return false
        }
        return a > 12 && a <= 31 && b >= 1 && b <= 12
    }
}
