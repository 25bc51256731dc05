/// A message's identity on the pubsub network: by default `from || seqno` (the same function on every peer).
public struct MessageID: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]
    public init(bytes: [UInt8]) { self.bytes = bytes }
    /// One `combine(bytes:)` instead of `[UInt8]`'s per-byte `combine` (the seen-cache hashes every message's ID).
    public func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    public var description: String { bytes.hex }
}

/// A validated message, handed to the app once (our own publishes included).
public struct InboundMessage: Sendable {
    public let id: MessageID
    public let topic: String
    /// The signed author.
    public let from: PeerID
    public let data: [UInt8]
    public let seqno: UInt64
    /// The peer that relayed it to us; `nil` for our own publishes.
    public let receivedFrom: PeerID?
}

/// The app validator's verdict: `.reject` penalises the relaying peer, `.ignore` just drops the message.
public enum ValidationResult: Sendable, Equatable {
    case accept, reject, ignore
}

/// Work the engine asks its owner (the Host) to do.
public enum PubSubCommand: Sendable {
    /// One uvarint-framed RPC, ready to write on our long-lived outbound stream to the peer.
    case send(PeerID, [UInt8])
    /// A validated message seen for the first time (our own publishes exactly once).
    case deliver(InboundMessage)
    /// The peer's inbound stream lost framing (bad length prefix); drop the connection (or at least that stream).
    case disconnect(PeerID, reason: PubSubError)
    /// A peer learnt through peer exchange (PRUNE PX) from a well-behaved peer, with the signed peer record the
    /// PX entry carried (unverified: the host checks it before dialing its addresses).
    case connect(PeerID, record: [UInt8]?)
}

/// Everything that can go wrong in the pubsub engine, with context.
public enum PubSubError: Error, Equatable, Sendable {
    case badLengthPrefix(Varint.DecodeError)
    case rpcTooLarge(length: UInt64, limit: Int)
    case malformedRPC(ProtoWire.Error)
    case malformedControl
    case missingSignatureFields
    case badSeqno(length: Int)
    case invalidFrom
    case keyMismatch
    /// Too many RSA, secp256k1 or ECDSA signatures to check right now (`PubSubConfig.slowVerify*`).
    case slowVerifyBudgetExceeded
    case invalidSignature
    case missingTopic
    case messageTooLarge(size: Int, limit: Int)
    case rejectedByValidator(ValidationResult)
    case notSubscribed(String)
}

/// Counters for dropped and invalid input, for tests, `/peers` and benchmarks.
public struct PubSubCounters: Sendable, Equatable {
    public var rpcsReceived = 0
    public var oversizeRPCs = 0
    public var malformedRPCs = 0
    public var graylistedRPCs = 0
    public var messagesReceived = 0
    public var duplicates = 0
    public var invalidSignatures = 0
    public var unsignedMessages = 0
    public var unsubscribedTopic = 0
    public var rejected = 0
    public var ignored = 0
    public var delivered = 0
    public var excessSubscriptions = 0
    public var ihavesIgnored = 0
    public var iwantsIgnored = 0
    public var graftsDuringBackoff = 0
    /// Lingering messages of ours sent to a peer that subscribed after we published them.
    public var lingeringSent = 0
    /// RSA-, secp256k1- or ECDSA-signed messages dropped unchecked: over the slow-verify budget.
    public var slowVerifiesRefused = 0
    public init() {}
}
