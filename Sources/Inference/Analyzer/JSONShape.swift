/// The top-level shape of a JSON text (or of its first bytes): how many
/// top-level values it starts, whether each starts on its own line, and
/// whether the last one is complete. Checks brackets, strings and bare
/// tokens, not the full grammar: enough to tell JSON from other text.
struct JSONShape: Equatable {
    /// Top-level values started (the last one may be cut by the sample end).
    var values = 0
    /// Each top-level value begins on a new line.
    var onePerLine = true
    /// The text ends between values (not inside one).
    var complete = true

    /// The shape of `text`, or nil when it is not JSON. `truncated` allows the
    /// text to end inside a value (a sample of a longer file).
    static func scan(_ text: [UInt8], truncated: Bool) -> JSONShape? {
        var shape = JSONShape()
        var stack: [UInt8] = []
        var inString = false
        var escaped = false
        var newlineSinceValue = true
        var token: [UInt8] = []
        for c in text {
            if inString {
                if escaped {
                    escaped = false
                } else if c == UInt8(ascii: "\\") {
                    escaped = true
                } else if c == UInt8(ascii: "\"") {
                    inString = false
                } else if c < 0x20 && c != 9 {
                    return nil
                }
                continue
            }
            if isTokenByte(c) {
                token.append(c)
                continue
            }
            if !token.isEmpty {
                guard validToken(token), !stack.isEmpty else { return nil }
                token.removeAll(keepingCapacity: true)
            }
            switch c {
            case UInt8(ascii: " "), 9, 13: break
            case 10: if stack.isEmpty { newlineSinceValue = true }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if stack.isEmpty {
                    if shape.values > 0 && !newlineSinceValue { shape.onePerLine = false }
                    shape.values += 1
                    newlineSinceValue = false
                }
                stack.append(c)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard let open = stack.popLast(), (open == UInt8(ascii: "{")) == (c == UInt8(ascii: "}")) else { return nil }
            case UInt8(ascii: "\""):
                guard !stack.isEmpty else { return nil }
                inString = true
            case UInt8(ascii: ","), UInt8(ascii: ":"): guard !stack.isEmpty else { return nil }
            default: return nil
            }
        }
        if !token.isEmpty && !truncated && (!validToken(token) || stack.isEmpty) { return nil }
        shape.complete = stack.isEmpty && !inString
        guard shape.values > 0, shape.complete || truncated else { return nil }
        return shape
    }

    static func isTokenByte(_ c: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
            || c == UInt8(ascii: ".")
    }

    /// `true`, `false`, `null` or a number.
    static func validToken(_ t: [UInt8]) -> Bool {
        if t.elementsEqual("true".utf8) || t.elementsEqual("false".utf8) || t.elementsEqual("null".utf8) { return true }
        guard let first = t.first, first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return t.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || "+-.eE".utf8.contains($0) }
    }
}
