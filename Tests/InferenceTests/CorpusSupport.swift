import Foundation

@testable import Inference

/// The shared corpora, by path from the package root (`../shared/corpora`).
enum Corpora {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let root = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpora")

    static func path(_ rel: String) -> String { root.appendingPathComponent(rel).path }

    static var available: Bool { FileManager.default.fileExists(atPath: root.path) }

    /// Discovers one CSV file with the native reader.
    static func discover(_ rel: String) throws -> [String: ColumnInference] {
        var inference = StreamingInference()
        try inference.feed(csvFile: path(rel), name: rel)
        let columns = inference.finish().outputs.first?.columns ?? []
        return Dictionary(columns.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }
}
