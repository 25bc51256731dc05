#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `/noise` security handshake (libp2p noise spec): `Noise_XX_25519_ChaChaPoly_SHA256`, empty prologue,
/// a fresh X25519 static key per handshake, and the libp2p identity proof in the payloads of msg2 and msg3.
///
/// Handshake messages are framed like transport frames:
///
///     +------------+-----------------------------------------------------------------------+
///     | u16be(len) | msg1: e (32)                                                            |
///     |            | msg2: e (32) | enc(s) (32+16) | enc(payload) (payload+16)               |
///     |            | msg3: enc(s) (32+16) | enc(payload) (payload+16)                        |
///     +------------+-----------------------------------------------------------------------+
///
///     payload = NoiseHandshakePayload {
///         identity_key = 1  (PublicKey protobuf)
///         identity_sig = 2  (Ed25519 over "noise-libp2p-static-key:" || X25519 static public key)
///         extensions   = 4  { stream_muxers = 2 }   responder in msg2, initiator in msg3, only if non-empty
///     }
///
/// Sans-IO: `receive` takes whatever the socket delivered, `pollTransmit` yields what to write. The initiator's
/// msg1 is queued at init. Once `isComplete`, further input is kept as transport ciphertext and handed over in
/// `NoiseSecured.remainder` by `finish()`.
public final class NoiseHandshake {
    public static let protocolID = "/noise"
    /// A decrypted payload larger than this is refused; ours is ~104 bytes plus extensions.
    public static let maxPayloadLength = 8 * 1024
    /// The largest handshake message (msg2 with a maximal payload): frames beyond it are refused unbuffered.
    public static let maxMessageLength = 32 + 48 + maxPayloadLength + 16
    static let signaturePrefix = Array("noise-libp2p-static-key:".utf8)
    static let headerLength = 2

    public enum Role: Sendable { case initiator, responder }

    private enum Phase { case handshaking, complete, finished, failed }

    public let role: Role
    private let identity: PrivateKey
    private let expectedRemote: PeerID?
    private let muxers: [String]
    private var handshake: HandshakeState
    private var phase = Phase.handshaking
    private var inbound: [UInt8] = []
    private var outbound: [UInt8] = []
    private var remote: (key: PublicKey, peer: PeerID, muxers: [String])?
    /// The identity signature of a `NoiseStaticKey`, reused instead of signing per handshake.
    private var precomputedSignature: [UInt8]?

    /// - Parameters:
    ///   - expectedRemote: the PeerID we dialed (`/p2p/…`); a different authenticated peer fails the handshake.
    ///   - muxers: our `stream_muxers` extension in preference order; empty sends no extensions.
    ///   - staticKey: the host's per-process static key with its signature (see `NoiseStaticKey`).
    ///   - staticSecret, ephemeralSecret: 32-byte X25519 secrets for tests; fresh random ones otherwise.
    ///   - prologue: empty for libp2p; settable for the Noise test vectors.
    public convenience init(role: Role, identity: PrivateKey, expectedRemote: PeerID?, muxers: [String] = [],
                            staticKey: NoiseStaticKey) {
        self.init(role: role, identity: identity, expectedRemote: expectedRemote, muxers: muxers,
                  staticSecret: staticKey.secret, staticPublic: staticKey.publicKey)
        precomputedSignature = staticKey.signature
    }

    public init(role: Role, identity: PrivateKey, expectedRemote: PeerID?, muxers: [String] = [],
                staticSecret: [UInt8]? = nil, staticPublic: [UInt8]? = nil, ephemeralSecret: [UInt8]? = nil,
                prologue: [UInt8] = []) {
        precondition(staticSecret.map { $0.count == Sodium.x25519KeyLength } ?? true, "static secret must be 32 bytes")
        precondition(ephemeralSecret.map { $0.count == Sodium.x25519KeyLength } ?? true, "ephemeral secret must be 32 bytes")
        self.role = role
        self.identity = identity
        self.expectedRemote = expectedRemote
        self.muxers = muxers
        handshake = try! HandshakeState(initiator: role == .initiator, prologue: prologue,
                                        staticSecret: staticSecret ?? Sodium.randomBytes(Sodium.x25519KeyLength),
                                        staticPublic: staticPublic, ephemeralSecret: ephemeralSecret)
        if role == .initiator {
            // msg1 carries no payload: nothing in it is encrypted yet.
            try! send(payload: [])
        }
    }

    /// True once both sides are authenticated and the transport keys exist.
    public var isComplete: Bool { phase == .complete || phase == .finished }

    /// Feeds bytes from the connection, in any chunking. Throws `NoiseError`; after a throw the handshake
    /// is dead and further input throws `unexpectedMessage`.
    public func receive(_ bytes: ArraySlice<UInt8>) throws {
        switch phase {
        case .failed: throw NoiseError.unexpectedMessage("input after the handshake failed")
        case .finished: throw NoiseError.unexpectedMessage("input after finish(); give it to the transport")
        case .complete: inbound.append(contentsOf: bytes); return
        case .handshaking: break
        }
        inbound.append(contentsOf: bytes)
        do {
            while phase == .handshaking, let message = try nextMessage() {
                try process(message)
            }
        } catch {
            phase = .failed
            throw error
        }
    }

