import CasparianCore
import Foundation
import Inference

/// The files a command was pointed at: files as given, folders expanded
/// recursively (hidden entries skipped), filtered by a glob when a plugin
/// declares a `pattern`, or by extension for the built-in CSV reader.
public struct FileSet: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// The absolute path to read.
        public var path: String
        /// How reports name it: relative to the folder it was found in, or as given.
        public var name: String
        public var size: Int
    }

    public var entries: [Entry]

    /// Extensions the built-in CSV reader claims inside folders.
    public static let delimitedExtensions: Set<String> = ["csv", "tsv", "tab", "txt", "psv", "dat"]

    /// Expands `paths`. `pattern` is a glob (`**/sales_*.csv`) matched
    /// against names relative to a folder; `extensions` filters folder
    /// entries when there is no pattern. Files named directly are always taken.
    public init(paths: [String], pattern: String?, extensions: Set<String>?) throws {
        let fm = FileManager.default
        var out: [Entry] = []
        for p in paths {
            let url = URL(fileURLWithPath: p).standardizedFileURL
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: url.path, isDirectory: &isDir) else {
                throw CasparianError(.notFound, "\(p) does not exist", hint: "pass files or folders that exist")
            }
            guard isDir.boolValue else {
                out.append(Entry(path: url.path, name: p, size: FileSet.size(url.path)))
                continue
            }
            guard
                let walker = fm.enumerator(
                    at: url, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey],
                    options: [.skipsHiddenFiles])
            else { continue }
            var found: [Entry] = []
            for case let file as URL in walker {
                let values = try? file.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
                guard values?.isRegularFile == true else { continue }
                let rel = String(file.standardizedFileURL.path.dropFirst(url.path.count + 1))
                if let pattern {
                    guard Glob.matches(pattern, rel) else { continue }
                } else if let extensions, !extensions.contains(file.pathExtension.lowercased()) {
                    continue
                }
                found.append(Entry(path: file.standardizedFileURL.path, name: rel, size: values?.fileSize ?? 0))
            }
            out += found.sorted { $0.name < $1.name }
        }
        entries = out
    }

    /// The entries a sample plan picks (all of them without a plan).
    public func sampled(_ plan: SamplePlan?) -> [Entry] {
        guard let plan else { return entries }
        let chosen = Set(plan.select(entries.map { SamplePlan.File(name: $0.name, size: $0.size) }).map(\.name))
        return entries.filter { chosen.contains($0.name) }
    }

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}

/// Shell-style globs over `/`-separated names: `*` and `?` within a
/// segment, `**` across segments (`**/x` also matches `x`).
public enum Glob {
    public static func matches(_ pattern: String, _ name: String) -> Bool {
        match(
            Array(pattern.split(separator: "/", omittingEmptySubsequences: false)),
            Array(name.split(separator: "/", omittingEmptySubsequences: false)))
    }

    private static func match(_ p: [Substring], _ n: [Substring]) -> Bool {
        guard let head = p.first else { return n.isEmpty }
        if head == "**" {
            let rest = Array(p.dropFirst())
            for k in 0...n.count where match(rest, Array(n.dropFirst(k))) { return true }
            return false
        }
        guard let first = n.first, segment(Array(head), Array(first)) else { return false }
        return match(Array(p.dropFirst()), Array(n.dropFirst()))
    }

    private static func segment(_ p: [Character], _ s: [Character]) -> Bool {
        var pi = 0
        var si = 0
        var star = -1
        var mark = 0
        while si < s.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == s[si]) {
                pi += 1
                si += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi
                mark = si
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                si = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
