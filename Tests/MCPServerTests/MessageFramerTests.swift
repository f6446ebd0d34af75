import Foundation
import Testing

@testable import MCPServer

@Suite("stdio framing and JSON-RPC screening")
struct MessageFramerTests {
    func feed(_ framer: inout MessageFramer, _ text: String) -> [MessageFramer.Event] {
        Array(text.utf8).withUnsafeBytes { framer.feed($0) }
    }

    @Test func messagesSplitAcrossReadsAndCRLFAreFramed() {
        var f = MessageFramer(maxMessageBytes: 100)
        #expect(feed(&f, "{\"a\":").isEmpty)
        #expect(feed(&f, "1}\r\n\n{\"b\":2}\n{\"c\"") == [.message(Data("{\"a\":1}".utf8)), .message(Data("{\"b\":2}".utf8))])
        #expect(feed(&f, ":3}\n") == [.message(Data("{\"c\":3}".utf8))])
    }

    @Test func anOversizedMessageIsDroppedToItsNewlineAndTheNextIsRead() {
        var f = MessageFramer(maxMessageBytes: 10)
        #expect(feed(&f, "0123456789abc").isEmpty)
        #expect(feed(&f, String(repeating: "x", count: 1000)).isEmpty)
        #expect(feed(&f, "yz\n{}\n") == [.tooLarge(bytes: 1015), .message(Data("{}".utf8))])
        #expect(feed(&f, "0123456789\n") == [.message(Data("0123456789".utf8))])  // exactly the limit
    }

    /// 64 MiB in 64 KiB reads, one message: a quadratic framer rescans about 32 GiB.
    @Test(.timeLimit(.minutes(3))) func framingIsLinearInTheMessageSize() {
        var f = MessageFramer(maxMessageBytes: 128 << 20)
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)
        for _ in 0..<1024 { #expect(chunk.withUnsafeBytes { f.feed($0) }.isEmpty) }
        let events = Array("\n".utf8).withUnsafeBytes { f.feed($0) }
        guard case .message(let data)? = events.first else {
            Issue.record("no message: \(events)")
            return
        }
        #expect(data.count == 64 << 20)
    }

    @Test func screeningAnswersMalformedMessagesAndPassesGoodOnes() throws {
        for good in [
            #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, #"{"jsonrpc":"2.0","id":"a","method":"ping"}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, #"{"jsonrpc":"2.0","id":3,"result":{}}"#,
        ] {
            #expect(JSONRPCScreen.problem(in: Data(good.utf8)) == nil, "\(good)")
        }
        let bad: [(String, Int)] = [
            (#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#, -32600), (#"{"jsonrpc":"2.0","id":1e999999,"method":"ping"}"#, -32600),
            (#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#, -32600), (#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#, -32600),
            (#"{"jsonrpc":"2.0","id":9223372036854775808,"method":"ping"}"#, -32600), ("[]", -32600), ("\"x\"", -32600),
            (#"{"id":1,"method":"ping"}"#, -32600), ("{oops", -32700),
        ]
        for (text, code) in bad {
            let problem = try #require(JSONRPCScreen.problem(in: Data(text.utf8)), "\(text)")
            #expect(problem.code == code, "\(text)")
            #expect(problem.message.contains("what to do"), "\(text)")
            let reply = try JSONSerialization.jsonObject(with: problem.response) as? [String: Any]
            #expect(reply?["id"] is NSNull || text.hasPrefix(#"{"id":1"#), "\(text): \(reply ?? [:])")
        }
    }
}
