import ArgumentParser
import CLISupport
import CasparianCore
import Catalog
import Foundation
import Workspace

struct ScopeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scope",
        abstract: "Name a set of files: a root folder, include/exclude globs and tags.",
        discussion: """
            Globs are relative to the root: * ? [a-z] {a,b}, ** for any depth; a glob without / \
            matches file names at any depth. tag:NAME matches files tagged with `casparian tag`.
            Example: casparian scope create sales --root ~/exports --include 'sales_*.csv' --exclude 'archive/**'
            """,
        subcommands: [Create.self, List.self, Show.self, Refresh.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a scope and list its files.")

        @Argument(help: "The scope's name (letters, digits, -, _, .).")
        var name: String
        @Option(help: "The folder that holds the files.")
        var root: String
        @Option(help: "Keep files matching this glob or tag:NAME (repeatable; default: all files).")
        var include: [String] = []
        @Option(help: "Leave out files matching this glob or tag:NAME (repeatable).")
        var exclude: [String] = []
        @Option(help: "Keep only files carrying one of these tags (repeatable).")
        var tag: [String] = []
        @Flag(help: "Include hidden files and folders (names starting with '.').")
        var hidden = false
        @Flag(help: "Print JSON.")
        var json = false
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let ws = try workspace.open()
            let report = try ws.createScope(
                ScopeDefinition(
                    name: name, root: root, include: include, exclude: exclude,
                    tags: tag, includeHidden: hidden))
            if json { return try Output.printJSON(report) }
            ScopePrinter.summary(report.scope, verb: "created")
            ScopePrinter.walkNotes(report.walk)
            if report.scope.fileCount == 0 {
                Output.error(
                    Style.yellow("the scope has no files: ")
                        + "check --root and the --include/--exclude globs (`casparian scan \(root)` shows what is there)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the scopes.")
        @Flag(help: "Print JSON.")
        var json = false
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let scopes = try workspace.existing().scopes()
            if json { return try Output.printJSON(scopes) }
            if scopes.isEmpty { return Output.line("no scopes yet: create one with `casparian scope create NAME --root DIR`") }
            Output.line(
                TableRenderer(
                    headers: ["name", "files", "bytes", "root", "refreshed"],
                    rows: scopes.map {
                        [
                            $0.definition.name, Formatting.count($0.fileCount), Formatting.bytes($0.bytes), $0.definition.root,
                            $0.refreshedAt ?? "never",
                        ]
                    }
                ).render())
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a scope's definition (and files).")
        @Argument(help: "The scope's name.")
        var name: String
        @Flag(help: "List the files.")
        var files = false
        @Flag(help: "Print JSON.")
        var json = false
        @OptionGroup var workspace: WorkspaceOptions

        struct Report: Encodable {
            var scope: StoredScope
            var files: [ScopeFile]?
        }

        func run() async throws {
            let ws = try workspace.existing()
            let scope = try ws.scope(named: name)
            let list = files ? try ws.scopeFiles(named: name) : nil
            if json { return try Output.printJSON(Report(scope: scope, files: list)) }
            let d = scope.definition
            Output.line(Style.bold(d.name) + Style.dim("  \(scope.id)"))
            Output.line("root:      \(d.root)")
            Output.line("include:   \(d.include.isEmpty ? "(all files)" : d.include.joined(separator: "  "))")
            if !d.exclude.isEmpty { Output.line("exclude:   \(d.exclude.joined(separator: "  "))") }
            if !d.tags.isEmpty { Output.line("tags:      \(d.tags.joined(separator: ", "))") }
            if d.includeHidden { Output.line("hidden:    included") }
            Output.line("files:     \(Formatting.count(scope.fileCount)) (\(Formatting.bytes(scope.bytes)))")
            Output.line("created:   \(scope.createdAt); refreshed: \(scope.refreshedAt ?? "never")")
            if let list {
                Output.line("")
                Output.line(
                    TableRenderer(
                        headers: ["path", "size", "modified", "sha256"],
                        rows: list.map {
                            [
                                ScopePrinter.relative($0.path, to: d.root), Formatting.bytes($0.size),
                                Timestamp.format(Date(timeIntervalSince1970: $0.mtime)),
                                $0.contentHash.map { String($0.prefix(12)) } ?? "–",
                            ]
                        }
                    ).render())
            }
        }
    }

    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "refresh", abstract: "Re-scan a scope's root; print files added, changed and removed.")
        @Argument(help: "The scope's name.")
        var name: String
        @Flag(help: "Print JSON.")
        var json = false
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let report = try workspace.existing().refreshScope(named: name)
            if json { return try Output.printJSON(report) }
            let c = report.changes
            for (mark, paths, style) in [("+", c.added, Style.green), ("~", c.changed, Style.yellow), ("-", c.removed, Style.red)] {
                for p in paths.prefix(100) { Output.line(style("\(mark) ") + ScopePrinter.relative(p, to: report.scope.definition.root)) }
                if paths.count > 100 { Output.line(Style.dim("  … and \(paths.count - 100) more (--json lists all)")) }
            }
            Output.line("\(c.added.count) added, \(c.changed.count) changed, \(c.removed.count) removed, \(c.unchanged) unchanged")
            ScopePrinter.summary(report.scope, verb: "refreshed")
            ScopePrinter.walkNotes(report.walk)
        }
    }
}

/// Lines shared by scope subcommands.
enum ScopePrinter {
    /// `path` relative to the scope's root, for display.
    static func relative(_ path: String, to root: String) -> String {
        let prefix = root == "/" ? "/" : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    static func summary(_ s: StoredScope, verb: String) {
        Output.line(
            "\(verb) scope " + Style.bold(s.definition.name) + ": \(Formatting.count(s.fileCount)) files, "
                + "\(Formatting.bytes(s.bytes)) under \(s.definition.root)")
    }

    static func walkNotes(_ w: WalkSummary) {
        for u in w.unreadable.prefix(20) { Output.error(Style.yellow("could not read ") + "\(u.path): \(u.error)") }
        if w.truncated { Output.error(Style.yellow("the folder has too many entries: the scope holds only part of it")) }
    }
}
