import CasparianCore
import CasparianTestSupport
import Digest
import Foundation
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    func hex(_ s: String) -> String {
        var h = SHA256()
        h.update(Data(s.utf8))
        return h.finalizeHex()
    }

    @Test func knownVectors() {
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex(String(repeating: "a", count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func streamingInPiecesEqualsOneShot() throws {
        let text = String(repeating: "0123456789abcdef-", count: 1000)
        var h = SHA256()
        var rest = Substring(text)
        var step = 1
        while !rest.isEmpty {
            h.update(Data(rest.prefix(step).utf8))
            rest = rest.dropFirst(step)
            step = step * 3 % 97 + 1
        }
        #expect(h.finalizeHex() == hex(text))
        let file = try TemporaryFolder.create("sha").appendingPathComponent("f")
        try Data(text.utf8).write(to: file)
        #expect(try SHA256.hexDigest(ofFileAt: file.path) == hex(text))
    }

    @Test func aFileOfSeveralReadChunksHashesAsOneUpdate() throws {
        // Files are read 1 MiB at a time: cross two chunk boundaries, and
        // end off a block boundary.
        let bytes = (0..<(2 * 1 << 20 + 1000)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
        let file = try TemporaryFolder.create("sha").appendingPathComponent("big")
        try Data(bytes).write(to: file)
        var h = SHA256()
        bytes.withUnsafeBytes { h.update($0) }
        #expect(try SHA256.hexDigest(ofFileAt: file.path) == h.finalizeHex())
    }

    @Test func finalizeGivesTheDigestBytes() {
        var h = SHA256()
        h.update(Data("abc".utf8))
        #expect(h.finalize().prefix(4) == [0xba, 0x78, 0x16, 0xbf])
    }

    @Test func aMissingFileIsNotFound() {
        let error = #expect(throws: CasparianError.self) { try SHA256.hexDigest(ofFileAt: "/nonexistent/casparian-sha") }
        #expect(error?.kind == .notFound)
    }
}
