/// What a peer tells us about itself over identify (specs `identify/README.md`), decoded and validated.
///
/// `nil` and empty mean "not sent": an empty string or byte field on the wire is read as absent, so the
/// two merge rules below only have to ask "was it sent?".
public struct IdentifyInfo: Hashable, Sendable {
    /// e.g. `ipfs/0.1.0` (py) or `/p2p-chat/0.1.0`.
    public var protocolVersion: String?
    /// e.g. `py-libp2p/0.8.1`.
    public var agentVersion: String?
    /// The peer's identity key; must match the PeerID the secure channel authenticated (the Host's check).
    public var publicKey: PublicKey?
    /// Addresses the peer listens on. py appends `/p2p/<id>`; use `removingPeerID()` before dialing.
    public var listenAddrs: [Multiaddr]
    /// Our address as the peer sees it.
    public var observedAddr: Multiaddr?
    /// Protocol IDs the peer serves, e.g. `/meshsub/1.1.0`, `/ipfs/kad/1.0.0`.
    public var protocols: [String]
    /// The raw signed peer record envelope (field 8, sent by py and go); kept, not verified.
    public var signedPeerRecord: [UInt8]?

    public init(protocolVersion: String? = nil, agentVersion: String? = nil, publicKey: PublicKey? = nil,
                listenAddrs: [Multiaddr] = [], observedAddr: Multiaddr? = nil, protocols: [String] = [],
                signedPeerRecord: [UInt8]? = nil) {
        self.protocolVersion = protocolVersion
        self.agentVersion = agentVersion
        self.publicKey = publicKey
        self.listenAddrs = listenAddrs
        self.observedAddr = observedAddr
        self.protocols = protocols
        self.signedPeerRecord = signedPeerRecord
    }

    /// The PeerID named by `publicKey`.
    public var peerID: PeerID? { publicKey?.peerID }

    /// Applies an identify push (`/ipfs/id/push/1.0.0`): every field the push carries replaces ours, and a
    /// missing field leaves ours unchanged. A push cannot clear a list (an empty list is indistinguishable
    /// from an absent one), it can only replace it with a non-empty one.
    public func merging(push: IdentifyInfo) -> IdentifyInfo {
        var out = self
        if let v = push.protocolVersion { out.protocolVersion = v }
        if let v = push.agentVersion { out.agentVersion = v }
        if let v = push.publicKey { out.publicKey = v }
        if !push.listenAddrs.isEmpty { out.listenAddrs = push.listenAddrs }
        if let v = push.observedAddr { out.observedAddr = v }
        if !push.protocols.isEmpty { out.protocols = push.protocols }
        if let v = push.signedPeerRecord { out.signedPeerRecord = v }
        return out
    }

    /// Folds in a later message of the same identify response (go splits large replies): fields it sends
    /// win, and lists are concatenated with duplicates removed (first occurrence kept).
    public func merging(continuation later: IdentifyInfo) -> IdentifyInfo {
        var out = self.merging(push: later)
        out.listenAddrs = Self.uniqued(listenAddrs + later.listenAddrs)
        out.protocols = Self.uniqued(protocols + later.protocols)
        return out
    }

    static func uniqued<T: Hashable>(_ items: [T]) -> [T] {
        var seen = Set<T>()
        return items.filter { seen.insert($0).inserted }
    }
}
