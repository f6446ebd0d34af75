import Foundation
import GRDBSQLite

/// The authorizer and progress handler of a read-only query, and what they
/// saw (for the error message). One per query, used on one thread.
final class QueryGuard: @unchecked Sendable {
    let deadline: ContinuousClock.Instant
    /// The first action the authorizer denied, described for people.
    var denied: String?
    var timedOut = false

    init(deadline: ContinuousClock.Instant) {
        self.deadline = deadline
    }

    /// PRAGMAs that only read, with or without an argument.
    static let readPragmas: Set<String> = [
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list",
    ]
    /// PRAGMAs that read when called without an argument (with one they would write).
    static let readWithoutArgumentPragmas: Set<String> = [
        "collation_list", "function_list", "module_list", "pragma_list", "compile_options", "database_list",
        "user_version", "schema_version", "data_version", "page_count", "page_size", "freelist_count", "encoding",
        "journal_mode",
    ]
    /// Functions that touch the file system or load code.
    static let deniedFunctions: Set<String> = ["load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"]

    static let authorize:
        @convention(c) (
            UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
            UnsafePointer<CChar>?, UnsafePointer<CChar>?
        ) -> Int32 = { context, action, a1, a2, _, _ in
            let state = Unmanaged<QueryGuard>.fromOpaque(context!).takeUnretainedValue()
            let arg1 = a1.map { String(cString: $0) }
            let arg2 = a2.map { String(cString: $0) }
            if let reason = QueryGuard.denial(action: action, arg1: arg1, arg2: arg2) {
                if state.denied == nil { state.denied = reason }
                return SQLITE_DENY
            }
            return SQLITE_OK
        }

    static let progress: @convention(c) (UnsafeMutableRawPointer?) -> Int32 = { context in
        let state = Unmanaged<QueryGuard>.fromOpaque(context!).takeUnretainedValue()
        if ContinuousClock.now >= state.deadline {
            state.timedOut = true
            return 1
        }
        return 0
    }

    /// Why an action is denied, or nil when it is allowed.
    static func denial(action: Int32, arg1: String?, arg2: String?) -> String? {
        switch action {
        case SQLITE_SELECT, SQLITE_READ, SQLITE_RECURSIVE:
            return nil
        case SQLITE_FUNCTION:
            let name = (arg2 ?? "").lowercased()
            return deniedFunctions.contains(name) ? "the function \(name)()" : nil
        case SQLITE_PRAGMA:
            let name = (arg1 ?? "").lowercased()
            if readPragmas.contains(name) { return nil }
            if readWithoutArgumentPragmas.contains(name) && arg2 == nil { return nil }
            return "PRAGMA \(name)" + (arg2.map { " = \($0)" } ?? "")
        case _ where [SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE].contains(action) && (arg1 ?? "").hasPrefix("sqlite_"):
            // DROP and CREATE first ask to change SQLite's schema table.
            return "changing the schema (CREATE, DROP, ALTER)"
        case SQLITE_ATTACH: return "ATTACH"
        case SQLITE_DETACH: return "DETACH"
        case SQLITE_INSERT: return "INSERT into \(arg1 ?? "a table")"
        case SQLITE_UPDATE: return "UPDATE of \(arg1 ?? "a table")"
        case SQLITE_DELETE: return "DELETE from \(arg1 ?? "a table")"
        case SQLITE_TRANSACTION: return "a transaction (\(arg1 ?? ""))"
        case SQLITE_SAVEPOINT: return "SAVEPOINT"
        case SQLITE_DROP_TABLE, SQLITE_DROP_INDEX, SQLITE_DROP_VIEW, SQLITE_DROP_TRIGGER, SQLITE_DROP_TEMP_TABLE,
            SQLITE_DROP_TEMP_INDEX, SQLITE_DROP_TEMP_VIEW, SQLITE_DROP_TEMP_TRIGGER, SQLITE_DROP_VTABLE:
            return "DROP \(arg1 ?? "")"
        case SQLITE_CREATE_TABLE, SQLITE_CREATE_INDEX, SQLITE_CREATE_VIEW, SQLITE_CREATE_TRIGGER, SQLITE_CREATE_TEMP_TABLE,
            SQLITE_CREATE_TEMP_INDEX, SQLITE_CREATE_TEMP_VIEW, SQLITE_CREATE_TEMP_TRIGGER, SQLITE_CREATE_VTABLE:
            return "CREATE \(arg1 ?? "")"
        case SQLITE_ALTER_TABLE: return "ALTER TABLE"
        default: return "this kind of statement (SQLite action \(action))"
        }
    }
}

/// What may follow the one statement of a query.
enum SQLTail {
    /// True when `tail` is only whitespace, `;`, `-- …` and `/* … */` comments.
    static func isEmpty(_ tail: String) -> Bool {
        let s = Array(tail.utf8)
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == UInt8(ascii: ";") || c == 32 || (9...13).contains(c) {
                i += 1
            } else if c == UInt8(ascii: "-"), i + 1 < s.count, s[i + 1] == UInt8(ascii: "-") {
                while i < s.count, s[i] != 10 { i += 1 }
            } else if c == UInt8(ascii: "/"), i + 1 < s.count, s[i + 1] == UInt8(ascii: "*") {
                i += 2
                while i < s.count, !(s[i] == UInt8(ascii: "*") && i + 1 < s.count && s[i + 1] == UInt8(ascii: "/")) { i += 1 }
                i += 2
            } else {
                return false
            }
        }
        return true
    }
}
