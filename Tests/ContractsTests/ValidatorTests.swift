import CasparianCore
import Contracts
import Testing

@Suite("Contract validation")
struct ValidatorTests {
    static let schema = LockedSchema(
        output: "sales",
        columns: [
            LockedColumn(name: "id", type: .int64, nullable: false),
            LockedColumn(name: "amount", type: .float64, nullable: true, nullSentinels: ["N/A", ""]),
            LockedColumn(name: "day", type: .date, nullable: false, format: "%d/%m/%Y"),
            LockedColumn(name: "ok", type: .boolean, nullable: false),
            LockedColumn(name: "name", type: .string, nullable: false, renameTo: "customer"),
        ])

    func batch(_ rows: [[CellValue]], columns: [String] = ["id", "amount", "day", "ok", "name"], firstRow: Int = 0) -> RowBatch {
        var b = RowBatch(output: "sales", columnNames: columns, firstRow: firstRow)
        for r in rows { b.append(row: r) }
        return b
    }

    @Test func cleanTextIsNormalisedToTypedValues() throws {
        let v = try ContractValidator(schema: Self.schema)
        let (normalized, violations) = v.validateAndNormalize(
            batch([
                [.string("1"), .string("9.5"), .string("03/04/2024"), .string("TRUE"), .string("Ana")],
                [.int(2), .string("N/A"), .date(days: 19000), .bool(false), .string("Bo")],
                [.string("-3"), .int(4), .string("29/02/2024"), .string("false"), .string("")],
            ]), file: "a.csv")
        #expect(violations.isEmpty)
        #expect(normalized.columnNames == ["id", "amount", "day", "ok", "customer"])
        #expect(normalized.columns[0] == [.int(1), .int(2), .int(-3)])
        #expect(normalized.columns[1] == [.float(9.5), .null, .float(4)])
        #expect(
            normalized.columns[2] == [
                .date(days: Int32(CivilDate(year: 2024, month: 4, day: 3).daysSinceEpoch)), .date(days: 19000),
                .date(days: Int32(CivilDate(year: 2024, month: 2, day: 29).daysSinceEpoch)),
            ])
        #expect(normalized.columns[3] == [.bool(true), .bool(false), .bool(false)])
        #expect(normalized.columns[4] == [.string("Ana"), .string("Bo"), .string("")])
    }

    /// What discovery proves a time (`13:00` among `13:00:00`), validation accepts, as :00.
    @Test func aTimeWithoutSecondsValidatesUnderAFormatWithSeconds() throws {
        let schema = LockedSchema(output: "t", columns: [LockedColumn(name: "at", type: .time, nullable: false, format: "%H:%M:%S")])
        var b = RowBatch(output: "t", columnNames: ["at"])
        for t in ["13:00:00", "13:00", "14:30"] { b.append(row: [.string(t)]) }
        let (normalized, violations) = try ContractValidator(schema: schema).validateAndNormalize(b, file: "t.csv")
        #expect(violations.isEmpty)
        #expect(normalized.columns[0] == [.time(micros: 46_800_000_000), .time(micros: 46_800_000_000), .time(micros: 52_200_000_000)])
        var bad = RowBatch(output: "t", columnNames: ["at"])
        bad.append(row: [.string("13")])
        #expect(try ContractValidator(schema: schema).validateAndNormalize(bad, file: "t.csv").1.count == 1)
    }

    @Test func typeMismatchNamesFileRowColumnExpectedAndGot() throws {
        let v = try ContractValidator(schema: Self.schema)
        let (_, violations) = v.validateAndNormalize(
            batch(
                [
                    [.string("1"), .float(1), .string("01/01/2024"), .bool(true), .string("a")],
                    [.string("x7"), .string("abc"), .string("01/01/2024"), .string("maybe"), .int(5)],
                ], firstRow: 10), file: "data/b.csv")
        let kinds = violations.map { "\($0.kind.rawValue):\($0.column)" }
        // A string column takes an int as its text: discovery proves `string` from such a mix.
        #expect(kinds == ["type_mismatch:id", "type_mismatch:amount", "type_mismatch:ok"])
        let first = try #require(violations.first)
        #expect(first.file == "data/b.csv")
        #expect(first.row == 12)
        #expect(first.expected == "int64")
        #expect(first.got == "x7")
        #expect(first.gotType == "str")
        #expect(violations[2].got == "maybe" && violations[2].gotType == "str")
        #expect(first.message.contains("row 12, column id"))
    }

    @Test func textThatMissesTheFormatIsAFormatMismatch() throws {
        let v = try ContractValidator(schema: Self.schema)
        let (_, violations) = v.validateAndNormalize(
            batch([
                [.int(1), .null, .string("2024-01-31"), .bool(true), .string("a")],
                [.int(2), .null, .string("31/02/2024"), .bool(true), .string("a")],
                [.int(3), .null, .timestamp(micros: 0), .bool(true), .string("a")],
            ]), file: "c.csv")
        #expect(violations.map(\.kind) == [.formatMismatch, .formatMismatch, .typeMismatch])
        #expect(violations[0].expected == "date (text as %d/%m/%Y)")
    }

    @Test func nullsAndSentinelsInANonNullableColumn() throws {
        var schema = Self.schema
        schema.columns[0].nullSentinels = ["-"]
        let v = try ContractValidator(schema: schema)
        let (normalized, violations) = v.validateAndNormalize(
            batch([
                [.null, .null, .string("01/01/2024"), .bool(true), .string("a")],
                [.string("-"), .string(""), .string("01/01/2024"), .bool(true), .string("a")],
            ]), file: "d.csv")
        #expect(violations.map(\.kind) == [.nullNotAllowed, .nullNotAllowed])
        #expect(violations.map(\.row) == [1, 2])
        #expect(normalized.columns[1] == [.null, .null])
    }

    @Test func missingColumnsAndAbsentCellsUnlessThereIsADefault() throws {
        var schema = Self.schema
        schema.columns[3].defaultValue = "false"
        let v = try ContractValidator(schema: schema)
        var log = FileViolations(file: "e.csv")
        // `ok` and `name` are not emitted at all; `amount` is absent in row 2.
        let normalized = v.validate(
            batch(
                [
                    [.int(1), .float(1), .string("01/01/2024")],
                    [.int(2), .absent, .string("01/01/2024")],
                ], columns: ["id", "amount", "day"]), into: &log)
        #expect(
            log.violations.map { "\($0.kind.rawValue):\($0.column):\($0.row)" } == ["missing_column:amount:2", "missing_column:name:1"])
        #expect(normalized.columns[3] == [.bool(false), .bool(false)])
        // A second batch of the same file reports the missing column once only.
        _ = v.validate(batch([[.int(3), .float(1), .string("01/01/2024")]], columns: ["id", "amount", "day"], firstRow: 2), into: &log)
        #expect(log.total == 2)
    }

    @Test func extraColumnsInStrictModeOnlyAndOncePerFile() throws {
        let rows: [[CellValue]] = [
            [.int(1), .float(1), .string("01/01/2024"), .bool(true), .string("a"), .absent],
            [.int(2), .float(1), .string("01/01/2024"), .bool(true), .string("a"), .string("surprise")],
            [.int(3), .float(1), .string("01/01/2024"), .bool(true), .string("a"), .string("again")],
        ]
        let columns = ["id", "amount", "day", "ok", "name", "note"]
        let strict = try ContractValidator(schema: Self.schema)
        let (normalized, violations) = strict.validateAndNormalize(batch(rows, columns: columns), file: "f.csv")
        #expect(violations.count == 1)
        #expect(violations.first?.kind == .extraColumn)
        #expect(violations.first?.row == 2)
        #expect(violations.first?.got == "surprise")
        #expect(normalized.columnNames.count == 5)
        var lenient = Self.schema
        lenient.mode = .allowExtra
        #expect(
            try ContractValidator(schema: lenient).validateAndNormalize(batch(rows, columns: columns), file: "f.csv").violations.isEmpty)
    }

    @Test func violationsPastTheCapAreCountedNotStored() throws {
        let v = try ContractValidator(schema: LockedSchema(output: "o", columns: [LockedColumn(name: "n", type: .int64, nullable: false)]))
        var b = RowBatch(output: "o", columnNames: ["n"])
        b.columns[0] = (0..<5000).map { $0 % 2 == 0 ? .string("bad\($0)") : .int(Int64($0)) }
        var log = FileViolations(file: "g.csv", cap: 100)
        _ = v.validate(b, into: &log)
        #expect(log.violations.count == 100)
        #expect(log.total == 2500)
        #expect(log.unstored == 2400)
        #expect(log.counts[FileViolations.Count(kind: .typeMismatch, column: "n")] == 2500)
        #expect(log.rows == 5000)
    }

    @Test func longValuesAreTruncated() throws {
        let v = try ContractValidator(schema: LockedSchema(output: "o", columns: [LockedColumn(name: "n", type: .int64, nullable: false)]))
        var b = RowBatch(output: "o", columnNames: ["n"])
        b.columns[0] = [.string(String(repeating: "x", count: 10_000))]
        let got = try #require(v.validateAndNormalize(b, file: "h").violations.first?.got)
        #expect(got.count == 81)
        #expect(got.hasSuffix("…"))
    }

    @Test func unusableSchemasAreRefused() {
        #expect(throws: CasparianError.self) {
            try ContractValidator(
                schema: LockedSchema(output: "o", columns: [LockedColumn(name: "d", type: .date, nullable: false, format: "%Q")]))
        }
        #expect(throws: CasparianError.self) {
            try ContractValidator(
                schema: LockedSchema(output: "o", columns: [LockedColumn(name: "n", type: .int64, nullable: false, defaultValue: "zero")]))
        }
        #expect(throws: CasparianError.self) {
            try ContractValidator(
                schema: LockedSchema(output: "o", columns: [LockedColumn(name: "n", type: .int64, nullable: false, defaultValue: .null)]))
        }
        #expect(throws: CasparianError.self) {
            try ContractValidator(
                schema: LockedSchema(output: "o", columns: [LockedColumn(name: "n", type: .int64, nullable: false, format: "%Y")]))
        }
    }

    @Test func summaryGroupsByKindColumnAndShape() throws {
        let v = try ContractValidator(schema: Self.schema)
        var logs: [FileViolations] = []
        for (file, day) in [("2023/a.csv", "12-31-2023"), ("2023/b.csv", "01-15-2023"), ("2024/c.csv", "2024/01/01")] {
            var log = FileViolations(file: "/data/\(file)")
            _ = v.validate(
                batch([
                    [.int(1), .null, .string(day), .bool(true), .string("a")],
                    [.int(2), .null, .string(day), .null, .string("a")],
                ]), into: &log)
            logs.append(log)
        }
        let summary = ViolationSummary(files: logs)
        #expect(summary.total == 9)
        #expect(summary.filesWithViolations == 3)
        let dashed = try #require(summary.groups.first { $0.pattern == "99-99-9999" })
        #expect(dashed.count == 4)
        #expect(dashed.files == 2)
        #expect(dashed.filePattern == "/data/2023/**")
        #expect(dashed.samples.map(\.got) == ["12-31-2023", "01-15-2023", "12-31-2023", "01-15-2023"])
        let nulls = try #require(summary.groups.first { $0.kind == .nullNotAllowed })
        #expect(nulls.column == "ok" && nulls.pattern == "null" && nulls.count == 3)
        #expect(summary.totals.first { $0.column == "day" }?.count == 6)
    }
}

