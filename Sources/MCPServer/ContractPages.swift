import Contracts
import MCP

/// A contract as resource pages (`ResourcePages`): a wide one is read as
/// `casparian://contracts/PLUGIN?page=N`, each page the contract with the
/// columns of that page.
struct ContractPages {
    let contract: SchemaContract
    let pages: [ResourcePages.Page]

    init(_ contract: SchemaContract) throws {
        self.contract = contract
        let headers = try contract.schemas.map { s -> Int in
            var header = s
            header.columns = []
            return JSONValue.text(try JSONValue.from(header)).count
        }
        let columns = try contract.schemas.map { s in try s.columns.map { JSONValue.text(try JSONValue.from($0)).count + 1 } }
        pages = ResourcePages.cut(headerCosts: headers, columnCosts: columns)
    }

    func page(_ number: Int, uri base: String) throws -> String {
        try ResourcePages.check(number, of: pages.count, what: "the contract of \(contract.plugin)")
        var c = contract
        c.schemas = pages[number - 1].map { part in
            var schema = contract.schemas[part.output]
            schema.columns = Array(schema.columns[part.columns])
            return schema
        }
        guard case .object(var o) = try JSONValue.from(c) else { return "{}" }
        o.merge(ResourcePages.fields(page: number, of: pages.count, base: base)) { $1 }
        return JSONValue.text(.object(o))
    }
}
