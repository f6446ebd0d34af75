import MCP

/// A run resource as pages (`ResourcePages`): the engine's report lists a
/// result per file, so a run over many files is read as
/// `casparian://runs/RUN_ID?page=N`, each page the whole resource with a
/// slice of `report.results` (`results_offset` says where it starts).
struct RunPages {
    let resource: [String: Value]
    let results: [Value]
    let pages: [ResourcePages.Page]

    init(_ resource: [String: Value]) {
        self.resource = resource
        results = resource["report"]?.objectValue?["results"]?.arrayValue ?? []
        var header = resource
        if var report = header["report"]?.objectValue {
            report["results"] = .array([])
            header["report"] = .object(report)
        }
        pages = ResourcePages.cut(
            headerCosts: [JSONValue.text(.object(header)).count + 80], columnCosts: [results.map { JSONValue.text($0).count + 1 }])
    }

    func page(_ number: Int, uri base: String) throws -> String {
        try ResourcePages.check(number, of: pages.count, what: "run \(resource["run_id"]?.stringValue ?? "")")
        guard pages.count > 1, var report = resource["report"]?.objectValue else { return JSONValue.text(.object(resource)) }
        let range = pages[number - 1].first?.columns ?? 0..<0
        report["results"] = .array(Array(results[range]))
        report["results_offset"] = .int(range.lowerBound)
        report["results_total"] = .int(results.count)
        var o = resource
        o["report"] = .object(report)
        o.merge(ResourcePages.fields(page: number, of: pages.count, base: base)) { $1 }
        return JSONValue.text(.object(o))
    }
}
