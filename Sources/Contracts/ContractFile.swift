import CasparianCore
import Foundation

/// `plugins/<name>/contract.json`: the contract beside the parser, reviewed
/// in git and enough for CI to validate without a catalog.
///
/// The file is pretty JSON with sorted keys (so diffs stay small), a
/// `casparian_contract` format number and the contract's version; it is
/// written atomically (temporary file, then rename). `load` reports a file
/// that does not parse or type-check with its path and the JSON path of
/// the problem, e.g. `contract.json: $.schemas[0].columns[3].type: "money"
/// is not a type (string, int64, …)`.
public enum ContractFile {
    public static let fileName = "contract.json"
    /// The file format this code writes and reads.
    public static let formatVersion = 1

    /// `DIR/<plugin>/contract.json`.
    public static func url(plugin: String, pluginsDirectory: URL) -> URL {
        pluginsDirectory.appendingPathComponent(plugin).appendingPathComponent(fileName)
    }

    /// The canonical bytes of `contract` (what the file holds and the
    /// catalog stores).
    public static func encode(_ contract: SchemaContract) throws -> Data {
        var data = try encoder.encode(Envelope(contract: contract))
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Writes `contract` to `url` atomically, creating the folder if needed.
    public static func write(_ contract: SchemaContract, to url: URL) throws {
        let data = try encode(contract)
        let dir = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let temp = dir.appendingPathComponent(".\(fileName).\(UUID().uuidString).tmp")
            try data.write(to: temp)
            if rename(temp.path, url.path) != 0 {
                let err = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temp)
                throw CasparianError(.environment, "cannot write \(url.path): \(err)", hint: "check that \(dir.path) is writable")
            }
        } catch let e as CasparianError {
            throw e
        } catch {
            throw CasparianError(
                .environment, "cannot write \(url.path): \(error.localizedDescription)",
                hint: "check that \(dir.path) is writable")
        }
    }

    /// Reads and checks a contract file.
    public static func load(_ url: URL) throws -> SchemaContract {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CasparianError(
                .notFound, "\(url.path): cannot read the contract file (\(error.localizedDescription))",
                hint: "approve a discovery with `casparian approve DISCOVERY_ID --plugin NAME` to write it")
        }
        return try decode(data, path: url.path)
    }

    /// Parses and checks contract JSON; `path` names the file in errors.
    public static func decode(_ data: Data, path: String) throws -> SchemaContract {
        let tree: Any
        do {
            tree = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw CasparianError(
                .data, "\(path): not valid JSON: \(syntaxProblem(data, error))",
                hint: "fix the JSON syntax; `casparian contract show PLUGIN --json` prints a valid contract")
        }
        try ContractShape.check(tree, path: path)
        let envelope: Envelope
        do {
            envelope = try decoder.decode(Envelope.self, from: data)
        } catch let error as DecodingError {
            throw ContractShape.describe(error, tree: tree, path: path)
        }
        try ContractShape.checkMeaning(envelope.contract, path: path)
        return envelope.contract
    }

    /// `contract` when it would load back from a file: names, formats,
    /// defaults and glob patterns are checked as `load` checks them.
    public static func checked(_ contract: SchemaContract) throws -> SchemaContract {
        if let (_, message, hint) = ContractShape.tableProblem(contract) {
            throw CasparianError(.usage, "contract \(contract.plugin): \(message)", hint: hint)
        }
        do {
            try ContractShape.checkMeaning(contract, path: "contract \(contract.plugin)")
        } catch let e as CasparianError {
            throw CasparianError(.usage, e.message, hint: "correct the answers, overrides or --exclude patterns and approve again")
        }
        return contract
    }

    /// `date` as the file will store it, so that an in-memory contract and
    /// its reloaded file compare equal.
    /// Whole milliseconds, computed so that encoding and decoding give the
    /// very same `Double`.
    public static func canonical(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    /// `2024-05-01T12:00:00.123Z`, from whole milliseconds.
    public static func formatTime(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, millis) = ms.floorDivided(by: 1000)
        let whole = Date(timeIntervalSince1970: Double(seconds)).formatted(Date.ISO8601FormatStyle())
        let frac = String(millis)
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - frac.count) + frac + "Z"
    }

    /// The inverse of `formatTime`; also any ISO 8601 time with an offset.
    public static func parseTime(_ s: String) -> Date? {
        if s.hasSuffix("Z"), let dot = s.lastIndex(of: "."),
            let whole = try? Date(String(s[..<dot]) + "Z", strategy: Date.ISO8601FormatStyle())
        {
            let digits = s[s.index(after: dot)..<s.index(before: s.endIndex)]
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII),
                let n = Int64(digits.prefix(3).padding(toLength: 3, withPad: "0", startingAt: 0))
            else { return nil }
            return Date(timeIntervalSince1970: Double(Int64(whole.timeIntervalSince1970) * 1000 + n) / 1000)
        }
        if let d = try? Date(s, strategy: Date.ISO8601FormatStyle()) { return canonical(d) }
        if let d = try? Date(s, strategy: isoStyle) { return canonical(d) }
        return nil
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(formatTime(date))
        }
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let s = try c.decode(String.self)
            if let date = parseTime(s) { return date }
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "\"\(s)\" is not an ISO 8601 time such as 2024-05-01T12:00:00.000Z")
        }
        return d
    }()

    static let isoStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Where the parser gave up, as line and column.
    static func syntaxProblem(_ data: Data, _ error: Error) -> String {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return "the file is empty" }
        let detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
        guard let r = detail.range(of: #"character (\d+)"#, options: .regularExpression),
            let offset = Int(detail[r].dropFirst("character ".count))
        else { return detail }
        var line = 1
        var column = 1
        for b in data.prefix(offset) {
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
        }
        let what = detail.replacingOccurrences(of: #" around character \d+\.?"#, with: "", options: .regularExpression)
        return "\(what.lowercased()) at line \(line), column \(column)"
    }

    /// The file's top level: the contract's fields plus the format number.
    struct Envelope: Codable {
        var contract: SchemaContract

        init(contract: SchemaContract) { self.contract = contract }

        enum Key: String, CodingKey { case format = "casparian_contract" }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            let format = try c.decodeIfPresent(Int.self, forKey: .format) ?? 1
            guard format <= ContractFile.formatVersion else {
                throw DecodingError.dataCorruptedError(
                    forKey: .format, in: c,
                    debugDescription:
                        "file format \(format) is newer than this casparian understands (\(ContractFile.formatVersion)); upgrade casparian")
            }
            contract = try SchemaContract(from: decoder)
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(ContractFile.formatVersion, forKey: .format)
            try contract.encode(to: encoder)
        }
    }
}