@Suite("Text readers")
struct TextReaderTests {
    @Test func integersAreReadStrictlyAndToTheLimits() {
        let v = try! ContractValidator(schema: LockedSchema(output: "o", columns: [LockedColumn(name: "n", type: .int64, nullable: false)]))
        var b = RowBatch(output: "o", columnNames: ["n"])
        // " 1": spaces around a value are ignored, as discovery ignores them.
        let good = ["0", "-0", "+7", "42", "-9223372036854775808", "9223372036854775807", " 1"]
        let bad = ["", "-", "+", "1.0", "1e3", "9223372036854775808", "-9223372036854775809", "12a", "٣"]
        b.columns[0] = (good + bad).map { .string($0) }
        let (normalized, violations) = v.validateAndNormalize(b, file: "f")
        #expect(Array(normalized.columns[0].prefix(good.count)) == [.int(0), .int(0), .int(7), .int(42), .int(.min), .int(.max), .int(1)])
        #expect(violations.map(\.got) == bad.map { $0.isEmpty ? "" : $0 })
    }

    @Test func repeatedDatesParseOnceAndStillFailAlone() throws {
        let v = try ContractValidator(
            schema: LockedSchema(
                output: "o", columns: [LockedColumn(name: "d", type: .date, nullable: true, format: "%d/%m/%Y", nullSentinels: ["-"])]))
        var b = RowBatch(output: "o", columnNames: ["d"])
        b.columns[0] = ["01/02/2024", "01/02/2024", "30/02/2024", "01/02/2024", "-", "02/02/2024", "30/02/2024"].map { .string($0) }
        let (normalized, violations) = v.validateAndNormalize(b, file: "f")
        let feb1 = CellValue.date(days: Int32(CivilDate(year: 2024, month: 2, day: 1).daysSinceEpoch))
        #expect(normalized.columns[0][0] == feb1 && normalized.columns[0][1] == feb1 && normalized.columns[0][3] == feb1)
        #expect(normalized.columns[0][4] == .null)
        #expect(violations.map(\.row) == [3, 7])
        #expect(violations.allSatisfy { $0.kind == .formatMismatch })
    }
}
