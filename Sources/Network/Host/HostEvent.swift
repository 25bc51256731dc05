/// What a `Host` tells its owner. Delivered synchronously on the reactor thread through `Host.onEvent`.
public enum HostEvent {
    /// A connection finished its upgrade (Noise + yamux) and is the one kept for this peer.
    case connected(PeerID, ConnectionInfo)
    /// The last connection to a peer closed; `reason` is nil for an orderly close.
    case disconnected(PeerID, reason: HostError?)
    /// Identify completed on a connection (also after an identify push).
    case identified(PeerID, IdentifyInfo)
    /// A dial failed before a connection was established.
    case dialFailed(Multiaddr, HostError)
    /// Every address of a `Host.dial(_:addresses:)` failed (each also reported by its own `dialFailed`);
    /// the error is the last attempt's.
    case peerDialFailed(PeerID, HostError)
    /// An inbound connection failed during its upgrade, or was refused at accept (`.connectionLimit`).
    case inboundFailed(remote: String, HostError)
    /// Result of `Host.ping(_:)`.
    case pingResult(PeerID, Result<Duration, HostError>)
}

/// A snapshot of one connection for events and `/peers`.
public struct ConnectionInfo: Sendable {
    public enum Direction: String, Sendable { case inbound, outbound }
    public var direction: Direction
    public var remoteAddress: Multiaddr?
    public var localAddress: Multiaddr?
}

/// What the host knows about a connected peer.
public struct PeerSummary {
    public var peer: PeerID
    public var connection: ConnectionInfo
    public var identify: IdentifyInfo?
    /// The peer's own signed record of its addresses, when identify carried one that verified.
    public var record: SignedPeerRecord?
}
