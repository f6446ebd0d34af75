import ArgumentParser
import Contracts

/// Schema changes written as options (`amend propose`, `amend approve
/// --action approve_with_changes`).
struct ChangeOptions: ParsableArguments {
    @Option(name: .customLong("add-column"), help: "Add a column, nullable with a null default: NAME=TYPE[:FORMAT].")
    var addColumn: [String] = []
    @Option(name: .customLong("change-type"), help: "Change a column's type: COLUMN=TYPE[:FORMAT].")
    var changeType: [String] = []
    @Option(name: .customLong("set-nullable"), help: "COLUMN=true|false.")
    var setNullable: [String] = []
    @Option(name: .customLong("set-format"), help: "COLUMN=FORMAT (strftime).")
    var setFormat: [String] = []
    @Option(name: .customLong("set-default"), help: "COLUMN=VALUE (null for a null default).")
    var setDefault: [String] = []
    @Option(help: "Rename the column the plugin emits: COLUMN=NEW.")
    var rename: [String] = []
    @Option(name: .customLong("drop-column"), help: "Drop a column: COLUMN.")
    var dropColumn: [String] = []

    /// In a fixed order: add, change type, nullability, format, default, rename, drop.
    func changes() throws -> [SchemaChange] {
        let groups: [(String, [String])] = [
            ("add-column", addColumn), ("change-type", changeType), ("set-nullable", setNullable),
            ("set-format", setFormat), ("set-default", setDefault), ("rename", rename), ("drop-column", dropColumn),
        ]
        return try groups.flatMap { op, args in try args.map { try SchemaChange(op: op, argument: $0) } }
    }
}
