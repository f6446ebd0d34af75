import CasparianCore
import Contracts
import Foundation

/// Contract validation throughput: 1M rows × 8 columns in 100 files of
/// 10,000-row batches, 1% of cells violating, against a plain loop that only
/// reads every cell (the floor for any per-cell check).
enum ValidationBench {
    static let rows = 1_000_000
    static let batchRows = 10_000

    static let schema = LockedSchema(
        output: "sales",
        columns: [
            LockedColumn(name: "id", type: .int64, nullable: false),
            LockedColumn(name: "amount", type: .float64, nullable: false),
            LockedColumn(name: "customer", type: .string, nullable: false),
            LockedColumn(name: "day", type: .date, nullable: false, format: "%d/%m/%Y"),
            LockedColumn(name: "at", type: .timestamp, nullable: false),
            LockedColumn(name: "qty", type: .int64, nullable: false),
            LockedColumn(name: "paid", type: .boolean, nullable: false),
            LockedColumn(name: "note", type: .string, nullable: true, nullSentinels: ["N/A", ""]),
        ])

    /// Column `c` of a batch starting at row `base`. One cell in a hundred
    /// is wrong (each column at a different offset), as a parser emits it:
    /// typed values for most columns, text for `day` (a CSV date) and `qty`.
    static func column(_ c: Int, base: Int, count: Int) -> [CellValue] {
        (base..<(base + count)).map { i in
            let bad = i % 100 == c * 11
            switch c {
            case 0: return bad ? .string("#\(i)") : .int(Int64(i))
            case 1: return bad ? .null : .float(Double(i) * 0.25)
            case 2: return bad ? .int(Int64(i)) : .string("customer-\(i & 1023)")
            case 3:
                if bad { return .string("2024-13-\(i % 28 + 1)") }
                return .string("\(pad2(i % 28 + 1))/\(pad2(i % 12 + 1))/20\(pad2(i % 25))")
            case 4: return bad ? .string("yesterday") : .timestamp(micros: Int64(i) * 1_000_000)
            case 5: return bad ? .string("\(i).5") : .string(String(i % 500))
            case 6: return bad ? .string("maybe") : .bool(i & 1 == 0)
            default: return bad ? .float(1) : (i % 7 == 0 ? .string("N/A") : .string("note \(i % 97)"))
            }
        }
    }

    static func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }

    static func run() throws {
        let names = schema.columns.map(\.name)
        var pristine: [RowBatch] = []
        for base in stride(from: 0, to: rows, by: batchRows) {
            pristine.append(
                RowBatch(
                    output: "sales", columnNames: names, columns: (0..<8).map { column($0, base: base, count: batchRows) }, firstRow: 0))
        }
        let cells = rows * names.count
        let validator = try ContractValidator(schema: schema)
        var checksum = 0
        var total = 0
        var stored = 0
        var written = 0
        let pairs = PairedTiming.pairs(
            5,
            baseline: {
                // Read every cell once (a switch on its kind).
                PairedTiming.cpu {
                    for b in pristine {
                        for col in b.columns {
                            for cell in col {
                                switch cell {
                                case .null, .absent: checksum &+= 1
                                case .string(let s): checksum &+= s.utf8.count
                                case .int(let v): checksum &+= Int(truncatingIfNeeded: v)
                                default: checksum &+= 3
                                }
                            }
                        }
                    }
                }
            },
            measured: {
                // Copies the validator converts in place (made before the clock starts).
                var batches = pristine.map { b in
                    RowBatch(output: b.output, columnNames: b.columnNames, columns: b.columns.map { $0.map { $0 } }, firstRow: b.firstRow)
                }
                return PairedTiming.cpu {
                    total = 0
                    stored = 0
                    written = 0
                    for i in batches.indices {
                        var log = FileViolations(file: "/data/sales/file\(i).csv")
                        // Hand the batch over, as the pipeline does: the validator converts in place.
                        var b = RowBatch(output: "", columnNames: [])
                        swap(&b, &batches[i])
                        let normalized = validator.validate(consume b, into: &log)
                        total += log.total
                        stored += log.violations.count
                        written += normalized.rowCount
                    }
                }
            })
        precondition(written == rows && checksum != 0)
        let elapsed = pairs.map(\.measured).sorted()[pairs.count / 2]
        let baseline = pairs.map(\.baseline).sorted()[pairs.count / 2]
        print(
            String(
                format:
                    "validation: %.1fM cells/s per core, CPU time, median run (1M rows x 8 columns, %d violations = %.2f%% of cells, %d stored; %.3f s)",
                Double(cells) / elapsed / 1e6, total, Double(total) * 100 / Double(cells), stored, elapsed))
        print(String(format: "validation: baseline read-every-cell loop %.1fM cells/s", Double(cells) / baseline / 1e6))
        if ProcessInfo.processInfo.environment["VALIDATION_PER_COLUMN"] != nil {
            for c in 0..<8 {
                let one = LockedSchema(output: "sales", columns: [schema.columns[c]])
                let v = try ContractValidator(schema: one)
                var cols: [RowBatch] = []
                for base in stride(from: 0, to: rows, by: batchRows) {
                    cols.append(RowBatch(output: "sales", columnNames: [names[c]], columns: [column(c, base: base, count: batchRows)]))
                }
                let t0 = ContinuousClock.now
                for i in cols.indices {
                    var log = FileViolations(file: "f\(i)")
                    var b = RowBatch(output: "", columnNames: [])
                    swap(&b, &cols[i])
                    _ = v.validate(consume b, into: &log)
                }
                print(String(format: "  column %@: %.1fM cells/s", names[c], Double(rows) / seconds(ContinuousClock.now - t0) / 1e6))
            }
        }
        try PairedTiming.report(pairs, info: ["cells": Double(cells)])
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
