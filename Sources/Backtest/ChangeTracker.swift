import CasparianCore
import Catalog
import Foundation
import Logging
import PluginHost
import WireProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// Where a backtest keeps what each parser version made of each file:
/// `.casparian/digests/PLUGIN/VERSION/HASH.cfd`, one file per source file
/// (its path, then its `FileOutputDigest`), written under a temporary name
/// and renamed — plain files, so a backtest writes its digests at the
/// speed of the disk rather than through the catalog's journal. Two
/// versions are kept per plugin: the newest and the one it was compared
/// with. Parser sources (for examples) come from the catalog.
public struct OutputDigestStore: Sendable {
    public let folder: URL
    public let catalog: Catalog

    public init(folder: URL, catalog: Catalog) {
        self.folder = folder
        self.catalog = catalog
    }

    private func versionFolder(_ plugin: String, _ version: String) -> URL {
        folder.appendingPathComponent(plugin).appendingPathComponent(version)
    }

    private static func fileName(_ path: String) -> String { StableHash.hex(path.utf8) + ".cfd" }

    /// The backtested versions of `plugin`, newest first.
    public func versions(plugin: String) -> [String] {
        let dir = folder.appendingPathComponent(plugin)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        let stamped = names.compactMap { name -> (String, Int64)? in
            guard let text = try? String(contentsOf: dir.appendingPathComponent(name).appendingPathComponent(".stamp"), encoding: .utf8),
                let stamp = Int64(text)
            else { return nil }
            return (name, stamp)
        }
        return stamped.sorted { $0.1 > $1.1 }.map(\.0)
    }

    /// What `version` made of `path`, or nil (never backtested, or unreadable).
    public func digest(plugin: String, path: String, version: String) -> FileOutputDigest? {
        guard let data = try? Data(contentsOf: versionFolder(plugin, version).appendingPathComponent(Self.fileName(path))) else {
            return nil
        }
        return data.withUnsafeBytes { bytes in
            guard let (stored, at) = Self.header(bytes), stored == path else { return nil }
            return FileOutputDigest(bytes: UnsafeRawBufferPointer(rebasing: bytes[at...]))
        }
    }

    /// The source path a digest file names, and where the digest's bytes start.
    private static func header(_ bytes: UnsafeRawBufferPointer) -> (String, Int)? {
        guard bytes.count >= 8, bytes.prefix(4).elementsEqual("CFP1".utf8) else { return nil }
        let n = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        guard bytes.count - 8 >= n else { return nil }
        return (String(decoding: UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + n)]), as: UTF8.self), 8 + n)
    }

    /// Writes digests of `version`, each atomically (a new version's folder
    /// is stamped at once, so it is listed and pruned even if the run dies).
    public func save(plugin: String, version: String, digests: [(path: String, digest: FileOutputDigest)]) throws {
        let dir = versionFolder(plugin, version)
        if !FileManager.default.fileExists(atPath: dir.appendingPathComponent(".stamp").path) {
            try stamp(plugin: plugin, version: version)
        }
        for d in digests {
            var file = Data()
            file.reserveCapacity(8 + d.path.utf8.count + d.digest.encodedCount)
            file.append(contentsOf: Array("CFP1".utf8))
            withUnsafeBytes(of: UInt32(d.path.utf8.count).littleEndian) { file.append(contentsOf: $0) }
            file.append(contentsOf: Array(d.path.utf8))
            d.digest.encode(into: &file)
            try Self.write(file, to: dir.appendingPathComponent(Self.fileName(d.path)).path)
        }
    }

    /// Writes `data` under a temporary name and renames it into place (no
    /// sync: a digest lost to a power cut only means a comparison less).
    private static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CasparianError(.environment, "cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { buffer -> Int in
            var done = 0
            while done < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + done, buffer.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return -1
                }
                done += n
            }
            return done
        }
        close(fd)
        // The digest it replaces goes first: ext4 (`auto_da_alloc`) writes a
        // file's data out at once when a rename replaces another file, so
        // storing a version's digests over an earlier run's waited on the
        // disk. A digest lost in between only means a comparison less.
        unlink(path)
        guard written == data.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CasparianError(.environment, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Marks `version` as the newest backtested version of `plugin`. Written
    /// like a digest, without a sync: every backtest stamps its version as it
    /// finishes (a fail-fast re-run too, where an fsync was a few ms of its
    /// ~0.1 s), and a stamp lost to a power cut only means a comparison less.
    public func stamp(plugin: String, version: String) throws {
        let dir = versionFolder(plugin, version)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        try Self.write(Data(String(now).utf8), to: dir.appendingPathComponent(".stamp").path)
    }

    /// Removes the versions of `plugin` other than `keeping`.
    public func prune(plugin: String, keeping: Set<String>) {
        let dir = folder.appendingPathComponent(plugin)
        for version in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where !keeping.contains(version) {
            try? FileManager.default.removeItem(at: dir.appendingPathComponent(version))
        }
    }

    /// The source paths both versions have digests of.
    public func paths(plugin: String, versions: (String, String)) -> [String] {
        let a = versionFolder(plugin, versions.0)
        let b = versionFolder(plugin, versions.1)
        let names = Set((try? FileManager.default.contentsOfDirectory(atPath: a.path)) ?? [])
            .intersection((try? FileManager.default.contentsOfDirectory(atPath: b.path)) ?? [])
        return names.filter { $0.hasSuffix(".cfd") }.compactMap { name in
            (try? Data(contentsOf: a.appendingPathComponent(name)))?.withUnsafeBytes { Self.header($0)?.0 }
        }.sorted()
    }
}

