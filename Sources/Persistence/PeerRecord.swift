/// A peer we have seen: where it listens, what it runs, when we last saw it.
public struct PeerRecord: Equatable, Sendable {
    /// The PeerID (base58).
    public var peerID: String
    /// Multiaddrs as text, without the `/p2p/<id>` suffix; the most useful first.
    public var addresses: [String]
    public var agent: String?
    /// Unix milliseconds.
    public var lastSeen: Int64
    public var lastConnected: Int64?

    public init(peerID: String, addresses: [String], agent: String?, lastSeen: Int64, lastConnected: Int64?) {
        self.peerID = peerID
        self.addresses = addresses
        self.agent = agent
        self.lastSeen = lastSeen
        self.lastConnected = lastConnected
    }
}
