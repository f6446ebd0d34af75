import CasparianCore
import CasparianTestSupport
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
        #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
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
}
