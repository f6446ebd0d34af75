import CCrypto

/// HMAC-SHA256 (RFC 2104), by OpenSSL's libcrypto.
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`.
    public static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        // A key is padded with zeros to the block size, so an empty key is
        // the same as one zero byte, which gives libcrypto a non-null pointer.
        let key = key.isEmpty ? [0] : key
        var code = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var count: UInt32 = 0
        let done = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                HMAC(
                    EVP_sha256(), k.baseAddress, Int32(k.count),
                    m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count, &code, &count)
            }
        }
        precondition(done != nil, "libcrypto could not compute an HMAC-SHA256")
        return Array(code.prefix(Int(count)))
    }

    /// The code as 64 lowercase hex digits.
    public static func hex(key: [UInt8], message: [UInt8]) -> String {
        SHA256.hex(mac(key: key, message: message))
    }

    /// Whether `a` and `b` are equal, in a time that does not depend on
    /// where they first differ (for comparing codes an attacker chose).
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, a.count) == 0 } }
    }
}
