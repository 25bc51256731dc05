internal import CSodium

/// The one file that touches libsodium. Every primitive the stack needs is a small function here, taking
/// and returning Swift byte arrays, so the rest of the code never sees a C pointer.
public enum Sodium {
    public static let ed25519SeedLength = 32
    public static let ed25519PublicKeyLength = 32
    public static let ed25519SecretKeyLength = 64
    public static let ed25519SignatureLength = 64
    public static let x25519KeyLength = 32
    public static let aeadKeyLength = 32
    public static let aeadTagLength = 16
    public static let sha256Length = 32

    public enum SodiumError: Error, Equatable, Sendable {
        case initFailed
        case badKeyLength(Int)
        case weakPublicKey          // X25519 produced the all-zero shared secret
        case authenticationFailed   // AEAD open failed
    }

    private static let initialized: Bool = sodium_init() >= 0

    /// Initialises libsodium once; safe to call many times.
    public static func ensureInitialized() {
        precondition(initialized, "libsodium failed to initialise")
    }

    public static func randomBytes(_ count: Int) -> [UInt8] {
        ensureInitialized()
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return out
    }

    // MARK: Ed25519

    /// Returns (publicKey 32 bytes, secretKey 64 bytes = seed || pk).
    public static func ed25519KeyPair(seed: [UInt8]) throws -> (publicKey: [UInt8], secretKey: [UInt8]) {
        ensureInitialized()
        guard seed.count == ed25519SeedLength else { throw SodiumError.badKeyLength(seed.count) }
        var pk = [UInt8](repeating: 0, count: ed25519PublicKeyLength)
        var sk = [UInt8](repeating: 0, count: ed25519SecretKeyLength)
        _ = crypto_sign_seed_keypair(&pk, &sk, seed)
        return (pk, sk)
    }

    public static func ed25519Sign<M: ContiguousBytes>(_ message: M, secretKey: [UInt8]) -> [UInt8] {
        var sig = [UInt8](repeating: 0, count: ed25519SignatureLength)
        message.withUnsafeBytes { m in
            _ = crypto_sign_detached(&sig, nil, m.bindMemory(to: UInt8.self).baseAddress, UInt64(m.count), secretKey)
        }
        return sig
    }

    public static func ed25519Verify<M: ContiguousBytes>(_ signature: [UInt8], _ message: M, publicKey: [UInt8]) -> Bool {
        guard signature.count == ed25519SignatureLength, publicKey.count == ed25519PublicKeyLength else { return false }
        ensureInitialized()
        return message.withUnsafeBytes { m in
            crypto_sign_verify_detached(signature, m.bindMemory(to: UInt8.self).baseAddress, UInt64(m.count), publicKey) == 0
        }
    }

    // MARK: X25519

    public static func x25519PublicKey(secret: [UInt8]) throws -> [UInt8] {
        guard secret.count == x25519KeyLength else { throw SodiumError.badKeyLength(secret.count) }
        ensureInitialized()
        var pk = [UInt8](repeating: 0, count: x25519KeyLength)
        _ = crypto_scalarmult_base(&pk, secret)
        return pk
    }

    public static func x25519(secret: [UInt8], publicKey: [UInt8]) throws -> [UInt8] {
        guard secret.count == x25519KeyLength else { throw SodiumError.badKeyLength(secret.count) }
        guard publicKey.count == x25519KeyLength else { throw SodiumError.badKeyLength(publicKey.count) }
        var shared = [UInt8](repeating: 0, count: x25519KeyLength)
        guard crypto_scalarmult(&shared, secret, publicKey) == 0 else { throw SodiumError.weakPublicKey }
        return shared
    }

    // MARK: Hashes