/// Follows one backtest's output against the previous parser version's,
/// file by file as verdicts arrive (so memory holds one file's digest per
/// lane, not the corpus), and stores this version's digests.
final class ChangeTracker: @unchecked Sendable {
    private let store: OutputDigestStore
    private let plugin: PluginDirectory
    let previousVersion: String?
    private let keyed: Bool
    private let lock = NSLock()
    /// Each file's digest so far; a file's batches arrive on one lane, in order.
    private var digests: [Int: DigestBox] = [:]
    private var compared = 0
    private var changedFiles = 0
    private var added = 0
    private var removed = 0
    private var changed = 0
    private var columns: [String: Int] = [:]
    /// Changed cells to show, by file, in the order found.
    private var exampleCells: [(file: String, output: String, newRow: Int?, oldRow: Int?, column: String)] = []
    /// A file had rows in several outputs: parsing again for examples then
    /// cannot stop at a row count (it counts the rows of every output).
    private var severalOutputs = false

    /// The other version kept beside this one's digests.
    private let keptVersion: String?
    private let pool: WorkerPool
    /// The previous version's plugin folder (a temporary copy with its
    /// source), made once, when its worker warms or the examples need it:
    /// its worker starts at the first changed cell, at the lowest CPU
    /// priority (it takes idle cycles, not the parsing's), or at full
    /// priority when the changes are first found after the first lane ended.
    /// Guarded by `copyLock`, held while the copy is made, so the warm-up
    /// and the examples share one.
    private var previousCopy: PluginDirectory?
    private var previousCopyMade = false
    private let copyLock = NSLock()
    private var warming = false
    /// Every file has been handed out: lanes go idle one by one.
    private var drained = false
    /// The examples, read while the last files are still parsed when the
    /// examples were all found before (they are the first ones found).
    private var earlyExamples: Task<[OutputChanges.Example], Never>?

    /// Compares with the newest backtested version: the previous one after
    /// a change of parser, or this same one on a re-run (which then shows
    /// no change unless the parser is not deterministic).
    init(store: OutputDigestStore, plugin: PluginDirectory, outputs: Int, pool: WorkerPool) throws {
        self.store = store
        self.plugin = plugin
        self.pool = pool
        let versions = store.versions(plugin: plugin.name)
        let other = versions.first { $0 != plugin.version }
        let newest = versions.first
        previousVersion = newest == plugin.version ? plugin.version : other
        keptVersion = other
        keyed = outputs > 1
    }

    func add(_ batch: RowBatch, index: Int) {
        let box = lock.withLock {
            if let b = digests[index] { return b }
            let b = DigestBox()
            digests[index] = b
            return b
        }
        box.digest.add(batch)  // outside the lock: lanes hash in parallel
    }

    func restart(_ index: Int) {
        _ = lock.withLock { digests.removeValue(forKey: index) }
    }

    func drop(_ index: Int) {
        _ = lock.withLock { digests.removeValue(forKey: index) }
    }

    /// Compares, encodes and stores off the lanes, which go on parsing.
    private let queue = DispatchQueue(label: "casparian.output-changes")
    private let logger = Logger(label: "casparian.backtest")

