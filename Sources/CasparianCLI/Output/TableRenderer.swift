import Foundation

/// A plain text table that fits the terminal: columns shrink (with an
/// ellipsis) until the table fits `width`.
struct TableRenderer {
    var headers: [String]
    var rows: [[String?]]
    var width: Int = TableRenderer.terminalWidth()

    static func terminalWidth() -> Int {
        if let c = ProcessInfo.processInfo.environment["COLUMNS"], let n = Int(c), n > 20 { return n }
        var ws = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 20 { return Int(ws.ws_col) }
        return 120
    }

    func render() -> String {
        guard !headers.isEmpty else { return "(no columns)" }
        let cells = rows.map { $0.map { ($0 ?? "∅").replacingOccurrences(of: "\n", with: "⏎") } }
        var widths = headers.indices.map { i in
            max(headers[i].count, cells.map { i < $0.count ? $0[i].count : 0 }.max() ?? 0)
        }
        let separators = 3 * (headers.count - 1)
        while widths.reduce(0, +) + separators > width, let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > 6
        {
            widths[widest] -= 1
        }
        func fit(_ s: String, _ w: Int) -> String {
            if s.count <= w { return s + String(repeating: " ", count: w - s.count) }
            return String(s.prefix(max(0, w - 1))) + "…"
        }
        var out = [headers.indices.map { fit(headers[$0], widths[$0]) }.joined(separator: " │ ")]
        out.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "─┼─"))
        for r in cells {
            out.append(headers.indices.map { fit($0 < r.count ? r[$0] : "", widths[$0]) }.joined(separator: " │ "))
        }
        if rows.isEmpty { out.append("(no rows)") }
        return out.map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }.joined(separator: "\n")
    }
}
