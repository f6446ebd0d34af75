import CasparianCore
import Contracts
import Foundation
import Inference
import Testing

/// What discovery proves from plugin output, validation accepts on the same
/// output: approving a discovery never locks a contract its own data breaks.
@Suite("Discovery and validation agree")
struct DiscoveryAgreementTests {
    /// Each case: one column's cells over two files (nil: the row lacks the key).
    static let cases: [(String, [[CellValue?]])] = [
        ("ints then strings", [[.int(1), .int(2)], [.string("x"), .string("y")]]),
        ("a key missing in some rows", [[.int(1), nil, .int(3)], [.int(4), .int(5)]]),
        ("a column missing from a file", [[.int(1), .int(2)], [nil, nil]]),
        ("integers with spaces around", [[.string(" 12"), .string("13 ")], [.string("\t+14")]]),
        ("booleans as words", [[.string("yes"), .string("no")], [.string("Y"), .string("f"), .string(" true ")]]),
        ("a sentinel with spaces around", [[.int(1), .string(" NA ")], [.string("N/A"), .int(2)]]),
        ("decimals and infinity", [[.float(1.5), .string("inf")], [.string("-Infinity"), .int(3)]]),
        ("integral decimals", [[.decimal("12"), .int(3)], [.decimal("-4")]]),
        ("dates with spaces around", [[.string("2024-01-02 "), .string(" 2024-02-03")]]),
        ("typed values of every kind", [[.int(1), .float(2.5), .bool(true)], [.date(days: 19000), .bytes([1, 255]), .string("z")]]),
        ("typed dates and timestamps", [[.date(days: 19000), .timestamp(micros: 1_000_000)]]),
        ("percentages and plain numbers", [[.string("73.20%"), .string("5 %")], [.string("12"), .string("0.5%")]]),
        ("not-reported markers among counts", [[.string("12"), .string("NR")], [.string("N/R"), .string("n.r."), .string("3")]]),
        ("years", [[.string("1998"), .string("2016")], [.int(2004)]]),
    ]

    @Test(arguments: cases.indices)
    func approvingWhatDiscoveryProvedAcceptsTheSameData(_ index: Int) throws {
        let (label, files) = Self.cases[index]
        let batches = files.map { cells in
            var b = RowBatch(output: "out", columnNames: ["id", "v"])
            for (r, cell) in cells.enumerated() { b.append(row: [.int(Int64(r)), cell ?? .absent]) }
            return b
        }
        var inference = StreamingInference()
        for (f, b) in batches.enumerated() { inference.feed(batch: b, file: "f\(f)") }
        let discovery = inference.finish()
        let column = try #require(discovery.outputs.first?.columns.last)
        var request = ApprovalRequest(plugin: "p", approvedBy: "test")
        if column.status != .resolved { try request.addAnswers(["v=\(column.type.rawValue)"]) }
        let schemas = try ContractApproval.lockSchemas(from: discovery, request: request)
        let validator = try ContractValidator(schema: try #require(schemas.first))
        for (f, b) in batches.enumerated() {
            let (_, violations) = validator.validateAndNormalize(b, file: "f\(f)")
            #expect(
                violations.isEmpty,
                "\(label): discovered \(column.type.rawValue) (\(column.status.rawValue)), then \(violations.map(\.message))")
        }
    }

    @Test func aColumnOfIntsThenStringsIsWrittenAsText() throws {
        var b = RowBatch(output: "out", columnNames: ["v"])
        for cell: CellValue in [.int(1), .string("x"), .date(days: 0), .bytes([0xAB])] { b.append(row: [cell]) }
        let schema = LockedSchema(output: "out", mode: .strict, columns: [LockedColumn(name: "v", type: .string, nullable: false)])
        let (normalized, violations) = try ContractValidator(schema: schema).validateAndNormalize(b, file: "f")
        #expect(violations.isEmpty)
        #expect(normalized.columns[0] == [.string("1"), .string("x"), .string("1970-01-01"), .string("0xab")])
    }

    @Test func aKeyMissingInSomeRowsIsLockedWithANullDefault() throws {
        var b = RowBatch(output: "out", columnNames: ["v"])
        for cell: CellValue in [.int(1), .absent, .null] { b.append(row: [cell]) }
        var inference = StreamingInference()
        inference.feed(batch: b, file: "f")
        let discovery = inference.finish()
        #expect(discovery.outputs[0].columns[0].missingCount == 1 && discovery.outputs[0].columns[0].nullCount == 2)
        let schemas = try ContractApproval.lockSchemas(from: discovery, request: ApprovalRequest(plugin: "p", approvedBy: "t"))
        #expect(schemas[0].columns[0].nullable && schemas[0].columns[0].defaultValue == .null)
    }
}

/// The percent notation, both ways: what the solver reads as a percentage
/// the validator accepts and writes as the same number.
@Suite("Percentages, discovered and validated")
struct PercentAgreementTests {
    @Test func aPercentColumnIsWrittenAsTheNumberWritten() throws {
        var b = RowBatch(output: "out", columnNames: ["share"])
        for text in ["73.20%", "5 %", "12", "0.5%"] { b.append(row: [.string(text)]) }
        var inference = StreamingInference()
        inference.feed(batch: b, file: "f")
        let discovery = inference.finish()
        let column = try #require(discovery.outputs.first?.columns.first)
        #expect(column.type == .float64 && column.format == "0.#%" && column.status == .resolved, "\(column)")
        let schemas = try ContractApproval.lockSchemas(from: discovery, request: ApprovalRequest(plugin: "p", approvedBy: "t"))
        let (normalized, violations) = try ContractValidator(schema: try #require(schemas.first)).validateAndNormalize(b, file: "f")
        #expect(violations.isEmpty, "\(violations.map(\.message))")
        #expect(normalized.columns[0] == [.float(73.2), .float(5), .float(12), .float(0.5)])
        // The notation is the locked column's: other text is still refused.
        var bad = RowBatch(output: "out", columnNames: ["share"])
        bad.append(row: [.string("73,2%")])
        let (_, refused) = try ContractValidator(schema: try #require(schemas.first)).validateAndNormalize(bad, file: "g")
        #expect(refused.count == 1)
    }
}
