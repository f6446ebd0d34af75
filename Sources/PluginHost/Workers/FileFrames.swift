import CasparianCore
import WireProtocol

/// What the host makes of the frames a worker sends while it parses one
/// file: column declarations, row batches, logs, progress and the file's
/// end. Every byte in them comes from a process running plugin code, so a
/// frame that does not decode, or does not fit what came before, is an
/// error here and never a crash (fuzzed: `make fuzz`, target `frames`).
struct FileFrames {
    /// What one frame meant.
    enum Step {
        case event(WorkerEvent)
        /// The worker's `fileDone`, checked against the rows received.
        case parsed(rows: [String: Int])
        case failed(FileFailedMessage)
        /// A column declaration: nothing to deliver yet.
        case declared
    }

    /// The host's number for this file's request: a frame answering another is foreign.
    let request: UInt64
    private var batches: [UInt16: RowBatch] = [:]
    private var rowsSoFar: [UInt16: Int] = [:]

    init(request: UInt64) {
        self.request = request
    }

    mutating func take(_ frame: Frame) throws -> Step {
        switch frame.kind {
        case .columns:
            let (id, name, columns) = try RowFrameDecoder.decodeColumns(frame.payload)
            batches[id] = RowBatch(output: name, columnNames: columns, firstRow: rowsSoFar[id] ?? 0)
            return .declared
        case .rows:
            let id = try RowFrameDecoder.outputID(ofRows: frame.payload)
            guard var batch = batches[id] else {
                throw RowFrameDecoder.DecodeError(description: "rows for undeclared output \(id)")
            }
            batch.firstRow = rowsSoFar[id] ?? 0
            batch.columns = batch.columns.map { _ in [] }
            _ = try RowFrameDecoder.decodeRows(frame.payload, into: &batch)
            rowsSoFar[id, default: 0] += batch.rowCount
            return .event(.batch(batch))
        case .log:
            return .event(.log(try frame.decode(PluginLogMessage.self)))
        case .progress:
            return .event(.progress(try frame.decode(PluginProgressMessage.self)))
        case .fileDone:
            let done = try frame.decode(FileDoneMessage.self)
            try Self.check(done, answers: request, rows: rowsSoFar, batches: batches)
            return .parsed(rows: done.rows)
        case .fileFailed:
            let message = try frame.decode(FileFailedMessage.self)
            guard message.request == request else {
                throw ForeignFrame(what: "a fileFailed frame that answers no request of the host")
            }
            return .failed(message)
        default:
            throw RowFrameDecoder.DecodeError(description: "unexpected frame \(frame.kind)")
        }
    }

    /// A frame the worker's own code did not write for this file.
    struct ForeignFrame: Error, CustomStringConvertible {
        var what: String
        var description: String { what }
    }

    /// Checks that a `fileDone` answers this request and counts the rows the
    /// host received: a plugin writing frames to fd 4 itself would otherwise
    /// end one file early and have its rows stored under the next.
    static func check(
        _ done: FileDoneMessage, answers request: UInt64, rows: [UInt16: Int],
        batches: [UInt16: RowBatch]
    ) throws(ForeignFrame) {
        guard done.request == request else { throw ForeignFrame(what: "a fileDone frame that answers no request of the host") }
        var received: [String: Int] = [:]
        for (id, n) in rows { received[batches[id]?.output ?? "#\(id)", default: 0] += n }
        for (output, n) in received where done.rows[output] != n {
            throw ForeignFrame(what: "fileDone reports \(done.rows[output] ?? 0) rows of output \(output), the host received \(n)")
        }
        for (output, n) in done.rows where n > 0 && received[output] == nil {
            throw ForeignFrame(what: "fileDone reports \(n) rows of output \(output), the host received none")
        }
    }
}
