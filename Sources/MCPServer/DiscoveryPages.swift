import Catalog
import Foundation
import Inference
import MCP

/// A discovery as resource pages (`ResourcePages`): a wide one (hundreds of
/// columns with their evidence) is read as `casparian://discoveries/ID?page=N`.
struct DiscoveryPages {
    /// Files an output lists on a page of several; `file_count` has them all.
    static let filesPerPage = 1_000

    let discovery: StoredDiscovery
    let pages: [ResourcePages.Page]

    init(_ discovery: StoredDiscovery) throws {
        self.discovery = discovery
        let outputs = discovery.result.outputs
        let headers = try outputs.map { o -> Int in
            var header = o
            header.columns = []
            header.files = header.files.map { Array($0.prefix(Self.filesPerPage)) }
            return JSONValue.text(try JSONValue.from(header)).count
        }
        let columns = try outputs.map { o in try o.columns.map { JSONValue.text(try JSONValue.from($0)).count + 1 } }
        pages = ResourcePages.cut(headerCosts: headers, columnCosts: columns)
    }

    /// The resource text of page `number` (1-based).
    func page(_ number: Int, uri base: String) throws -> String {
        try ResourcePages.check(number, of: pages.count, what: "discovery \(discovery.id)")
        var result = discovery.result
        result.outputs = pages[number - 1].map { part in
            var output = discovery.result.outputs[part.output]
            output.columns = Array(output.columns[part.columns])
            if pages.count > 1 { output.files = output.files.map { Array($0.prefix(Self.filesPerPage)) } }
            return output
        }
        var o: [String: Value] = [
            "discovery_id": .string(discovery.id), "plugin": .string(discovery.plugin), "result": try JSONValue.from(result),
        ]
        if let scope = discovery.scopeID { o["scope_id"] = .string(scope) }
        o.merge(ResourcePages.fields(page: number, of: pages.count, base: base)) { $1 }
        return JSONValue.text(.object(o))
    }
}
