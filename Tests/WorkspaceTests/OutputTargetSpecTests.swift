import CasparianCore
import Foundation
import Testing

@testable import Workspace

/// What `--to` (and MCP `to`) accept, and that a password never leaves memory.
@Suite("Output target specs")
struct OutputTargetSpecTests {
    let base = URL(fileURLWithPath: "/work/project")

    @Test func parsesEachKind() throws {
        #expect(try OutputTargetSpec(parsing: "sqlite", relativeTo: base) == .sqlite)
        #expect(try OutputTargetSpec(parsing: " SQLite ", relativeTo: base) == .sqlite)
        let relative = try OutputTargetSpec(parsing: "parquet:out/../lake", relativeTo: base)
        #expect(relative.kind == .parquet && relative.location == "/work/project/lake")
        #expect(try OutputTargetSpec(parsing: "parquet:/data/lake", relativeTo: base).location == "/data/lake")
        let pg = try OutputTargetSpec(parsing: "postgresql://me@db:5433/analytics", relativeTo: base)
        #expect(pg.kind == .postgresql && pg.schema == nil && pg.description == "postgresql://me@db:5433/analytics")
        let named = try OutputTargetSpec(parsing: "postgres://db/a", schema: "sales", relativeTo: base)
        #expect(named.schema == "sales" && named.description == "postgres://db/a (schema sales)")
    }

    @Test func readsTheSchemaFromTheURLsSearchPath() throws {
        let spec = try OutputTargetSpec(parsing: "postgresql://db/a?options=-csearch_path%3Dstaging,public", relativeTo: base)
        #expect(spec.schema == "staging")
        let overridden = try OutputTargetSpec(
            parsing: "postgresql://db/a?options=-csearch_path%3Dstaging", schema: "prod", relativeTo: base)
        #expect(overridden.schema == "prod")
    }

    @Test func aPasswordIsShownAsStarsAndNeverEncoded() throws {
        for url in ["postgresql://me:s3cret@db/a", "postgresql://me@db/a?password=s3cret&sslmode=require"] {
            let spec = try OutputTargetSpec(parsing: url, relativeTo: base)
            #expect(spec.location == url, "kept in memory to connect")
            #expect(!spec.description.contains("s3cret") && spec.description.contains("***"), "\(spec.description)")
            let encoded = try spec.jsonText()
            #expect(!encoded.contains("s3cret") && !encoded.contains("***"), "\(encoded)")
            let decoded = try JSONDecoder().decode(OutputTargetSpec.self, from: Data(encoded.utf8))
            #expect(decoded.kind == .postgresql && decoded.location.hasPrefix("postgresql://me@db/a"), "\(decoded.location)")
        }
        let query = try OutputTargetSpec(parsing: "postgresql://me@db/a?password=s3cret&sslmode=require", relativeTo: base)
        #expect(try query.jsonText().contains("sslmode=require"), "other parameters are kept")
    }

    @Test func badInputSaysWhatToWrite() throws {
        for (text, says) in [
            ("s3://bucket/x", "unknown output target"), ("parquet:", "needs a folder"), ("mysql://me:pw@db/a", "unknown output target"),
        ] {
            let error = #expect(throws: CasparianError.self) { try OutputTargetSpec(parsing: text, relativeTo: base) }
            #expect(error?.message.contains(says) == true, "\(text): \(error?.message ?? "")")
            #expect(error?.hint?.contains("parquet:FOLDER") == true || says == "needs a folder")
            #expect(error?.message.contains("pw@") != true, "no password in the message: \(error?.message ?? "")")
        }
        #expect(throws: CasparianError.self) { try OutputTargetSpec(parsing: "sqlite", schema: "x", relativeTo: base) }
        #expect(throws: CasparianError.self) { try OutputTargetSpec(parsing: "postgresql://db/a", schema: "", relativeTo: base) }
    }
}
