import CasparianCore
import Catalog
import Foundation
import HTTPService
import Workspace

/// JSON in and out of the Lab's API: answers are JSON objects, errors are
/// `{"error": …, "hint": …}` with an HTTP status that says what kind.
enum LabJSON {
    static func response(_ status: Int, _ value: Any) -> ServiceResponse {
        let data =
            (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]))
            ?? Data("{\"error\":\"the answer could not be encoded as JSON\"}".utf8)
        return ServiceResponse(
            status: status, headers: ["Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"],
            body: .data(data))
    }

    static func error(_ status: Int, _ message: String, hint: String? = nil, headers: [String: String] = [:]) -> ServiceResponse {
        var body: [String: Any] = ["error": message]
        if let hint { body["hint"] = hint }
        var r = response(status, body)
        r.headers.merge(headers) { $1 }
        return r
    }

    static func status(for kind: CasparianError.Kind) -> Int {
        switch kind {
        case .usage, .data, .plugin: return 400
        case .notFound: return 404
        case .conflict: return 409
        case .permissionDenied: return 403
        case .environment, .internal: return 500
        }
    }

    /// A Codable value as JSON objects (`[String: Any]`, arrays, …), with
    /// snake_case keys as `--json` prints them.
    static func value<T: Encodable>(_ v: T) throws -> Any {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(v)
        return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    /// What a run recorded as its result, with snake_case keys: a backtest's
    /// `WorkspaceBacktest` (with what its changes say in words), an
    /// execute's `ExecuteReport`, else the JSON as stored (a discovery's
    /// summary, an error).
    static func runResult(kind: RunKind, _ text: String?) -> Any {
        guard let text else { return NSNull() }
        let data = Data(text.utf8)
        switch kind {
        case .backtest:
            if let b = try? JSONDecoder().decode(WorkspaceBacktest.self, from: data), var o = try? value(b) as? [String: Any] {
                if let changes = b.report.changes, var report = o["report"] as? [String: Any],
                    var c = report["changes"] as? [String: Any]
                {
                    c["summary"] = changes.summary
                    report["changes"] = c
                    o["report"] = report
                }
                return o
            }
        case .execute:
            if let e = try? JSONDecoder().decode(ExecuteReport.self, from: data), let o = try? value(e) { return o }
        default: break
        }
        return parse(text)
    }

    /// The value, or JSON null.
    static func orNull<T>(_ v: T?) -> Any { v.map { $0 as Any } ?? NSNull() }

    /// A JSON text stored by the workspace, as objects.
    static func parse(_ text: String?) -> Any {
        guard let text, let v = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
            return NSNull()
        }
        return v
    }
}

/// One API call: the query string's and the JSON body's parameters.
struct LabCall: Sendable {
    let environment: LabEnvironment
    private let parameters: [String: JSONParameter]

    init(request: ServiceRequest, environment: LabEnvironment) throws {
        self.environment = environment
        var p: [String: JSONParameter] = request.query.mapValues { .string($0) }
        if request.method == "POST" {
            guard let body = request.body, !body.isEmpty else {
                throw CasparianError(.usage, "the request has no JSON body", hint: "send a JSON object, e.g. {\"plugin\": \"sales\"}")
            }
            guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw CasparianError(
                    .usage, "the request body is not a JSON object", hint: "send a JSON object, e.g. {\"plugin\": \"sales\"}")
            }
            for (k, v) in object { p[k] = JSONParameter(v) }
        }
        parameters = p
    }

    func string(_ name: String) -> String? {
        if case .string(let s)? = parameters[name], !s.isEmpty { return s }
        return nil
    }

    func required(_ name: String) throws -> String {
        guard let s = string(name) else {
            throw CasparianError(.usage, "missing parameter \(name)", hint: "send \(name) with the request")
        }
        return s
    }

    func strings(_ name: String) -> [String] {
        switch parameters[name] {
        case .strings(let a)?: return a
        case .string(let s)? where !s.isEmpty: return [s]
        default: return []
        }
    }

    func int(_ name: String) throws -> Int? {
        guard let s = string(name) else { return nil }
        guard let n = Int(s) else { throw CasparianError(.usage, "\(name) must be a whole number (got \(s))") }
        return n
    }

    /// `true`, `1` or `yes` (a JSON boolean or a string).
    func bool(_ name: String) -> Bool? {
        string(name).map { ["1", "true", "yes"].contains($0.lowercased()) }
    }

    /// A parameter's value, kept Sendable: numbers and booleans as their text.
    enum JSONParameter: Sendable {
        case string(String)
        case strings([String])
        case other

        init(_ value: Any) {
            if let s = value as? String {
                self = .string(s)
            } else if let n = value as? NSNumber {
                self = .string(n.stringValue)
            } else if let a = value as? [Any] {
                self = .strings(a.compactMap { $0 as? String })
            } else {
                self = .other
            }
        }
    }
}
