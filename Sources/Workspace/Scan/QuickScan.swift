import Catalog
import Foundation
import Inference

/// Summarises a folder tree from metadata alone: counts and bytes by
/// extension, top-level folder and size bucket, the largest, newest and
/// oldest files, and what could not be read.
public struct QuickScan: Sendable {
    public var root: URL
    public var options: WalkOptions
    /// How many files the largest/newest/oldest lists hold.
    public var top: Int
    /// Also count files by format, reading this many bytes of each (nil: metadata only).
    public var formatPrefix: Int?

    /// Bytes read per file by `scan --formats`.
    public static let defaultFormatPrefix = 4096

    public init(root: URL, options: WalkOptions = WalkOptions(), top: Int = 10, formatPrefix: Int? = nil) {
        self.root = root
        self.options = options
        self.top = top
        self.formatPrefix = formatPrefix
    }

    /// Size bucket bounds: [0], [1, 1 KiB), [1 KiB, 100 KiB), … , [1 GiB, ∞).
    static let bucketBounds: [(String, Int64)] = [
        ("empty", 0), ("< 1 KiB", 1), ("1–100 KiB", 1 << 10), ("100 KiB–1 MiB", 100 << 10), ("1–10 MiB", 1 << 20),
        ("10–100 MiB", 10 << 20), ("100 MiB–1 GiB", 100 << 20), ("≥ 1 GiB", 1 << 30),
    ]

    public func run() throws -> ScanReport {
        let start = ContinuousClock.now
        var extensions: [String: (files: Int, bytes: Int64)] = [:]
        var folders: [String: (files: Int, bytes: Int64)] = [:]
        var formats: [String: (files: Int, bytes: Int64)] = [:]
        let rootPath = root.standardizedFileURL.path
        var buckets = [(files: Int, bytes: Int64)](repeating: (0, 0), count: Self.bucketBounds.count)
        var largest = TopFiles(capacity: top) { $0.size > $1.size }
        var newest = TopFiles(capacity: top) { $0.mtime > $1.mtime }
        var oldest = TopFiles(capacity: top) { $0.mtime < $1.mtime }
        var files = 0
        var bytes: Int64 = 0
        let summary = try TreeWalker(root: root, options: options).walk { f in
            files += 1
            bytes += f.size
            QuickScan.add(f.size, to: &extensions[QuickScan.fileExtension(f.name), default: (0, 0)])
            QuickScan.add(f.size, to: &folders[f.topFolder, default: (0, 0)])
            let b = QuickScan.bucket(f.size)
            buckets[b].files += 1
            buckets[b].bytes += f.size
            if let prefix = formatPrefix {
                let name = (try? FormatAnalyzer.analyze(path: rootPath + "/" + f.relativePath, prefix: prefix).label) ?? "unreadable"
                formats[name, default: (0, 0)].files += 1
                formats[name, default: (0, 0)].bytes += f.size
            }
            largest.offer(f)
            newest.offer(f)
            oldest.offer(f)
        }
        let groups = { (d: [String: (files: Int, bytes: Int64)], byBytes: Bool) in
            d.map { ScanReport.Group(name: $0.key, files: $0.value.files, bytes: $0.value.bytes) }
                .sorted { byBytes ? ($0.bytes, $1.name) > ($1.bytes, $0.name) : ($0.files, $1.name) > ($1.files, $0.name) }
        }
        let bySize = Self.bucketBounds.enumerated().map { i, b in
            ScanReport.SizeBucket(
                label: b.0, minBytes: b.1, maxBytes: i + 1 < Self.bucketBounds.count ? Self.bucketBounds[i + 1].1 : nil,
                files: buckets[i].files, bytes: buckets[i].bytes)
        }
        var byFolder = groups(folders, true)
        if let i = byFolder.firstIndex(where: { $0.name.isEmpty }) { byFolder[i].name = "." }
        return ScanReport(
            root: root.standardizedFileURL.path, fileCount: files, bytes: bytes,
            byExtension: groups(extensions, false), byFolder: byFolder, bySize: bySize,
            largest: largest.infos, newest: newest.infos, oldest: oldest.infos,
            unreadable: summary.unreadable, truncated: summary.truncated, walk: summary,
            durationMs: Int((ContinuousClock.now - start) / .milliseconds(1)),
            byFormat: formatPrefix == nil ? nil : groups(formats, false))
    }

    /// The lowercased text after the last `.` (not a leading one), or `(none)`.
    static func fileExtension(_ name: UnsafeBufferPointer<UInt8>) -> String {
        var i = name.count - 1
        while i > 0 {
            if name[i] == 0x2E {
                if i == name.count - 1 { break }
                return String(decoding: UnsafeBufferPointer(rebasing: name[(i + 1)...]), as: UTF8.self).lowercased()
            }
            i -= 1
        }
        return "(none)"
    }

    @inline(__always)
    static func add(_ size: Int64, to group: inout (files: Int, bytes: Int64)) {
        group.files += 1
        group.bytes += size
    }

    static func bucket(_ size: Int64) -> Int {
        var b = 0
        while b + 1 < bucketBounds.count, size >= bucketBounds[b + 1].1 { b += 1 }
        return b
    }
}

/// The best `capacity` files by one ordering, kept sorted (best first).
struct TopFiles {
    struct Entry {
        var path: String
        var size: Int64
        var mtime: Double
    }
    let capacity: Int
    let better: (Entry, Entry) -> Bool
    var entries: [Entry] = []

    init(capacity: Int, better: @escaping (Entry, Entry) -> Bool) {
        self.capacity = capacity
        self.better = better
    }

    mutating func offer(_ f: WalkedFile) {
        guard capacity > 0 else { return }
        let probe = Entry(path: "", size: f.size, mtime: f.mtime)
        if entries.count == capacity, let worst = entries.last, !better(probe, worst) { return }
        let entry = Entry(path: f.relativePath, size: f.size, mtime: f.mtime)
        let at = entries.firstIndex { better(entry, $0) } ?? entries.count
        entries.insert(entry, at: at)
        if entries.count > capacity { entries.removeLast() }
    }

    var infos: [ScanReport.FileInfo] {
        entries.map { ScanReport.FileInfo(path: $0.path, size: $0.size, modified: Timestamp.format(Date(timeIntervalSince1970: $0.mtime))) }
    }
}
