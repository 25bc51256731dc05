/// A Noise `CipherState` (spec §5.1) for ChaChaPoly: a 32-byte key `k` and a 64-bit nonce `n`.
///
/// The nonce 2^64−1 is reserved, so a state that reaches it refuses to encrypt or decrypt
/// (`NoiseError.nonceExhausted`). Before a key is set, encryption is the identity function.
struct CipherState {
    static let maxNonce = UInt64.max

    private(set) var key: [UInt8]?
    private(set) var nonce: UInt64

    init(key: [UInt8]? = nil, nonce: UInt64 = 0) {
        precondition(key == nil || key!.count == Sodium.aeadKeyLength)
        self.key = key
        self.nonce = nonce
    }

    var hasKey: Bool { key != nil }

    mutating func initializeKey(_ k: [UInt8]) {
        key = k
        nonce = 0
    }

    private mutating func nextNonce() throws -> UInt64 {
        guard nonce < Self.maxNonce else { throw NoiseError.nonceExhausted }
        defer { nonce += 1 }
        return nonce
    }

    /// `EncryptWithAd(ad, plaintext)`: ciphertext || tag, or the plaintext itself when no key is set.
    mutating func encrypt(ad: [UInt8], _ plaintext: [UInt8]) throws -> [UInt8] {
        guard let key else { return plaintext }
        return Sodium.aeadSeal(key: key, nonce: try nextNonce(), ad: ad, plaintext: plaintext)
    }

    /// `DecryptWithAd(ad, ciphertext)`. The nonce advances only on success.
    mutating func decrypt(ad: [UInt8], _ ciphertext: ArraySlice<UInt8>) throws -> [UInt8] {
        guard let key else { return Array(ciphertext) }
        guard nonce < Self.maxNonce else { throw NoiseError.nonceExhausted }
        var out: [UInt8] = []
        do {
            try ciphertext.withUnsafeBytes {
                try Sodium.aeadOpen(key: key, nonce: nonce, ad: ad, ciphertext: $0, appendingTo: &out)
            }
        } catch { throw NoiseError.decryptFailed }
        nonce += 1
        return out
    }

    /// Transport encryption with an empty AD, in place: `buffer` is plaintext followed by 16 spare bytes.
    mutating func sealInPlace(_ buffer: UnsafeMutableRawBufferPointer) throws {
        Sodium.aeadSealInPlace(key: key!, nonce: try nextNonce(), buffer: buffer)
    }

    /// Transport decryption with an empty AD, in place: ciphertext || tag becomes plaintext (first count−16 bytes).
    mutating func openInPlace(_ buffer: UnsafeMutableRawBufferPointer) throws {
        guard nonce < Self.maxNonce else { throw NoiseError.nonceExhausted }
        guard Sodium.aeadOpenInPlace(key: key!, nonce: nonce, buffer: buffer) else { throw NoiseError.decryptFailed }
        nonce += 1
    }
}