    public static func sha256<M: ContiguousBytes>(_ message: M) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: sha256Length)
        message.withUnsafeBytes { m in
            _ = crypto_hash_sha256(&out, m.bindMemory(to: UInt8.self).baseAddress, UInt64(m.count))
        }
        return out
    }

    public static func hmacSHA256(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        var state = crypto_auth_hmacsha256_state()
        var out = [UInt8](repeating: 0, count: sha256Length)
        _ = crypto_auth_hmacsha256_init(&state, key, key.count)
        _ = crypto_auth_hmacsha256_update(&state, message, UInt64(message.count))
        _ = crypto_auth_hmacsha256_final(&state, &out)
        return out
    }

    // MARK: ChaCha20-Poly1305 (IETF, 96-bit nonce = 4 zero bytes || u64 little-endian counter)

    private static func ietfNonce(_ n: UInt64) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: 12)
        var le = n.littleEndian
        withUnsafeBytes(of: &le) { for i in 0..<8 { nonce[4 + i] = $0[i] } }
        return nonce
    }

    /// Seals `plaintext` and appends ciphertext||tag to `out`.
    public static func aeadSeal(key: [UInt8], nonce: UInt64, ad: [UInt8],
                                plaintext: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) {
        let nonceBytes = ietfNonce(nonce)
        let start = out.count
        let sealedLength = plaintext.count + aeadTagLength
        out.append(contentsOf: repeatElement(0, count: sealedLength))
        out.withUnsafeMutableBufferPointer { o in
            var written: UInt64 = 0
            _ = crypto_aead_chacha20poly1305_ietf_encrypt(
                o.baseAddress! + start, &written,
                plaintext.bindMemory(to: UInt8.self).baseAddress, UInt64(plaintext.count),
                ad, UInt64(ad.count), nil, nonceBytes, key)
        }
    }

    public static func aeadSeal(key: [UInt8], nonce: UInt64, ad: [UInt8], plaintext: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(plaintext.count + aeadTagLength)
        plaintext.withUnsafeBytes { aeadSeal(key: key, nonce: nonce, ad: ad, plaintext: $0, appendingTo: &out) }
        return out
    }

    /// Opens ciphertext||tag and appends the plaintext to `out`.
    public static func aeadOpen(key: [UInt8], nonce: UInt64, ad: [UInt8],
                                ciphertext: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) throws {
        guard ciphertext.count >= aeadTagLength else { throw SodiumError.authenticationFailed }
        let nonceBytes = ietfNonce(nonce)
        let start = out.count
        // One spare byte keeps the buffer allocated (non-nil base address) when the plaintext is empty.
        out.append(contentsOf: repeatElement(0, count: ciphertext.count - aeadTagLength + 1))
        defer { out.removeLast() }
        let rc = out.withUnsafeMutableBufferPointer { o -> Int32 in
            var written: UInt64 = 0
            return crypto_aead_chacha20poly1305_ietf_decrypt(
                o.baseAddress! + start, &written, nil,
                ciphertext.bindMemory(to: UInt8.self).baseAddress!, UInt64(ciphertext.count),
                ad, UInt64(ad.count), nonceBytes, key)
        }
        guard rc == 0 else {
            out.removeSubrange(start..<(out.count - 1))
            throw SodiumError.authenticationFailed
        }
    }

    public static func aeadOpen(key: [UInt8], nonce: UInt64, ad: [UInt8], ciphertext: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        try ciphertext.withUnsafeBytes { try aeadOpen(key: key, nonce: nonce, ad: ad, ciphertext: $0, appendingTo: &out) }
        return out
    }

    // MARK: In-place ChaCha20-Poly1305 for bulk transport (no AD, no heap allocation)

    /// Calls `body` with the 12-byte IETF nonce for counter `n`, built on the stack.
    @inline(__always)
    private static func withIETFNonce<R>(_ n: UInt64, _ body: (UnsafePointer<UInt8>) -> R) -> R {
        // Little-endian memory of (lo, hi) is: 00 00 00 00 | n as 8 little-endian bytes | 00 00 00 00.
        var words: (UInt64, UInt64) = ((n & 0xffff_ffff) << 32, n >> 32)
        words.0 = words.0.littleEndian
        words.1 = words.1.littleEndian
        return withUnsafeBytes(of: &words) { body($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    }

    /// Encrypts in place with an empty AD. `buffer` holds the plaintext followed by `aeadTagLength` spare
    /// bytes; on return it holds ciphertext || tag.
    public static func aeadSealInPlace(key: [UInt8], nonce: UInt64, buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= aeadTagLength && key.count == aeadKeyLength)
        let p = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let plaintextLength = UInt64(buffer.count - aeadTagLength)
        withIETFNonce(nonce) { n in
            _ = crypto_aead_chacha20poly1305_ietf_encrypt(p, nil, p, plaintextLength, nil, 0, nil, n, key)
        }
    }

    /// Decrypts ciphertext || tag in place with an empty AD; the plaintext ends up in the first
    /// `buffer.count - aeadTagLength` bytes. Returns false (and leaves no plaintext) when authentication fails.
    public static func aeadOpenInPlace(key: [UInt8], nonce: UInt64, buffer: UnsafeMutableRawBufferPointer) -> Bool {
        precondition(key.count == aeadKeyLength)
        guard buffer.count >= aeadTagLength else { return false }
        let p = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        return withIETFNonce(nonce) { n in
            crypto_aead_chacha20poly1305_ietf_decrypt(p, nil, nil, p, UInt64(buffer.count), nil, 0, n, key) == 0
        }
    }
}

/// Byte containers the crypto helpers accept without copying.
public protocol ContiguousBytes {
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}
extension Array: ContiguousBytes where Element == UInt8 {}
extension ArraySlice: ContiguousBytes where Element == UInt8 {}
