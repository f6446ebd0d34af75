import CasparianCore
import Foundation
import Testing
import WireProtocol

@Suite("Wire protocol")
struct WireProtocolTests {
    @Test func framesRoundTripThroughAPipe() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let writer = FrameWriter(fd: fds[1])
        let reader = FrameReader(fd: fds[0], bufferSize: 64)
        let big = [UInt8]((0..<100_000).map { UInt8($0 % 251) })
        let sent = [
            Frame(kind: .ready, json: WorkerReady(pythonVersion: "3.11.2", pythonExecutable: "/usr/bin/python3", pid: 42)),
            Frame(kind: .rows, payload: big),  // larger than the reader's buffer
            Frame(kind: .shutdown),
            Frame(kind: .log, json: PluginLogMessage(level: "info", message: "héllo")),
        ]
        let writeEnd = fds[1]
        let t = Thread {
            for f in sent { try? writer.write(f) }
            close(writeEnd)
        }
        t.start()
        var got: [Frame] = []
        while let f = try reader.next() { got.append(f) }
        close(fds[0])
        #expect(got == sent)
        #expect(try got[0].decode(WorkerReady.self).pid == 42)
        #expect(try got[3].decode(PluginLogMessage.self).message == "héllo")
    }

    @Test func truncatedFrameIsAnError() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let header: [UInt8] = [10, 0, 0, 0, Frame.Kind.rows.rawValue, 1, 2]
        _ = header.withUnsafeBytes { write(fds[1], $0.baseAddress!, $0.count) }
        close(fds[1])
        let reader = FrameReader(fd: fds[0])
        #expect(throws: FrameError.truncated) { try reader.next() }
        close(fds[0])
    }

    @Test func truncatedFrameLargerThanTheBufferIsAnError() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let bytes: [UInt8] = [0xE9, 0x03, 0, 0, Frame.Kind.rows.rawValue] + [UInt8](repeating: 7, count: 200)  // 1000 promised
        _ = bytes.withUnsafeBytes { write(fds[1], $0.baseAddress!, $0.count) }
        close(fds[1])
        let reader = FrameReader(fd: fds[0], bufferSize: 64)
        #expect(throws: FrameError.truncated) { try reader.next() }
        close(fds[0])
    }

    @Test func unknownKindIsAnError() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let header: [UInt8] = [1, 0, 0, 0, 99]
        _ = header.withUnsafeBytes { write(fds[1], $0.baseAddress!, $0.count) }
        close(fds[1])
        #expect(throws: FrameError.unknownKind(99)) { try FrameReader(fd: fds[0]).next() }
        close(fds[0])
    }

    @Test func rowsRoundTripEveryCellKind() throws {
        let values: [CellValue] = [
            .null, .absent, .bool(true), .bool(false), .int(Int64.min), .float(-0.25), .string("日本 ✓"),
            .bytes([0, 1, 255]), .decimal("1.10"), .date(days: -719_468), .time(micros: 86_399_999_999),
            .timestamp(micros: 1_700_000_000_123_456), .timestampTZ(micros: -5, offsetSeconds: -16200),
        ]
        var e = RowFrameEncoder()
        e.beginRows(outputID: 3, columnCount: values.count)
        for v in values { e.append(v) }
        e.endRow()
        for v in values.reversed() { e.append(v) }
        e.endRow()
        let payload = e.finishRows()
        var batch = RowBatch(output: "o", columnNames: values.indices.map { "c\($0)" })
        let id = try RowFrameDecoder.decodeRows(payload, into: &batch)
        #expect(id == 3)
        #expect(batch.rowCount == 2)
        #expect(batch.row(0) == values)
        #expect(batch.row(1) == values.reversed())
    }

    @Test func stringsOfEveryShortLengthRoundTrip() throws {
        // Cells up to 16 bytes are copied by overlapping words, not memmove.
        let values: [CellValue] = (0...40).map { .string(String(repeating: "é", count: $0 / 2) + String(repeating: "x", count: $0 % 2)) }
        var e = RowFrameEncoder()
        e.beginRows(outputID: 0, columnCount: values.count)
        for v in values { e.append(v) }
        e.endRow()
        var batch = RowBatch(output: "o", columnNames: values.indices.map { "c\($0)" })
        _ = try RowFrameDecoder.decodeRows(e.finishRows(), into: &batch)
        #expect(batch.row(0) == values)
    }

    @Test func aRowsFrameWithNoRowsDecodesToNothing() throws {
        var e = RowFrameEncoder()
        e.beginRows(outputID: 2, columnCount: 1)
        var batch = RowBatch(output: "o", columnNames: ["a", "b"])
        #expect(try RowFrameDecoder.decodeRows(e.finishRows(), into: &batch) == 2)
        #expect(batch.rowCount == 0 && batch.columns.count == 2)
    }

    @Test func narrowerRowsAreWidenedWithAbsent() throws {
        var e = RowFrameEncoder()
        e.beginRows(outputID: 0, columnCount: 1)
        e.appendInt(1)
        e.endRow()
        var batch = RowBatch(output: "o", columnNames: ["a", "b"])
        _ = try RowFrameDecoder.decodeRows(e.finishRows(), into: &batch)
        #expect(batch.row(0) == [.int(1), .absent])
    }

    @Test func typedColumnsAndMixedColumnsDecodeAlike() throws {
        // Uniform fixed-size columns take the decoder's fast loop; a column
        // with one cell of another kind (even of the same size) takes the
        // general one: both must give the same cells.
        let columns: [[CellValue]] = [
            [.int(1), .int(-2), .int(3)],
            [.int(1), .null, .int(3)],
            [.int(1), .timestamp(micros: 2), .int(3)],  // same size, another tag
            [.float(0.5), .float(.infinity), .float(-0)],
            [.float(0.5), .int(7), .float(1)],
            [.date(days: 1), .date(days: -1), .date(days: 0)],
            [.bool(true), .bool(false), .bool(true)],
            [.bool(true), .absent, .null],
            [.time(micros: 5), .time(micros: 6), .time(micros: 7)],
            [.timestamp(micros: -1), .timestamp(micros: 0), .timestamp(micros: 1)],
            [.string("a"), .string(""), .string("ccc")],
        ]
        var e = RowFrameEncoder()
        e.beginRows(outputID: 1, columnCount: columns.count)
        for r in 0..<3 {
            for c in columns { e.append(c[r]) }
            e.endRow()
        }
        var batch = RowBatch(output: "o", columnNames: columns.indices.map { "c\($0)" })
        _ = try RowFrameDecoder.decodeRows(e.finishRows(), into: &batch)
        #expect(batch.columns == columns)
    }

    @Test func anAbandonedRowLeavesNoCells() throws {
        var e = RowFrameEncoder()
        e.beginRows(outputID: 0, columnCount: 3)
        e.appendInt(1)
        e.appendString(cell: "kept")
        e.appendBool(true)
        e.endRow()
        e.appendInt(2)
        e.appendString(cell: "dropped")
        e.abandonRow()
        e.appendInt(3)
        e.endRow()  // missing trailing cells are absent
        var batch = RowBatch(output: "o", columnNames: ["a", "b", "c"])
        _ = try RowFrameDecoder.decodeRows(e.finishRows(), into: &batch)
        #expect(batch.row(0) == [.int(1), .string("kept"), .bool(true)])
        #expect(batch.row(1) == [.int(3), .absent, .absent])
        #expect(batch.rowCount == 2)
    }

    @Test func framesWiderThanOneWritevRoundTrip() throws {
        // 1,500 columns are 1,501 parts: more than IOV_MAX in one writev.
        let width = 1500
        var e = RowFrameEncoder()
        e.beginRows(outputID: 4, columnCount: width)
        for r in 0..<2 {
            for c in 0..<width { e.appendInt(Int64(r * width + c)) }
            e.endRow()
        }
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        // ~30 KB: fits in the pipe, so one thread writes, then reads.
        try e.withFinishedRows { (parts) throws(FrameError) in try FrameWriter(fd: fds[1]).write(kind: .rows, parts: parts) }
        close(fds[1])
        let frame = try #require(try FrameReader(fd: fds[0]).next())
        close(fds[0])
        var batch = RowBatch(output: "o", columnNames: (0..<width).map { "c\($0)" })
        #expect(try RowFrameDecoder.decodeRows(frame.payload, into: &batch) == 4)
        #expect(batch.row(1) == (0..<width).map { .int(Int64(width + $0)) })
    }

    @Test func corruptRowsAreRefused() throws {
        var batch = RowBatch(output: "o", columnNames: ["a"])
        #expect(throws: (any Error).self) { _ = try RowFrameDecoder.decodeRows([0, 0, 1, 0, 0, 0, 1, 0, 200], into: &batch) }
        #expect(throws: (any Error).self) { _ = try RowFrameDecoder.decodeRows([0, 0, 1, 0, 0, 0, 1, 0, 4, 1], into: &batch) }
        // A row count the payload cannot hold, and a frame cut inside its third row.
        #expect(throws: (any Error).self) { _ = try RowFrameDecoder.decodeRows([0, 0, 255, 255, 255, 0, 1, 0, 0], into: &batch) }
        var e = RowFrameEncoder()
        e.beginRows(outputID: 0, columnCount: 2)
        for i in 0..<3 {
            e.appendString(cell: "a long string in row \(i) that is heap allocated")
            e.appendInt(Int64(i))
            e.endRow()
        }
        let whole = e.finishRows()
        var two = RowBatch(output: "o", columnNames: ["s", "i"])
        #expect(throws: (any Error).self) { _ = try RowFrameDecoder.decodeRows(Array(whole.dropLast(3)), into: &two) }
        #expect(two.rowCount == 0)
        // A column whose length covers more (or fewer) bytes than its cells.
        var padded = RowBatch(output: "o", columnNames: ["a"])
        let extra: [UInt8] = [0, 0, 1, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0]
        #expect(throws: (any Error).self) { _ = try RowFrameDecoder.decodeRows(extra, into: &padded) }
        let short: [UInt8] = [0, 0, 2, 0, 0, 0, 1, 0, 9, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0]
        #expect(throws: (any Error).self) { _ = try RowFrameDecoder.decodeRows(short, into: &padded) }
        #expect(padded.rowCount == 0)
        let cols = RowFrameEncoder.columnsPayload(outputID: 7, output: "sales", columns: ["a", "b"])
        let decoded = try RowFrameDecoder.decodeColumns(cols)
        #expect(decoded.outputID == 7 && decoded.output == "sales" && decoded.columns == ["a", "b"])
    }

    /// Frames a hostile worker can write (Tests/Fuzz/Corpus/frames/regression-*):
    /// refused with an error, never a crash of the host.
    @Test func hostileRowCountsAreRefused() throws {
        var batch = RowBatch(output: "o", columnNames: ["a"])
        // 4,294,967,295 rows and no columns for an output of one: once a 96 GB allocation.
        #expect(throws: (any Error).self) { _ = try RowFrameDecoder.decodeRows([0, 0, 255, 255, 255, 255, 0, 0], into: &batch) }
        // One row whose only column holds no bytes: once a read past the payload.
        #expect(throws: (any Error).self) {
            _ = try RowFrameDecoder.decodeRows([0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0], into: &batch)
        }
        #expect(batch.rowCount == 0)
        // An output with no columns yet may count rows of nothing.
        var empty = RowBatch(output: "o", columnNames: [])
        #expect(try RowFrameDecoder.decodeRows([3, 0, 5, 0, 0, 0, 0, 0], into: &empty) == 3)
    }
}
