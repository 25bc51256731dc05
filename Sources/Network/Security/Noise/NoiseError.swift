/// Everything that can go wrong in a Noise handshake or on a Noise-secured connection.
/// Every error is fatal for the connection: the caller must close it.
public enum NoiseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A frame or handshake message has the wrong shape (too short, trailing bytes, …).
    case malformedFrame(String)
    /// AEAD authentication failed: tampered or out-of-order data, or a different key.
    case decryptFailed
    /// The decrypted handshake payload is not a valid `NoiseHandshakePayload`.
    case invalidPayload(String)
    /// The handshake payload lacks `identity_key` or `identity_sig`.
    case missingIdentity
    /// The remote identity key could not be used (malformed RSA, secp256k1 or ECDSA data, a bad length, …).
    case unsupportedKey(KeyError)
    /// `identity_sig` does not sign our view of the remote static key; `claimed` is the PeerID it asserted.
    case badIdentitySignature(claimed: PeerID)
    /// The remote authenticated as a different peer than the one we dialed.
    case peerIDMismatch(expected: PeerID, got: PeerID)
    /// Input arrived when the handshake cannot accept it (after failure, after `finish()`).
    case unexpectedMessage(String)
    /// A cipher state reached nonce 2^64−1; the connection must be closed.
    case nonceExhausted
    /// A handshake message (or our own payload) exceeds `NoiseHandshake.maxMessageLength`.
    case handshakeMessageTooLarge(Int)
    /// The remote sent a low-order X25519 point (the Diffie-Hellman result was all zeros).
    case weakRemoteKey

    public var description: String {
        switch self {
        case .malformedFrame(let why): return "noise: malformed frame: \(why)"
        case .decryptFailed: return "noise: decryption failed"
        case .invalidPayload(let why): return "noise: invalid handshake payload: \(why)"
        case .missingIdentity: return "noise: handshake payload without identity key or signature"
        case .unsupportedKey(let e): return "noise: unsupported identity key: \(e)"
        case .badIdentitySignature(let claimed): return "noise: bad identity signature from \(claimed)"
        case .peerIDMismatch(let expected, let got): return "noise: expected peer \(expected), got \(got)"
        case .unexpectedMessage(let why): return "noise: unexpected message: \(why)"
        case .nonceExhausted: return "noise: nonce exhausted"
        case .handshakeMessageTooLarge(let n): return "noise: handshake message of \(n) bytes is too large"
        case .weakRemoteKey: return "noise: remote sent a low-order X25519 key"
        }
    }
}
