import MCP

/// Cuts a resource made of outputs with columns (a discovery, a contract)
/// into pages of about `budget` characters, between columns: a small one
/// is one page; a wide one is read as `URI?page=N`, each page saying
/// `page`, `pages` and the `next_uri`.
enum ResourcePages {
    static let budget = 60_000

    /// One page: for each output on it, the output's index and the range of its columns.
    typealias Page = [(output: Int, columns: Range<Int>)]

    /// Pages for outputs whose headers (the output without its columns) and
    /// columns cost these many characters; a page holds at least one column.
    static func cut(headerCosts: [Int], columnCosts: [[Int]]) -> [Page] {
        var pages: [Page] = [[]]
        var size = 0
        for (o, costs) in columnCosts.enumerated() {
            var start = 0
            size += headerCosts[o]
            for (c, cost) in costs.enumerated() {
                if size + cost > budget, c > start || !pages[pages.count - 1].isEmpty {
                    if c > start { pages[pages.count - 1].append((o, start..<c)) }
                    pages.append([])
                    start = c
                    size = headerCosts[o]
                }
                size += cost
            }
            pages[pages.count - 1].append((o, start..<costs.count))
        }
        return pages
    }

    /// `ID?page=N` → (`ID`, N); the page is 1 without a query.
    static func parse(_ rest: String) throws -> (id: String, page: Int) {
        guard let q = rest.firstIndex(of: "?") else { return (rest, 1) }
        let query = rest[rest.index(after: q)...]
        guard query.hasPrefix("page="), let n = Int(query.dropFirst(5)) else {
            throw MCPError.invalidParams("a resource takes ?page=N (1, 2, …), not ?\(query)")
        }
        return (String(rest[..<q]), n)
    }

    /// Throws unless `number` is one of `count` pages.
    static func check(_ number: Int, of count: Int, what: String) throws {
        guard number >= 1, number <= count else {
            throw MCPError.invalidParams("\(what) has \(count) page\(count == 1 ? "" : "s"), not page \(number)")
        }
    }

    /// The paging fields of a page of several.
    static func fields(page number: Int, of count: Int, base: String) -> [String: Value] {
        guard count > 1 else { return [:] }
        return [
            "page": .int(number), "pages": .int(count),
            "next_uri": number < count ? .string("\(base)?page=\(number + 1)") : .null,
        ]
    }
}