    /// The file was parsed whole: compare it with the previous version's
    /// digest and keep this one (a file that yielded no rows has an empty one).
    func finish(_ index: Int, path: String) {
        let digest = lock.withLock { digests.removeValue(forKey: index) }?.digest ?? FileOutputDigest()
        queue.async { self.record(digest, path: path) }
    }

    private func record(_ digest: FileOutputDigest, path: String) {
        var comparison: FileComparison?
        if let previousVersion, let old = store.digest(plugin: plugin.name, path: path, version: previousVersion) {
            comparison = FileComparison(old: old, new: digest, keyed: keyed, cellLimit: OutputChanges.maxExamples)
        }
        // A re-run that made exactly what is stored has nothing to store.
        let unchanged = previousVersion == plugin.version && comparison?.isEmpty == true
        let firstExample = lock.withLock { () -> Bool in
            let first = exampleCells.isEmpty && comparison?.cells.isEmpty == false
            if digest.outputs.count > 1 { severalOutputs = true }
            if let c = comparison {
                compared += 1
                if !c.isEmpty { changedFiles += 1 }
                added += c.added
                removed += c.removed
                changed += c.changed
                for (k, v) in c.columns { columns[k, default: 0] += v }
                for cell in c.cells where exampleCells.count < OutputChanges.maxExamples {
                    exampleCells.append((path, cell.output, cell.newRow, cell.oldRow, cell.column))
                }
            }
            return first
        }
        // Found while the run still parses: the previous version's worker
        // starts now at the lowest priority, in the idle cycles, so it is
        // ready when the examples are read; after the drain, at full speed.
        if firstExample { warmPrevious(background: !lock.withLock { drained }) }
        if !unchanged { save([(path, digest)]) }
        startExamplesIfComplete()
    }

    /// A lane has ended with every file handed out (its worker and a core
    /// are idle while the last files are parsed): the examples are read now
    /// if they were all found, on the previous version's worker started at
    /// the first change (or now).
    func drain() {
        let warm = lock.withLock { () -> Bool in
            drained = true
            return !exampleCells.isEmpty
        }
        if warm { warmPrevious() }
        startExamplesIfComplete()
    }

    /// After the drain, once the examples are all found (later files cannot
    /// change them), reads their values while the last files are parsed.
    private func startExamplesIfComplete() {
        guard let previousVersion else { return }
        lock.withLock {
            guard drained, earlyExamples == nil, exampleCells.count >= OutputChanges.maxExamples else { return }
            let cells = exampleCells
            earlyExamples = Task { await self.examples(cells, previousVersion: previousVersion) }
        }
    }

    /// Makes the previous version's plugin copy and starts its worker, once
    /// (niced in the `background`).
    private func warmPrevious(background: Bool = false) {
        guard let previousVersion, previousVersion != plugin.version else { return }
        let first = lock.withLock { () -> Bool in
            defer { warming = true }
            return !warming
        }
        guard first, let copy = previousCopyOnce(previousVersion) else { return }
        pool.prewarm(plugin: copy, count: 1, niceness: background ? 19 : 0)
    }

    /// The previous version's plugin copy, made on the first call (nil when
    /// its source is not in the catalog or the copy failed).
    private func previousCopyOnce(_ previousVersion: String) -> PluginDirectory? {
        copyLock.withLock {
            if !previousCopyMade {
                previousCopyMade = true
                let source = try? store.catalog.parserSource(plugin: plugin.name, version: previousVersion)
                previousCopy = source.flatMap { try? Self.pluginCopy(plugin, source: $0) }
            }
            return previousCopy
        }
    }

    deinit { discard() }

    /// Retires the previous version's worker and removes its folder (a run
    /// cancelled or concluded).
    func discard() {
        lock.withLock { earlyExamples?.cancel() }
        removePreviousCopy()
    }

    /// Retires the previous version's worker and removes its copy, once.
    private func removePreviousCopy() {
        let copy = copyLock.withLock { () -> PluginDirectory? in
            defer { previousCopy = nil }
            return previousCopy
        }
        if let copy { Self.remove(copy, pool: pool) }
    }

    private static func remove(_ copy: PluginDirectory, pool: WorkerPool) {
        pool.retire(plugin: copy)
        try? FileManager.default.removeItem(at: copy.url.deletingLastPathComponent())
    }

    /// Whether this run stored any digest (a version that parsed no file
    /// does not become what the next version is compared with).
    private var savedAny = false