    /// `receive` for bytes straight from a socket read buffer.
    public func receive(_ bytes: UnsafeRawBufferPointer) throws {
        try receive([UInt8](bytes)[...])
    }

    /// The next bytes to write (u16be-framed handshake messages), or nil.
    public func pollTransmit() -> [UInt8]? {
        guard !outbound.isEmpty else { return nil }
        defer { outbound = [] }
        return outbound
    }

    /// Hands over the authenticated peer and the transport. Call once, after `isComplete`.
    public func finish() -> NoiseSecured {
        precondition(phase == .complete, "finish() needs a complete, unfinished handshake")
        guard let remote else { preconditionFailure("complete handshake without a remote identity") }
        phase = .finished
        let (send, receive) = handshake.split()
        let negotiated: String?
        switch role {
        case .initiator: negotiated = muxers.first(where: remote.muxers.contains)
        case .responder: negotiated = remote.muxers.first(where: muxers.contains)
        }
        defer { inbound = [] }
        return NoiseSecured(remotePeer: remote.peer, remotePublicKey: remote.key, remoteMuxers: remote.muxers,
                            negotiatedMuxer: negotiated, transport: NoiseTransport(send: send, receive: receive),
                            remainder: inbound, handshakeHash: handshake.handshakeHash)
    }

    // MARK: Steps

    /// Cuts the next whole frame off `inbound`; nil until it has fully arrived.
    private func nextMessage() throws -> [UInt8]? {
        guard inbound.count >= Self.headerLength else { return nil }
        let length = Int(inbound[0]) << 8 | Int(inbound[1])
        guard length <= Self.maxMessageLength else { throw NoiseError.handshakeMessageTooLarge(length) }
        guard inbound.count >= Self.headerLength + length else { return nil }
        let message = Array(inbound[Self.headerLength..<(Self.headerLength + length)])
        inbound.removeFirst(Self.headerLength + length)
        return message
    }

    private func process(_ message: [UInt8]) throws {
        guard !handshake.isOurTurnToWrite else {
            throw NoiseError.unexpectedMessage("message arrived while it is our turn to send")
        }
        let payload = try handshake.readMessage(message[...])
        switch handshake.messageIndex {
        case 1:   // responder got msg1: it must carry nothing but e.
            guard payload.isEmpty else {
                throw NoiseError.malformedFrame("msg1 has \(payload.count) trailing bytes after e")
            }
            try send(payload: try ourPayload())
        case 2:   // initiator got msg2: authenticate the responder, then close with msg3.
            remote = try authenticate(payload)
            try send(payload: try ourPayload())
            phase = .complete
        default:  // responder got msg3.
            remote = try authenticate(payload)
            phase = .complete
        }
    }

    private func send(payload: [UInt8]) throws {
        let message = try handshake.writeMessage(payload: payload)
        guard message.count <= NoiseTransport.maxFrameLength else {
            throw NoiseError.handshakeMessageTooLarge(message.count)
        }
        outbound.append(UInt8(truncatingIfNeeded: message.count >> 8))
        outbound.append(UInt8(truncatingIfNeeded: message.count))
        outbound += message
    }

    // MARK: Payload

    private func ourPayload() throws -> [UInt8] {
        var payload = NoiseHandshakePayload()
        payload.identityKey = Data(identity.publicKey.protobuf)
        payload.identitySig = Data(precomputedSignature ?? identity.sign(Self.signaturePrefix + handshake.staticPublic))
        if !muxers.isEmpty { payload.extensions.streamMuxers = muxers }
        let bytes: [UInt8] = try payload.serializedBytes()
        guard bytes.count <= Self.maxPayloadLength else { throw NoiseError.handshakeMessageTooLarge(bytes.count) }
        return bytes
    }

    /// Checks the remote payload against the static key the handshake just authenticated (rs).
    private func authenticate(_ bytes: [UInt8]) throws -> (key: PublicKey, peer: PeerID, muxers: [String]) {
        guard bytes.count <= Self.maxPayloadLength else { throw NoiseError.handshakeMessageTooLarge(bytes.count) }
        let payload: NoiseHandshakePayload
        do { payload = try NoiseHandshakePayload(serializedBytes: bytes) } catch {
            throw NoiseError.invalidPayload("\(error)")
        }
        guard !payload.identityKey.isEmpty, !payload.identitySig.isEmpty else { throw NoiseError.missingIdentity }
        let key: PublicKey
        do { key = try PublicKey(protobuf: [UInt8](payload.identityKey)) } catch let error as KeyError {
            throw NoiseError.unsupportedKey(error)
        }
        guard let remoteStatic = handshake.remoteStatic else { preconditionFailure("payload before rs") }
        let peer = key.peerID
        guard key.verify(signature: [UInt8](payload.identitySig), for: Self.signaturePrefix + remoteStatic) else {
            throw NoiseError.badIdentitySignature(claimed: peer)
        }
        if let expectedRemote, expectedRemote != peer {
            throw NoiseError.peerIDMismatch(expected: expectedRemote, got: peer)
        }
        return (key, peer, payload.hasExtensions ? payload.extensions.streamMuxers : [])
    }
}
