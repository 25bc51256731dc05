/// A Noise `SymmetricState` (spec §5.2) for SHA256: the chaining key `ck`, the handshake hash `h`
/// and the `CipherState` the handshake encrypts with.
struct SymmetricState {
    static let hashLength = Sodium.sha256Length

    private(set) var chainingKey: [UInt8]
    private(set) var handshakeHash: [UInt8]
    private(set) var cipher = CipherState()

    /// `InitializeSymmetric(protocol_name)`: a name of at most HASHLEN bytes is zero-padded, a longer one hashed.
    init(protocolName: String) {
        let name = Array(protocolName.utf8)
        if name.count <= Self.hashLength {
            handshakeHash = name + [UInt8](repeating: 0, count: Self.hashLength - name.count)
        } else {
            handshakeHash = Sodium.sha256(name)
        }
        chainingKey = handshakeHash
    }

    mutating func mixHash<C: Collection>(_ data: C) where C.Element == UInt8 {
        handshakeHash = Sodium.sha256(handshakeHash + data)
    }

    mutating func mixKey(_ inputKeyMaterial: [UInt8]) {
        let (ck, tempK) = Self.hkdf(chainingKey: chainingKey, inputKeyMaterial)
        chainingKey = ck
        cipher.initializeKey(tempK)   // HASHLEN is 32 = the ChaChaPoly key length, so no truncation.
    }

    mutating func encryptAndHash(_ plaintext: [UInt8]) throws -> [UInt8] {
        let ciphertext = try cipher.encrypt(ad: handshakeHash, plaintext)
        mixHash(ciphertext)
        return ciphertext
    }

    mutating func decryptAndHash(_ ciphertext: ArraySlice<UInt8>) throws -> [UInt8] {
        let plaintext = try cipher.decrypt(ad: handshakeHash, ciphertext)
        mixHash(ciphertext)
        return plaintext
    }

    /// `Split()`: the initiator→responder and responder→initiator cipher states.
    func split() -> (initiatorToResponder: CipherState, responderToInitiator: CipherState) {
        let (k1, k2) = Self.hkdf(chainingKey: chainingKey, [])
        return (CipherState(key: k1), CipherState(key: k2))
    }

    /// `HKDF(chaining_key, input_key_material, 2)` (spec §4.3) with HMAC-SHA256.
    static func hkdf(chainingKey: [UInt8], _ inputKeyMaterial: [UInt8]) -> ([UInt8], [UInt8]) {
        let tempKey = Sodium.hmacSHA256(key: chainingKey, inputKeyMaterial)
        let output1 = Sodium.hmacSHA256(key: tempKey, [0x01])
        let output2 = Sodium.hmacSHA256(key: tempKey, output1 + [0x02])
        return (output1, output2)
    }
}
