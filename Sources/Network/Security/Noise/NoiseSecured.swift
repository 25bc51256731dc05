/// The outcome of a completed `/noise` handshake: who the peer is, what it offered, and the transport to
/// run the rest of the connection through.
///
/// `remainder` holds the bytes that arrived after the last handshake message (e.g. the initiator's first
/// transport frames sent in the same segment as msg3). They are ciphertext: feed them to
/// `transport.open` before anything read later.
public struct NoiseSecured {
    public let remotePeer: PeerID
    public let remotePublicKey: PublicKey
    /// The remote's `stream_muxers` extension, in its order; empty when it sent none (py-libp2p).
    public let remoteMuxers: [String]
    /// The inlined muxer choice: the initiator's first entry that both sides listed; nil means "fall back
    /// to multistream-select inside the secured channel".
    public let negotiatedMuxer: String?
    public var transport: NoiseTransport
    public let remainder: [UInt8]
    /// The final Noise handshake hash `h` (channel binding; equal on both sides).
    public let handshakeHash: [UInt8]
}
