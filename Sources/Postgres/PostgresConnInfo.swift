/// The URL with any password replaced by `***` (for messages and the catalog).
///
/// Handles both forms libpq takes: a URL (`postgresql://user:secret@host/db`,
/// `?password=secret` among its parameters) and key=value pairs
/// (`host=h password='it''s'`, with a `dbname` that is itself a URL or
/// key=value string). Anything else (a bare database name) is returned as is.
public func redactedPostgresURL(_ url: String) -> String {
    PostgresConnInfo.redacting(url).text
}

/// Finds the passwords in a libpq connection string, to hide them.
enum PostgresConnInfo {
    struct Redaction {
        /// The connection string with each password replaced by `***`.
        var text: String
        /// Each password as written and as libpq reads it (unescaped,
        /// percent-decoded): what must never reach a message.
        var secrets: [String]
    }

    static func redacting(_ info: String) -> Redaction {
        if isURL(info) { return redactingURL(info) }
        if info.contains("=") { return redactingKeywords(info) }
        return Redaction(text: info, secrets: [])
    }

    static func isURL(_ info: String) -> Bool {
        let lowered = info.lowercased()
        return lowered.hasPrefix("postgresql://") || lowered.hasPrefix("postgres://")
    }

    // MARK: - postgresql://user:password@host:port/db?key=value&…

    private static func redactingURL(_ url: String) -> Redaction {
        guard let schemeEnd = url.range(of: "://")?.upperBound else { return Redaction(text: url, secrets: []) }
        var text = String(url[..<schemeEnd])
        var secrets: [String] = []
        let rest = url[schemeEnd...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
            let password = String(authority[authority.index(after: colon)..<at])
            secrets += [password, percentDecoded(password)]
            text += authority[...colon] + "***" + authority[at...]
        } else {
            text += authority
        }
        let pathAndQuery = rest[authorityEnd...]
        guard let question = pathAndQuery.firstIndex(of: "?") else {
            return Redaction(text: text + pathAndQuery, secrets: secrets.filter { !$0.isEmpty })
        }
        text += pathAndQuery[...question]
        let parameters = pathAndQuery[pathAndQuery.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false)
        text += parameters.map { parameter -> String in
            guard let equals = parameter.firstIndex(of: "="),
                percentDecoded(String(parameter[..<equals])).lowercased() == "password"
            else { return String(parameter) }
            let password = String(parameter[parameter.index(after: equals)...])
            secrets += [password, percentDecoded(password)]
            return parameter[...equals] + "***"
        }.joined(separator: "&")
        return Redaction(text: text, secrets: secrets.filter { !$0.isEmpty })
    }

    /// `%XX` sequences decoded as UTF-8 (an invalid one is kept as written).
    static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2, let high = hexDigit(utf8[utf8.startIndex]),
                let low = hexDigit(utf8[utf8.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    // MARK: - host=h user=u password='…' dbname=…

    /// Walks key = value pairs as libpq does: a value is a run of
    /// non-space characters or a single-quoted string, `\` escaping the
    /// next character in both. What cannot be parsed is hidden whole.
    private static func redactingKeywords(_ info: String) -> Redaction {
        var text = ""
        var secrets: [String] = []
        var i = info.startIndex
        func skipSpaces() {
            while i < info.endIndex, info[i].isWhitespace { i = info.index(after: i) }
        }
        while true {
            let spaceStart = i
            skipSpaces()
            text += info[spaceStart..<i]
            guard i < info.endIndex else { break }
            let keyStart = i
            while i < info.endIndex, info[i] != "=", !info[i].isWhitespace { i = info.index(after: i) }
            let key = info[keyStart..<i].lowercased()
            skipSpaces()
            guard i < info.endIndex, info[i] == "=" else {
                // libpq refuses this string; nothing after here is shown.
                text += "***"
                secrets.append(String(info[keyStart...]))
                break
            }
            i = info.index(after: i)
            skipSpaces()
            text += info[keyStart..<i]
            let valueStart = i
            let quoted = i < info.endIndex && info[i] == "'"
            var value = ""
            if quoted { i = info.index(after: i) }
            while i < info.endIndex {
                let character = info[i]
                i = info.index(after: i)
                if character == "\\", i < info.endIndex {
                    value.append(info[i])
                    i = info.index(after: i)
                } else if quoted ? character == "'" : character.isWhitespace {
                    if !quoted { i = info.index(before: i) }
                    break
                } else {
                    value.append(character)
                }
            }
            let written = String(info[valueStart..<i])
            if key == "password" {
                text += quoted ? "'***'" : "***"
                secrets += [written, value]
            } else if key == "dbname", value.contains("=") || isURL(value) {
                let inner = redacting(value)
                text += inner.secrets.isEmpty ? written : quotedValue(inner.text)
                secrets += inner.secrets
            } else {
                text += written
            }
        }
        return Redaction(text: text, secrets: secrets.filter { !$0.isEmpty })
    }

    private static func quotedValue(_ value: String) -> String {
        "'" + value.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
    }
}
