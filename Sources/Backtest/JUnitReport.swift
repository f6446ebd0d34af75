import Foundation

/// JUnit XML for CI systems: a test suite per plugin, a test case per file,
/// failures with their category and message, fail-fast skips as skipped.
public enum JUnitReport {
    public static func xml(for reports: [BacktestReport], corpusRoot: String?) -> String {
        var out = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        let tests = reports.reduce(0) { $0 + $1.filesTotal }
        let failures = reports.reduce(0) { $0 + $1.filesFailed }
        let skipped = reports.reduce(0) { $0 + $1.filesSkipped }
        let time = Double(reports.reduce(0) { $0 + $1.durationMilliseconds }) / 1000
        out +=
            #"<testsuites name="casparian backtest" tests="\#(tests)" failures="\#(failures)" skipped="\#(skipped)" time="\#(format(time))">"#
            + "\n"
        for r in reports {
            let suiteTime = Double(r.durationMilliseconds) / 1000
            out +=
                #"  <testsuite name="\#(escape(r.plugin))" tests="\#(r.filesTotal)" failures="\#(r.filesFailed)" errors="0" skipped="\#(r.filesSkipped)" time="\#(format(suiteTime))">"#
                + "\n"
            out +=
                #"    <properties><property name="parser_version" value="\#(escape(r.parserVersion))"/><property name="pass_rate" value="\#(format(r.passRate))"/>"#
            if let v = r.contractVersion { out += #"<property name="contract_version" value="\#(v)"/>"# }
            if let reason = r.stopReason { out += #"<property name="stop_reason" value="\#(escape(reason))"/>"# }
            out += "</properties>\n"
            for f in r.results {
                let name = escape(FailureAnalysis.relative(f.path, corpusRoot))
                let t = format(Double(f.durationMilliseconds) / 1000)
                if f.status == .passed {
                    out += #"    <testcase classname="\#(escape(r.plugin))" name="\#(name)" time="\#(t)"/>"# + "\n"
                } else {
                    let category = f.category?.rawValue ?? "plugin_error"
                    var body = f.message ?? ""
                    for p in f.problems.prefix(10) {
                        body += "\n- \(p.category.rawValue)"
                        if let c = p.column { body += " column \(c)" }
                        if let row = p.row { body += " row \(row)" }
                        body += ": \(p.message)"
                    }
                    if f.moreProblems > 0 { body += "\n… and \(f.moreProblems) more" }
                    if let tb = f.traceback { body += "\n\n" + tb }
                    out += #"    <testcase classname="\#(escape(r.plugin))" name="\#(name)" time="\#(t)">"# + "\n"
                    out +=
                        #"      <failure type="\#(category)" message="\#(escape(String((f.message ?? category).prefix(500))))">\#(escape(body))</failure>"#
                        + "\n"
                    out += "    </testcase>\n"
                }
            }
            if r.filesSkipped > 0 {
                out +=
                    #"    <testcase classname="\#(escape(r.plugin))" name="(\#(r.filesSkipped) files not run)" time="0"><skipped message="\#(escape(r.stopReason ?? "skipped"))"/></testcase>"#
                    + "\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    static func format(_ d: Double) -> String { String(format: "%.3f", d) }

    /// XML-escapes text, dropping characters XML 1.0 cannot carry.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { out += "�" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
