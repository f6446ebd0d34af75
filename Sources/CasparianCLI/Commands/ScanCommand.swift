import ArgumentParser
import CLISupport
import CasparianCore
import Foundation
import Workspace

struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Summarise a folder from file metadata (with --formats, also by format).",
        discussion: """
            Counts and bytes by extension, top-level folder and size; the largest, newest and \
            oldest files; folders that could not be read. Skips hidden entries, .git and \
            node_modules unless asked; never follows links out of the folder. Reads no contents \
            unless --formats is given: then the first few KB of each file are analysed to count \
            files by format (CSV, JSON Lines, Parquet, gzip, …).
            Example: casparian scan ~/exports --top 5 --formats
            """)

    @Argument(help: "The folder to scan.")
    var path: String

    @Flag(help: "Print JSON instead of tables.")
    var json = false

    @Flag(help: "Include hidden entries (names starting with '.').")
    var hidden = false

    @Flag(help: "Include everything: hidden entries, .git and node_modules.")
    var all = false

    @Flag(name: .customLong("follow-links"), help: "Follow symbolic links whose target is inside the folder.")
    var followLinks = false

    @Flag(help: "Count files by format, reading the first bytes of each file.")
    var formats = false

    @Option(help: "How many files to list as largest, newest and oldest.")
    var top = 10

    @Option(name: .customLong("max-entries"), help: "Stop after this many entries (the result says truncated).")
    var maxEntries = 5_000_000

    func validate() throws {
        guard top >= 0 else { throw ValidationError("--top must be 0 or more (got \(top))") }
        guard maxEntries > 0 else { throw ValidationError("--max-entries must be at least 1 (got \(maxEntries))") }
    }

    func run() async throws {
        let options = WalkOptions(
            includeHidden: hidden || all, skippedNames: all ? [] : WalkOptions.defaultSkippedNames,
            followLinksWithinRoot: followLinks, maxEntries: maxEntries)
        let report = try QuickScan(
            root: URL(fileURLWithPath: path), options: options, top: top,
            formatPrefix: formats ? QuickScan.defaultFormatPrefix : nil
        ).run()
        if json { return try Output.printJSON(report) }
        print(report)
    }

    private func print(_ r: ScanReport) {
        Output.line(
            Style.bold(r.root) + "  \(Formatting.count(r.fileCount)) files, \(Formatting.bytes(r.bytes)), "
                + "\(Formatting.count(r.walk.directories)) folders" + Style.dim("  (\(r.durationMs) ms)"))
        func groups(_ title: String, _ gs: [ScanReport.Group]) {
            guard !gs.isEmpty else { return }
            Output.line("\n" + Style.bold(title) + (gs.count > 15 ? Style.dim("  top 15 of \(gs.count)") : ""))
            Output.line(
                TableRenderer(
                    headers: [["by extension": "extension", "by format": "format"][title] ?? "folder", "files", "bytes"],
                    rows: gs.prefix(15).map { [$0.name, Formatting.count($0.files), Formatting.bytes($0.bytes)] }
                ).render())
        }
        groups("by extension", r.byExtension)
        if let byFormat = r.byFormat { groups("by format", byFormat) }
        groups("by folder", r.byFolder)
        Output.line("\n" + Style.bold("by size"))
        Output.line(
            TableRenderer(
                headers: ["size", "files", "bytes"],
                rows: r.bySize.map { [$0.label, Formatting.count($0.files), Formatting.bytes($0.bytes)] }
            ).render())
        for (title, files) in [("largest", r.largest), ("newest", r.newest), ("oldest", r.oldest)] where !files.isEmpty {
            Output.line("\n" + Style.bold(title))
            Output.line(
                TableRenderer(
                    headers: ["path", "size", "modified"],
                    rows: files.map { [$0.path, Formatting.bytes($0.size), $0.modified] }
                ).render())
        }
        let w = r.walk
        var notes: [String] = []
        if w.skippedEntries > 0 {
            notes.append("\(Formatting.count(w.skippedEntries)) hidden or ignored entries skipped (--hidden, --all)")
        }
        if w.symlinksNotFollowed > 0 {
            notes.append(
                "\(w.symlinksNotFollowed) symbolic links not followed"
                    + (w.linksOutsideRoot > 0 ? " (\(w.linksOutsideRoot) point outside the folder)" : ""))
        }
        if !notes.isEmpty { Output.line("\n" + Style.dim(notes.joined(separator: "; "))) }
        if !r.unreadable.isEmpty {
            Output.error(Style.yellow("could not read \(r.unreadable.count) entries:"))
            for u in r.unreadable.prefix(20) { Output.error("  \(u.path): \(u.error)") }
            if r.unreadable.count > 20 { Output.error("  … and \(r.unreadable.count - 20) more (--json lists all)") }
        }
        if r.truncated {
            Output.error(
                Style.yellow(
                    "stopped after \(Formatting.count(maxEntries)) entries: the figures cover part of the folder (raise --max-entries)"))
        }
    }
}
