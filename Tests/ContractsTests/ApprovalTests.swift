import CasparianCore
import Contracts
import Inference
import Testing

@Suite("Contract approval")
struct ApprovalTests {
    static let discovery = DiscoveryResult(
        files: 3, rows: 100,
        outputs: [
            OutputInference(
                name: "csv",
                columns: [
                    ColumnInference(name: "id", type: .int64, nullable: false, status: .resolved),
                    ColumnInference(
                        name: "day", type: .date, format: "%d/%m/%Y", nullable: false, status: .ambiguous,
                        candidates: [.init(type: .date, format: "%d/%m/%Y"), .init(type: .date, format: "%m/%d/%Y")],
                        question: "Is 03/04/2024 the 3rd of April or March 4th?"),
                    ColumnInference(
                        name: "flag", type: .int64, nullable: true, nullSentinels: ["N/A"], status: .ambiguous,
                        candidates: [.init(type: .boolean), .init(type: .int64)], question: "Is flag a boolean or a number?"),
                    ColumnInference(
                        name: "price", type: .string, nullable: false, status: .contradiction,
                        candidates: [.init(type: .float64), .init(type: .string)]),
                ])
        ])

    @Test func refusesToLockOpenColumnsAndListsEveryOne() {
        let error = #expect(throws: CasparianError.self) {
            try ContractApproval.lockSchemas(
                from: Self.discovery,
                request: ApprovalRequest(
                    plugin: "sales",
                    answers: [
                        "flag": ApprovalAnswer(type: .boolean)
                    ], approvedBy: "ana"))
        }
        #expect(error?.message.contains("csv.day (ambiguous): Is 03/04/2024 the 3rd of April or March 4th?") == true)
        #expect(error?.message.contains("csv.price (contradiction)") == true)
        #expect(error?.message.contains("flag") == false)
        #expect(error?.hint?.contains("--answer day=date:%d/%m/%Y") == true)
        #expect(ContractApproval.openQuestions(in: Self.discovery).map(\.column) == ["day", "flag", "price"])
    }

    @Test func answersAndOverridesLockTheSchemaNamedAfterThePlugin() throws {
        var request = ApprovalRequest(plugin: "sales", approvedBy: "ana")
        try request.addAnswers(["day=date:%m/%d/%Y", "flag=boolean", "price=float64"])
        try request.addOverrides(
            ["price.rename_to=unit_price", "flag.default=null", "csv.mode=allow_extra", "id.nullable=true"],
            outputs: ["csv"])
        let schemas = try ContractApproval.lockSchemas(from: Self.discovery, request: request)
        #expect(schemas.count == 1)
        let s = schemas[0]
        #expect(s.output == "sales")
        #expect(s.source == nil)
        #expect(s.mode == .allowExtra)
        #expect(
            s.columns == [
                LockedColumn(name: "id", type: .int64, nullable: true),
                LockedColumn(name: "day", type: .date, nullable: false, format: "%m/%d/%Y"),
                LockedColumn(name: "flag", type: .boolean, nullable: true, nullSentinels: ["N/A"], defaultValue: .null),
                LockedColumn(name: "price", type: .float64, nullable: false, renameTo: "unit_price"),
            ])
    }

    @Test func aTemporalAnswerWithoutFormatNeedsOneWhenSeveralFit() {
        #expect(throws: CasparianError.self) {
            try ContractApproval.lockSchemas(
                from: Self.discovery,
                request: ApprovalRequest(
                    plugin: "sales",
                    answers: [
                        "day": ApprovalAnswer(type: .date), "flag": ApprovalAnswer(type: .int64), "price": ApprovalAnswer(type: .string),
                    ], approvedBy: "ana"))
        }
    }

    @Test func badArgumentsAreClearErrors() {
        var r = ApprovalRequest(plugin: "p", approvedBy: "x")
        #expect(throws: CasparianError.self) { try r.addAnswers(["day"]) }
        #expect(throws: CasparianError.self) { try r.addAnswers(["day=money"]) }
        #expect(throws: CasparianError.self) { try r.addOverrides(["day.colour=red"], outputs: []) }
        #expect(throws: CasparianError.self) { try r.addOverrides(["day.nullable=maybe"], outputs: []) }
        #expect(throws: CasparianError.self) { try r.addOverrides(["nope.mode=strict"], outputs: ["csv"]) }
        let unknown = #expect(throws: CasparianError.self) {
            try ContractApproval.lockSchemas(
                from: Self.discovery, request: ApprovalRequest(plugin: "p", answers: ["dya": ApprovalAnswer(type: .date)], approvedBy: "x"))
        }
        #expect(unknown?.message.contains("no column dya") == true)
        for (flag, message) in [
            (ApprovalAnswer(type: .int64, format: "%Y"), "column flag, format: %Y is not a number format"),
            (
                ApprovalAnswer(type: .boolean, format: "#,##0"),
                "csv.flag: a format is only for date, time, timestamp, int64 and float64 columns"
            ),
        ] {
            let error = #expect(throws: CasparianError.self) {
                try ContractApproval.lockSchemas(
                    from: Self.discovery,
                    request: ApprovalRequest(
                        plugin: "p",
                        answers: [
                            "day": ApprovalAnswer(type: .date, format: "%d/%m/%Y"), "flag": flag, "price": ApprovalAnswer(type: .string),
                        ], approvedBy: "x"))
            }
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        }
    }

    /// A discovery of grouped numbers: a resolved `#,##0` column keeps its
    /// notation, an ambiguous `1,234` column takes the one of the answered
    /// type (or asks for it when two fit), and the approved contract reads
    /// `1,234` as 1234.
    @Test func groupedNumberFormatsAreLockedAndValidate() throws {
        let discovery = DiscoveryResult(
            files: 1, rows: 3,
            outputs: [
                OutputInference(
                    name: "csv",
                    columns: [
                        ColumnInference(name: "population", type: .int64, format: "#,##0", nullable: false, status: .resolved),
                        ColumnInference(
                            name: "amount", type: .string, nullable: false, status: .ambiguous,
                            candidates: [
                                .init(type: .int64, format: "#,##0"), .init(type: .float64, format: "#.##0,#"),
                                .init(type: .float64, format: "# ##0,#"),
                            ], question: "amount: 1,234 is 1234 or 1.234"),
                        ColumnInference(name: "price", type: .float64, format: "#.##0,#", nullable: false, status: .resolved),
                    ])
            ])
        var request = ApprovalRequest(plugin: "stats", approvedBy: "ana")
        try request.addAnswers(["amount=int64"])
        let schema = try #require(try ContractApproval.lockSchemas(from: discovery, request: request).first)
        #expect(schema.columns.map(\.format) == ["#,##0", "#,##0", "#.##0,#"])

        var b = RowBatch(output: "stats", columnNames: ["population", "amount", "price"])
        b.append(row: [.string("1,234"), .string("1,234,567"), .string("1.234,5")])
        b.append(row: [.string("17"), .int(5), .string("0,25")])
        b.append(row: [.string("1.234"), .string("12,34"), .string("1,234.5")])
        let (normalized, violations) = try ContractValidator(schema: schema).validateAndNormalize(b, file: "a.csv")
        #expect(normalized.columns[0][0...1] == [.int(1234), .int(17)])
        #expect(normalized.columns[1][0...1] == [.int(1_234_567), .int(5)])
        #expect(normalized.columns[2][0...1] == [.float(1234.5), .float(0.25)])
        #expect(violations.map { "\($0.column) \($0.got)" } == ["population 1.234", "amount 12,34", "price 1,234.5"])
        #expect(violations.first?.expected == "int64 (text as #,##0)")

        var asFloat = ApprovalRequest(plugin: "stats", approvedBy: "ana")
        try asFloat.addAnswers(["amount=float64"])
        let twoFit = #expect(throws: CasparianError.self) { try ContractApproval.lockSchemas(from: discovery, request: asFloat) }
        #expect(twoFit?.hint?.contains("--answer 'amount=float64:# ##0,#'") == true)
        var overridden = ApprovalRequest(plugin: "stats", approvedBy: "ana")
        try overridden.addAnswers(["amount=float64:#.##0,#"])
        try overridden.addOverrides(["population.type=float64"], outputs: ["csv"])
        let widened = try #require(try ContractApproval.lockSchemas(from: discovery, request: overridden).first)
        #expect(widened.columns.map(\.format) == ["#,##0.#", "#.##0,#", "#.##0,#"])
    }

    @Test func severalOutputsKeepTheirNamesAndNeedQualifiedKeysWhenShared() throws {
        let d = DiscoveryResult(
            files: 1, rows: 2,
            outputs: [
                OutputInference(name: "orders", columns: [ColumnInference(name: "id", type: .int64, nullable: false, status: .resolved)]),
                OutputInference(name: "refunds", columns: [ColumnInference(name: "id", type: .int64, nullable: false, status: .resolved)]),
            ])
        #expect(throws: CasparianError.self) {
            try ContractApproval.lockSchemas(
                from: d, request: ApprovalRequest(plugin: "shop", columnOverrides: ["id": ColumnOverride(nullable: true)], approvedBy: "x"))
        }
        let schemas = try ContractApproval.lockSchemas(
            from: d,
            request: ApprovalRequest(
                plugin: "shop", columnOverrides: ["refunds.id": ColumnOverride(nullable: true)],
                outputOverrides: ["refunds": OutputOverride(name: "shop_refunds")], approvedBy: "x"))
        #expect(schemas.map(\.output) == ["orders", "shop_refunds"])
        #expect(schemas[1].source == "refunds")
        #expect(schemas[1].columns[0].nullable)
        #expect(!schemas[0].columns[0].nullable)
    }
}
