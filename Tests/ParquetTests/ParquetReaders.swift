import CasparianCore
import CasparianTestSupport
import Foundation
import Parquet

/// What pyarrow and DuckDB read from Parquet files, through
/// `Fixtures/read_parquet.py`: one Python run reads a whole batch of files.
enum ParquetReaders {
    static let script = PackageRoot.url.appendingPathComponent("Tests/ParquetTests/Fixtures/read_parquet.py").path

    /// One result per path, in order.
    static func read(_ paths: [String]) throws -> [FileRead] {
        let python = try TestVenv.requirePython()
        let request = try JSONSerialization.data(withJSONObject: paths)
        let result = try ProcessLaunch(python, [script], stdin: request, timeout: 600).run()
        guard result.status == 0 else { throw ReaderFailed(message: result.stderr) }
        guard let files = try result.json() as? [[String: Any]] else { throw ReaderFailed(message: result.stdout) }
        return files.map(FileRead.init)
    }

    struct ReaderFailed: Error, CustomStringConvertible {
        var message: String
        var description: String { "read_parquet.py failed: \(message)" }
    }
}

/// What both readers saw of one file.
struct FileRead {
    let json: [String: Any]

    /// Why a reader rejected the file, if one did.
    var error: String? { json["error"] as? String }
    var pyarrow: [String: Any] { json["pyarrow"] as? [String: Any] ?? [:] }
    var duckdb: [String: Any] { json["duckdb"] as? [String: Any] ?? [:] }

    /// Canonical values per column, as `reader` ("pyarrow" or "duckdb") read them.
    func values(_ reader: String) -> [String: [String?]] {
        let r = json[reader] as? [String: Any] ?? [:]
        let columns = r["values"] as? [String: [Any]] ?? [:]
        return columns.mapValues { $0.map { $0 as? String } }
    }

    func types(_ reader: String) -> [String: String] {
        (json[reader] as? [String: Any])?["types"] as? [String: String] ?? [:]
    }

    var rowGroups: [[String: Any]] { pyarrow["rowGroups"] as? [[String: Any]] ?? [] }

    /// Column `c` of row group `g`, as pyarrow's metadata describes it.
    func chunk(_ g: Int, _ c: Int) -> [String: Any] {
        (rowGroups[g]["columns"] as? [[String: Any]] ?? [])[c]
    }
}

/// The canonical text read_parquet.py gives a value written to a column of
/// `type`: what a reader must read back.
func canonical(_ value: CellValue, as type: ParquetColumnType) -> String? {
    switch (value, type) {
    case (.null, _), (.absent, _): return nil
    case (.int(let v), .double): return canonicalDouble(Double(v))
    case (.int(let v), _): return "\(v)"
    case (.bool(let b), .int64): return b ? "1" : "0"
    case (.bool(let b), _): return b ? "true" : "false"
    case (.float(let d), _): return canonicalDouble(d)
    case (.decimal(let s), .double): return canonicalDouble(Double(s)!)
    case (.decimal(let s), _), (.string(let s), _): return hex(Array(s.utf8))
    case (.date(let days), _): return "\(days)"
    case (.time(let micros), _), (.timestamp(let micros), _), (.timestampTZ(let micros, _), _): return "\(micros)"
    case (.bytes(let b), _): return hex(b)
    }
}

func canonicalDouble(_ d: Double) -> String {
    d.isNaN ? "nan" : hex(withUnsafeBytes(of: d.bitPattern.littleEndian) { Array($0) })
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

/// The type names each reader gives a column of `type`.
func readerTypes(_ type: ParquetColumnType) -> (pyarrow: String, duckdb: String) {
    switch type {
    case .int64: return ("int64", "BIGINT")
    case .double: return ("double", "DOUBLE")
    case .boolean: return ("bool", "BOOLEAN")
    case .date: return ("date32[day]", "DATE")
    case .time: return ("time64[us]", "TIME")
    case .timestamp(adjustedToUTC: false): return ("timestamp[us]", "TIMESTAMP")
    case .timestamp(adjustedToUTC: true): return ("timestamp[us, tz=UTC]", "TIMESTAMP WITH TIME ZONE")
    case .string: return ("string", "VARCHAR")
    }
}
