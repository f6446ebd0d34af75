import Digest
import Testing

@Suite("HMAC-SHA256")
struct HMACSHA256Tests {
    func hex(key: [UInt8], _ message: String) -> String {
        HMACSHA256.hex(key: key, message: Array(message.utf8))
    }

    @Test func rfc4231Vectors() {
        #expect(
            hex(key: [UInt8](repeating: 0x0b, count: 20), "Hi There")
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(
            hex(key: Array("Jefe".utf8), "what do ya want for nothing?")
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // A key longer than the block is hashed first.
        #expect(
            hex(key: [UInt8](repeating: 0xaa, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First")
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func emptyKeyAndMessage() {
        #expect(hex(key: [], "") == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test func constantTimeEqualComparesWholeCodes() {
        let code = HMACSHA256.mac(key: [1, 2, 3], message: [4])
        #expect(code.count == 32)
        #expect(HMACSHA256.constantTimeEqual(code, code))
        #expect(!HMACSHA256.constantTimeEqual(code, code.dropLast() + [code.last! ^ 1]))
        #expect(!HMACSHA256.constantTimeEqual(code, Array(code.dropLast())))
    }
}
