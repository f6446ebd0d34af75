/// A file glob as contracts use it (`excluded_files`, a split schema's
/// `files`): `*` matches within one path component, `**` across components,
/// `?` one character.
///
/// A relative pattern matches at any folder depth (`2023/*.csv` matches
/// `/data/sales/2023/jan.csv`), so patterns stay valid when a corpus moves;
/// an absolute pattern must match the whole path.
public struct GlobPattern: Sendable, Hashable {
    public let pattern: String
    private let bytes: [UInt8]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.bytes = Array(pattern.utf8)
    }

    public func matches(_ path: String) -> Bool {
        let p = Array(path.utf8)
        if bytes.first == UInt8(ascii: "/") { return GlobPattern.match(bytes[...], p[...]) }
        if GlobPattern.match(bytes[...], p[...]) { return true }
        // Try every suffix that starts after a '/'.
        for i in p.indices where p[i] == UInt8(ascii: "/") {
            if GlobPattern.match(bytes[...], p[(i + 1)...]) { return true }
        }
        return false
    }

    private static func match(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        var p = pattern
        var t = text
        while let c = p.first {
            switch c {
            case UInt8(ascii: "*"):
                let doubled = p.dropFirst().first == UInt8(ascii: "*")
                let rest = p.dropFirst(doubled ? 2 : 1)
                // `**/` also matches zero folders.
                if doubled, rest.first == UInt8(ascii: "/"), match(rest.dropFirst(), t) { return true }
                if rest.isEmpty { return doubled || !t.contains(UInt8(ascii: "/")) }
                var i = t.startIndex
                while true {
                    if match(rest, t[i...]) { return true }
                    if i == t.endIndex || (!doubled && t[i] == UInt8(ascii: "/")) { return false }
                    i += 1
                }
            case UInt8(ascii: "?"):
                guard let f = t.first, f != UInt8(ascii: "/") else { return false }
                p = p.dropFirst()
                t = t.dropFirst()
            default:
                guard t.first == c else { return false }
                p = p.dropFirst()
                t = t.dropFirst()
            }
        }
        return t.isEmpty
    }
}
