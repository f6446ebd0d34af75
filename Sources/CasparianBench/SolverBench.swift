import CasparianCore
import Foundation
import Inference

/// The constraint solver alone on a generated 1M-row × 8-column mixed
/// batch (typed values and text), one core, against a plain pass over the
/// same values (the memory-traversal floor) measured in the same run.
enum SolverBench {
    static let rows = 1_000_000

    static func batch() -> RowBatch {
        var b = RowBatch(
            output: "bench",
            columnNames: [
                "id", "amount", "name", "day", "iso_date", "qty_text",
                "price_text", "flag",
            ])
        let names = ["Ana Souza", "Bo Lindqvist", "Chloé Martin", "Hiro Tanaka", "Kofi Mensah", "Lena Novak"]
        for c in 0..<8 { b.columns[c].reserveCapacity(rows) }
        for i in 0..<rows {
            b.columns[0].append(.int(Int64(i)))
            b.columns[1].append(i % 97 == 0 ? .null : .float(Double(i % 10_000) * 0.25))
            b.columns[2].append(.string(names[i % names.count]))
            b.columns[3].append(.date(days: Int32(18_000 + i % 3000)))
            let d = CivilDate(daysSinceEpoch: 19_000 + i % 1000)
            b.columns[4].append(.string(d.iso))
            b.columns[5].append(i % 50 == 0 ? .string("N/A") : .string(String(i % 5000)))
            b.columns[6].append(.string(String(i % 900) + "." + String(10 + i % 90)))
            b.columns[7].append(.bool(i & 1 == 0))
        }
        return b
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func cpuTime(_ body: () throws -> Void) rethrows -> Duration {
        .nanoseconds(Int64(try PairedTiming.cpu(body) * 1e9))
    }

    static func run() throws {
        let b = batch()
        let values = Double(rows * b.columns.count)
        var checksum = 0
        var result: DiscoveryResult?
        // Pairs of the floor (touch every value once: switch on the case,
        // read every string's bytes) and the solver, in CPU time per core.
        let pairs = PairedTiming.pairs(
            5,
            baseline: {
                PairedTiming.cpu {
                    for column in b.columns {
                        for v in column {
                            switch v {
                            case .int(let i): checksum &+= Int(i)
                            case .string(let s):
                                checksum &+=
                                    s.utf8.withContiguousStorageIfAvailable { b in
                                        var sum = 0
                                        for x in b { sum &+= Int(x) }
                                        return sum
                                    } ?? 0
                            case .null: checksum &+= 1
                            default: checksum &+= 2
                            }
                        }
                    }
                }
            },
            measured: {
                PairedTiming.cpu {
                    var inference = StreamingInference()
                    inference.feed(batch: b, file: "bench")
                    result = inference.finish()
                }
            })
        let types = result!.outputs[0].columns.map { "\($0.name)=\($0.type.rawValue)\($0.format.map { "(\($0))" } ?? "")" }
        precondition(result!.outputs[0].columns.allSatisfy { $0.status == .resolved }, "bench columns must resolve: \(types)")
        let solver = pairs.map(\.measured).sorted()[pairs.count / 2]
        let floor = pairs.map(\.baseline).sorted()[pairs.count / 2]
        print(
            "solver: \(String(format: "%.1f", values / solver / 1e6))M values/s per core, CPU time, median run (1M rows x 8 columns, mixed typed and text; checksum \(checksum & 0xff))"
        )
        print("solver: \(types.joined(separator: " "))")
        print(
            "solver: plain pass over the same values (every string's bytes read) \(String(format: "%.1f", values / floor / 1e6))M values/s"
        )
        var perColumn: [String] = []
        for (c, name) in b.columnNames.enumerated() {
            var one = RowBatch(output: "bench", columnNames: [name])
            one.columns[0] = b.columns[c]
            let t = cpuTime {
                var inference = StreamingInference()
                inference.feed(batch: one, file: "bench")
                _ = inference.finish()
            }
            perColumn.append("\(name) \(String(format: "%.0f", Double(rows) / seconds(t) / 1e6))M/s")
        }
        print("solver: per column: " + perColumn.joined(separator: ", "))
        try csvRecords()
        try PairedTiming.report(pairs, info: ["values": values])
    }

    /// The discover path: CSV text records straight from the reader's bytes.
    static func csvRecords() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("casparian-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("mixed.csv").path
        var text = "id,amount,name,day,stamp,qty,price,flag\n"
        text.reserveCapacity(rows * 80)
        for i in 0..<rows {
            let d = CivilDate(daysSinceEpoch: 19_000 + i % 1000).iso
            text +=
                "\(i),\(i % 97 == 0 ? "" : String(Double(i % 10_000) * 0.25)),name \(i % 100),\(d),\(d)T\(i % 24 < 10 ? "0" : "")\(i % 24):15:00,\(i % 5000),\(i % 900).\(10 + i % 90),\(i & 1 == 0 ? "true" : "false")\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        var best = Duration.seconds(1000)
        for _ in 0..<3 {
            best = min(
                best,
                try cpuTime {
                    var inference = StreamingInference()
                    try inference.feed(csvFile: path)
                    _ = inference.finish()
                })
        }
        let mb = Double(text.utf8.count) / 1e6
        print(
            "csv: read + solve \(String(format: "%.1f", Double(rows * 8) / seconds(best) / 1e6))M fields/s, \(String(format: "%.0f", mb / seconds(best))) MB/s (\(String(format: "%.0f", mb)) MB, 1M rows x 8 columns)"
        )
    }
}
