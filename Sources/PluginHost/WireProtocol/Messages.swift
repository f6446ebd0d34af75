import Foundation

/// What the host asks a worker to parse.
public struct ParseRequest: Codable, Sendable, Equatable {
    public var path: String
    /// Stop after this many rows (a preview); nil parses the whole file.
    public var maxRows: Int?
    public init(path: String, maxRows: Int? = nil) {
        self.path = path
        self.maxRows = maxRows
    }
}

/// Sent once by a worker after it loaded the plugin.
public struct WorkerReady: Codable, Sendable, Equatable {
    public var pythonVersion: String
    public var pythonExecutable: String
    public var pid: Int32
    public init(pythonVersion: String, pythonExecutable: String, pid: Int32) {
        self.pythonVersion = pythonVersion
        self.pythonExecutable = pythonExecutable
        self.pid = pid
    }
}

/// A log line or progress report a plugin sent through `ctx`.
public struct PluginLogMessage: Codable, Sendable, Equatable {
    public var level: String
    public var message: String
    public init(level: String, message: String) {
        self.level = level
        self.message = message
    }
}

public struct PluginProgressMessage: Codable, Sendable, Equatable {
    public var fraction: Double?
    public var message: String?
    public init(fraction: Double?, message: String?) {
        self.fraction = fraction
        self.message = message
    }
}

/// Sent when `parse` finished: rows per output.
public struct FileDoneMessage: Codable, Sendable, Equatable {
    public var rows: [String: Int]
    public init(rows: [String: Int]) { self.rows = rows }
}

enum WireJSON {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        return e
    }()
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return d
    }()
}

extension Frame {
    /// A control frame with a JSON payload.
    public init<T: Encodable>(kind: Kind, json value: T) {
        // Encoding these plain structs cannot fail.
        let data = (try? WireJSON.encoder.encode(value)) ?? Data("{}".utf8)
        self.init(kind: kind, payload: Array(data))
    }

    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try WireJSON.decoder.decode(type, from: Data(payload))
    }
}
