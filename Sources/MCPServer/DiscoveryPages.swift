import Catalog
import Foundation
import Inference
import MCP

/// A discovery as resource pages a model can read: a small discovery is
/// one page (the whole of it, as before); a wide one (hundreds of columns
/// with their evidence) is cut between columns into pages of about
/// `budget` characters, read as `casparian://discoveries/ID?page=N`, each
/// saying `page`, `pages` and the `next_uri`.
struct DiscoveryPages {
    static let budget = 60_000
    /// Files an output lists on a page; `file_count` has them all.
    static let filesPerPage = 1_000

    /// One page: for each output on it, the output's index and the range of its columns.
    typealias Page = [(output: Int, columns: Range<Int>)]

    let discovery: StoredDiscovery
    let pages: [Page]

    init(_ discovery: StoredDiscovery) throws {
        self.discovery = discovery
        var pages: [Page] = [[]]
        var size = 0
        for (o, output) in discovery.result.outputs.enumerated() {
            var header = output
            header.columns = []
            header.files = header.files.map { Array($0.prefix(Self.filesPerPage)) }
            let headerCost = JSONValue.text(try JSONValue.from(header)).count
            var start = 0
            size += headerCost
            for (c, column) in output.columns.enumerated() {
                let cost = JSONValue.text(try JSONValue.from(column)).count + 1
                // Close the page before a column that would overflow it (a page holds at least one column).
                if size + cost > Self.budget, c > start || !pages[pages.count - 1].isEmpty {
                    if c > start { pages[pages.count - 1].append((o, start..<c)) }
                    pages.append([])
                    start = c
                    size = headerCost
                }
                size += cost
            }
            pages[pages.count - 1].append((o, start..<output.columns.count))
        }
        self.pages = pages
    }

    /// The resource text of page `number` (1-based).
    func page(_ number: Int, uri base: String) throws -> String {
        guard number >= 1, number <= pages.count else {
            throw MCPError.invalidParams(
                "discovery \(discovery.id) has \(pages.count) page\(pages.count == 1 ? "" : "s"), not page \(number)")
        }
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
        if pages.count > 1 {
            o["page"] = .int(number)
            o["pages"] = .int(pages.count)
            o["next_uri"] = number < pages.count ? .string("\(base)?page=\(number + 1)") : .null
        }
        return JSONValue.text(.object(o))
    }

    /// `casparian://discoveries/ID?page=N` → (`ID`, N); the page is 1 without a query.
    static func parse(_ rest: String) throws -> (id: String, page: Int) {
        guard let q = rest.firstIndex(of: "?") else { return (rest, 1) }
        let query = rest[rest.index(after: q)...]
        guard query.hasPrefix("page="), let n = Int(query.dropFirst(5)) else {
            throw MCPError.invalidParams("a discovery resource takes ?page=N (1, 2, …), not ?\(query)")
        }
        return (String(rest[..<q]), n)
    }
}
