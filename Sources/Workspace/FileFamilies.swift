import Foundation
import Inference

/// Groups the files the built-in reader discovers into families by their
/// columns, so that a folder of unrelated exports gives one output per kind
/// of file instead of one union table.
///
/// Files with the same columns are one family; so are files whose columns
/// overlap mostly (a `discount` column added from July on): two groups of
/// files join when they share at least half of the columns either has
/// (Jaccard similarity ≥ `threshold`, on names compared case- and
/// punctuation-blind). A family is named after what its files share — their
/// common file-name stem, else their common folder — as a valid SQL table
/// name, unique within the discovery and stable for the same files.
public enum FileFamilies {
    /// One family: its output name and its files, in discovery order.
    public struct Family: Sendable, Equatable {
        public var name: String
        public var files: [Int]
    }

    /// The share of columns two groups of files must share to be one family.
    public static let threshold = 0.5

    /// Families of files, given each file's column names (nil for a file
    /// whose header could not be read: it is a family of its own) and its
    /// name (relative path), in discovery order. Families come in the order
    /// of their first file.
    public static func group(columns: [[String]?], names: [String]) -> [Family] {
        // Files with identical column sets first: the clustering then runs over distinct headers.
        var signatureIndex: [Set<String>: Int] = [:]
        var signatures: [Set<String>] = []
        var members: [[Int]] = []
        var loners: [Int] = []
        for (i, cols) in columns.enumerated() {
            guard let cols, !cols.isEmpty else {
                loners.append(i)
                continue
            }
            let key = Set(cols.map(normalized))
            if let k = signatureIndex[key] {
                members[k].append(i)
            } else {
                signatureIndex[key] = signatures.count
                signatures.append(key)
                members.append([i])
            }
        }
        // Union of similar headers.
        var parent = Array(signatures.indices)
        func root(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        for a in signatures.indices {
            for b in (a + 1)..<signatures.count where root(a) != root(b) {
                let shared = signatures[a].intersection(signatures[b]).count
                let all = signatures[a].union(signatures[b]).count
                if Double(shared) >= threshold * Double(all) { parent[root(b)] = root(a) }
            }
        }
        var byRoot: [Int: [Int]] = [:]
        for k in signatures.indices { byRoot[root(k), default: []] += members[k] }
        var groups = byRoot.values.map { $0.sorted() } + loners.map { [$0] }
        groups.sort { $0[0] < $1[0] }
        var used: Set<String> = []
        return groups.map { files in
            let base = familyName(files.map { names[$0] })
            var name = base
            var n = 2
            while !used.insert(name).inserted {
                name = "\(base)_\(n)"
                n += 1
            }
            return Family(name: name, files: files)
        }
    }

    /// Column names of a family that differ only in case, spaces or
    /// punctuation, with up to 5 files per spelling.
    public static func nearDuplicates(columns: [(file: String, names: [String])]) -> [OutputInference.NearDuplicate] {
        var spellings: [String: [String: [String]]] = [:]
        var order: [String] = []
        for (file, names) in columns {
            for n in names {
                let key = normalized(n)
                if spellings[key] == nil { order.append(key) }
                var files = spellings[key, default: [:]][n, default: []]
                if files.count < 5 { files.append(file) }
                spellings[key, default: [:]][n] = files
            }
        }
        return order.compactMap { key in
            guard let s = spellings[key], s.count > 1 else { return nil }
            return OutputInference.NearDuplicate(spellings: s.keys.sorted(), files: s)
        }
    }

    /// `Order ID` and `order_id` are the same column name for grouping.
    static func normalized(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) })
    }

    /// What the files share, as a table name: the common stem of their file
    /// names (`sales_2024-01.csv`, `sales_2024-02.csv` → `sales`), else their
    /// common folder, else the first file's stem.
    static func familyName(_ names: [String]) -> String {
        let stems = names.map(stem)
        var prefix = stems.first ?? ""
        for s in stems.dropFirst() {
            prefix = String(zip(prefix, s).prefix { $0 == $1 }.map(\.0))
        }
        // A shared date or counter is not a name: `sales_2024-` → `sales`.
        let trimmed = String(prefix.reversed().drop { !$0.isLetter }.reversed())
        if let name = tableName(trimmed), trimmed.count >= 2 { return name }
        let folders = names.map { ($0 as NSString).deletingLastPathComponent }
        if let folder = folders.first, !folder.isEmpty, folders.allSatisfy({ $0 == folder }),
            let name = tableName((folder as NSString).lastPathComponent)
        {
            return name
        }
        return tableName(stems.first ?? "") ?? "data"
    }

    /// The file name without folder and extensions (`.csv`, `.csv.gz`).
    static func stem(_ name: String) -> String {
        var url = URL(fileURLWithPath: name)
        if url.pathExtension.lowercased() == "gz" { url.deletePathExtension() }
        return url.deletingPathExtension().lastPathComponent
    }

    /// `text` as a valid, safe SQL table name (lower case letters, digits
    /// and `_`, starting with a letter, not reserved), or nil when nothing
    /// is left of it.
    static func tableName(_ text: String) -> String? {
        var out = ""
        var lastUnderscore = false
        for ch in text.lowercased() {
            if ch.isASCII && (ch.isLetter || ch.isNumber) {
                out.append(ch)
                lastUnderscore = false
            } else if !lastUnderscore && !out.isEmpty {
                out.append("_")
                lastUnderscore = true
            }
        }
        while out.hasSuffix("_") { out.removeLast() }
        guard !out.isEmpty else { return nil }
        if out.first!.isNumber || out.hasPrefix("sqlite_") { out = "t_" + out }
        return String(out.prefix(60))
    }
}
