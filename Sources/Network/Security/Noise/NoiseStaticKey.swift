/// A host's Noise static key, made once per process with its identity signature, so a handshake does not
/// pay for an X25519 key generation and an Ed25519 signature (about 90 µs of its ~480 µs).
///
/// The libp2p Noise spec allows one static key per process or per connection; it must not be persisted
/// (PROTOCOLS.md §4), so this lives only in memory.
public struct NoiseStaticKey: Sendable {
    let secret: [UInt8]
    let publicKey: [UInt8]
    /// `identity_sig`: Ed25519 over "noise-libp2p-static-key:" || publicKey.
    let signature: [UInt8]

    public init(identity: PrivateKey, secret: [UInt8] = Sodium.randomBytes(Sodium.x25519KeyLength)) {
        self.secret = secret
        self.publicKey = try! Sodium.x25519PublicKey(secret: secret)
        self.signature = identity.sign(NoiseHandshake.signaturePrefix + publicKey)
    }
}