    private func save(_ batch: [(path: String, digest: FileOutputDigest)]) {
        lock.withLock { savedAny = true }
        do {
            try store.save(plugin: plugin.name, version: plugin.version, digests: batch)
        } catch {
            // The backtest's verdicts stand; the next version is compared with fewer files.
            logger.warning("the output digests of \(plugin.name) \(plugin.version) could not be stored: \(error)")
        }
    }

    /// Stores what is left; then the changes against the previous version
    /// (nil without one, or when no file was parsed by both), with the
    /// examples' values read by parsing their files again with both versions.
    func conclude() async -> OutputChanges? {
        defer { discard() }
        queue.sync {}
        if lock.withLock({ savedAny }) || previousVersion == plugin.version {
            try? store.stamp(plugin: plugin.name, version: plugin.version)
        }
        store.prune(plugin: plugin.name, keeping: Set([plugin.version, keptVersion].compactMap { $0 }))
        guard let previousVersion else { return nil }
        let (summary, cells) = lock.withLock {
            (
                OutputChanges(
                    previousVersion: previousVersion, version: plugin.version, filesCompared: compared, filesChanged: changedFiles,
                    rowsAdded: added, rowsRemoved: removed, rowsChanged: changed, columnsChanged: columns, examples: []),
                exampleCells
            )
        }
        let early = lock.withLock { earlyExamples }
        guard summary.filesCompared > 0 else {
            _ = await early?.value
            return nil
        }
        var changes = summary
        if let early {
            changes.examples = await early.value
        } else {
            changes.examples = await examples(cells, previousVersion: previousVersion)
        }
        return changes
    }

    private func examples(
        _ cells: [(file: String, output: String, newRow: Int?, oldRow: Int?, column: String)], previousVersion: String
    ) async -> [OutputChanges.Example] {
        guard !cells.isEmpty else { return [] }
        let files = Array(Set(cells.map(\.file))).sorted()
        let upTo = lock.withLock { severalOutputs } ? nil : Self.rowsNeeded(cells)
        let copy = previousVersion == plugin.version ? plugin : previousCopyOnce(previousVersion)
        defer { removePreviousCopy() }
        // The two versions parse at once (both workers are warm).
        async let newRows = Self.rows(of: files, plugin: plugin, pool: pool, maxRows: upTo)
        async let oldRows = Self.rows(of: files, plugin: copy, pool: pool, maxRows: upTo)
        return await Self.examples(cells, old: oldRows, new: newRows)
    }

    typealias Rows = [String: [String: [[String: CellValue]]]]

    /// The examples' old and new values, from the two versions' rows.
    static func examples(
        _ cells: [(file: String, output: String, newRow: Int?, oldRow: Int?, column: String)], old oldRows: Rows, new newRows: Rows
    ) -> [OutputChanges.Example] {
        func value(_ rows: Rows, _ file: String, _ output: String, _ row: Int?, _ column: String) -> String? {
            guard let row, let list = rows[file]?[output], row < list.count, let v = list[row][column] else { return nil }
            return shown(v)
        }
        return cells.map { c in
            OutputChanges.Example(
                file: c.file, output: c.output, row: (c.newRow ?? c.oldRow ?? 0) + 1, column: c.column,
                old: value(oldRows, c.file, c.output, c.oldRow, c.column), new: value(newRows, c.file, c.output, c.newRow, c.column))
        }
    }

    static func shown(_ value: CellValue) -> String {
        value.isNull ? "null" : (value.text ?? "\(value)")
    }

