import Foundation

extension Encodable {
    /// The value as JSON text (`JSONEncoder`'s defaults), as the catalog
    /// stores results, summaries, progress and specs.
    public func jsonText() throws -> String {
        String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
    }
}
