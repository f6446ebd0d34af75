import Foundation
import Testing

@testable import Inference

/// The shared corpora, by path from the package root (`../shared/corpora`).
enum Corpora {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let root = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora")

    static func path(_ rel: String) -> String { root.appendingPathComponent(rel).path }

    static var available: Bool { FileManager.default.fileExists(atPath: root.path) }

    /// Set by CI (`CASPARIAN_REQUIRE_CORPORA=1` in .ci/run): a corpus test
    /// that cannot find the corpora fails instead of being skipped.
    static var required: Bool { ProcessInfo.processInfo.environment["CASPARIAN_REQUIRE_CORPORA"] == "1" }

    /// The trait of every test over the corpora: skipped, saying why, when
    /// they are missing, unless they are required.
    static var trait: ConditionTrait {
        .enabled(
            if: available || required,
            Comment(
                rawValue: "the shared corpora are missing: \(root.path) (the project's ../shared/corpora) does not exist; "
                    + "CASPARIAN_REQUIRE_CORPORA=1 turns this skip into a failure"))
    }

    /// Discovers one CSV file with the native reader.
    static func discover(_ rel: String) throws -> [String: ColumnInference] {
        var inference = StreamingInference()
        try inference.feed(csvFile: path(rel), name: rel)
        let columns = inference.finish().outputs.first?.columns ?? []
        return Dictionary(columns.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }
}

@Suite("Shared corpora")
struct SharedCorporaTests {
    /// CI runs the corpus tests or fails: a missing ../shared/corpora would otherwise skip them quietly.
    @Test func presentWhenRequired() {
        #expect(
            Corpora.available || !Corpora.required,
            "CASPARIAN_REQUIRE_CORPORA=1 but \(Corpora.root.path) does not exist: the corpus tests cannot run")
    }
}
