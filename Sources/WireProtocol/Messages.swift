import Foundation

/// What the host asks a worker to parse.
public struct ParseRequest: Codable, Sendable, Equatable {
    public var path: String
    /// Stop after this many rows (a preview); nil parses the whole file.
    public var maxRows: Int?
    /// A number the host draws for this request and the worker echoes in
    /// the frame that ends the file. It stays in the worker's Swift code,
    /// so a plugin writing frames of its own cannot end the file for it.
    public var request: UInt64
    public init(path: String, maxRows: Int? = nil, request: UInt64 = 0) {
        self.path = path
        self.maxRows = maxRows
        self.request = request
    }

    /// A fresh request number (at most 2^53, exact in any JSON reader).
    public static func newRequestNumber() -> UInt64 { UInt64.random(in: 1...(1 << 53)) }
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
    /// The `ParseRequest.request` this answers.
    public var request: UInt64
    public var rows: [String: Int]
    public init(request: UInt64, rows: [String: Int]) {
        self.request = request
        self.rows = rows
    }
}

/// Sent when a file failed in the worker.
public struct FileFailedMessage: Codable, Sendable, Equatable {
    /// The `ParseRequest.request` this answers.
    public var request: UInt64
    public var failure: PluginFailure
    public init(request: UInt64, failure: PluginFailure) {
        self.request = request
        self.failure = failure
    }
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