    /// The plugin's folder copied with another version's `parser.py`.
    static func pluginCopy(_ plugin: PluginDirectory, source: String) throws -> PluginDirectory {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("casparian-previous-\(UUID().uuidString)")
        let copy = root.appendingPathComponent(plugin.name)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: plugin.url, to: copy)
        try Data(source.utf8).write(to: copy.appendingPathComponent("parser.py"))
        return try PluginDirectory(url: copy)
    }

    /// The rows another version (its source) makes of `files`, parsed by a
    /// temporary copy of the plugin folder whose workers are retired after.
    static func rows(of files: [String], version source: String?, like plugin: PluginDirectory, pool: WorkerPool, maxRows: Int?) async
        -> Rows
    {
        guard let source, let copy = try? pluginCopy(plugin, source: source) else { return [:] }
        defer { remove(copy, pool: pool) }
        return await rows(of: files, plugin: copy, pool: pool, maxRows: maxRows)
    }

    /// How far into their files the examples are: parsing them again stops there.
    static func rowsNeeded(_ cells: [(file: String, output: String, newRow: Int?, oldRow: Int?, column: String)]) -> Int {
        cells.reduce(0) { max($0, max($1.newRow ?? 0, $1.oldRow ?? 0) + 1) }
    }

    /// The first `maxRows` rows `plugin` makes of `files`, by file and
    /// output (for a few examples); none without a plugin.
    static func rows(of files: [String], plugin: PluginDirectory?, pool: WorkerPool, maxRows: Int?) async -> Rows {
        guard let plugin else { return [:] }
        let collected = RowsByFile()
        try? await pool.run(
            plugin: plugin, jobs: files.enumerated().map { ParseJob(index: $0, path: $1) }, maxRows: maxRows, parallelism: 1,
            callbacks: ParseCallbacks(
                onEvent: { job, event in
                    guard case .batch(let b) = event else { return }
                    collected.add(b, file: job.path)
                }, onFinish: { _, _, _ in }, onRetry: { job, _ in collected.clear(job.path) }))
        return collected.rows
    }
}

/// One file's digest as it grows, owned by the lane parsing the file.
private final class DigestBox: @unchecked Sendable {
    var digest = FileOutputDigest()
}

/// Rows gathered from a pool's lanes.
private final class RowsByFile: @unchecked Sendable {
    private let lock = NSLock()
    private var byFile: [String: [String: [[String: CellValue]]]] = [:]

    func add(_ batch: RowBatch, file: String) {
        lock.withLock {
            for r in 0..<batch.rowCount {
                var row: [String: CellValue] = [:]
                for (j, name) in batch.columnNames.enumerated() { row[name] = batch.columns[j][r] }
                byFile[file, default: [:]][batch.output, default: []].append(row)
            }
        }
    }

    func clear(_ file: String) { _ = lock.withLock { byFile.removeValue(forKey: file) } }

    var rows: [String: [String: [[String: CellValue]]]] { lock.withLock { byFile } }
}

extension OutputChanges {
    /// Compares the stored digests of two versions of `plugin` over the
    /// files both backtests parsed (`casparian diff`), with examples read
    /// by parsing a few of those files again with each version's source.
    public static func compare(
        store: OutputDigestStore, plugin: PluginDirectory, from: String, to: String, pool: WorkerPool
    ) async throws -> OutputChanges {
        let keyed = plugin.outputs.count > 1
        var changes = OutputChanges(
            previousVersion: from, version: to, filesCompared: 0, filesChanged: 0, rowsAdded: 0, rowsRemoved: 0, rowsChanged: 0,
            columnsChanged: [:], examples: [])
        var cells: [(file: String, output: String, newRow: Int?, oldRow: Int?, column: String)] = []
        for path in store.paths(plugin: plugin.name, versions: (from, to)) {
            guard let old = store.digest(plugin: plugin.name, path: path, version: from),
                let new = store.digest(plugin: plugin.name, path: path, version: to)
            else { continue }
            let c = FileComparison(old: old, new: new, keyed: keyed, cellLimit: maxExamples)
            changes.filesCompared += 1
            if !c.isEmpty { changes.filesChanged += 1 }
            changes.rowsAdded += c.added
            changes.rowsRemoved += c.removed
            changes.rowsChanged += c.changed
            for (k, v) in c.columns { changes.columnsChanged[k, default: 0] += v }
            for cell in c.cells where cells.count < maxExamples { cells.append((path, cell.output, cell.newRow, cell.oldRow, cell.column)) }
        }
        guard !cells.isEmpty else { return changes }
        let files = Array(Set(cells.map(\.file))).sorted()
        let upTo = plugin.outputs.count > 1 ? nil : ChangeTracker.rowsNeeded(cells)
        func rows(_ version: String) async -> ChangeTracker.Rows {
            if version == plugin.version { return await ChangeTracker.rows(of: files, plugin: plugin, pool: pool, maxRows: upTo) }
            let source = try? store.catalog.parserSource(plugin: plugin.name, version: version)
            return await ChangeTracker.rows(of: files, version: source, like: plugin, pool: pool, maxRows: upTo)
        }
        async let oldRows = rows(from)
        async let newRows = rows(to)
        changes.examples = await ChangeTracker.examples(cells, old: oldRows, new: newRows)
        return changes
    }
}
