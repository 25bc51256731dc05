/// Why a connection, dial or stream failed. Each case names the stage and carries the cause.
public enum HostError: Error, CustomStringConvertible {
    case invalidAddress(Multiaddr, reason: String)
    case connectFailed(Multiaddr, Errno)
    case socket(Errno)
    case handshakeTimeout
    case securityNegotiation(MultistreamError)
    case security(NoiseError)
    case muxerNegotiation(MultistreamError)
    case muxer(YamuxError)
    case peerIDMismatch(expected: PeerID, got: PeerID)
    case dialedSelf
    case connectionLimit
    case duplicateConnection
    case connectionClosed(reason: String)
    case notConnected(PeerID)
    case protocolNegotiation(MultistreamError)
    case streamReset
    case streamEndedDuringNegotiation
    case pingFailed(PingError)
    case identify(IdentifyError)
    case hostClosed
    case tooManyLookups(limit: Int)
    case noAddresses(PeerID)
    case tooManyAddresses(limit: Int)
    /// Not a failure: a dial-back probe's peer proved itself, and the probe connection ends here.
    case probeDone

    public var description: String {
        switch self {
        case .invalidAddress(let a, let r): return "cannot use address \(a): \(r)"
        case .connectFailed(let a, let e): return "connect to \(a) failed: \(e)"
        case .socket(let e): return "socket error: \(e)"
        case .handshakeTimeout: return "handshake timed out"
        case .securityNegotiation(let e): return "security negotiation failed: \(e)"
        case .security(let e): return "noise handshake failed: \(e)"
        case .muxerNegotiation(let e): return "muxer negotiation failed: \(e)"
        case .muxer(let e): return "yamux error: \(e)"
        case .peerIDMismatch(let x, let g): return "peer id mismatch: dialed \(x), got \(g)"
        case .dialedSelf: return "refusing to dial ourselves"
        case .connectionLimit: return "connection limit reached"
        case .duplicateConnection: return "duplicate connection to the same peer"
        case .connectionClosed(let r): return "connection closed: \(r)"
        case .notConnected(let p): return "not connected to \(p)"
        case .protocolNegotiation(let e): return "protocol negotiation failed: \(e)"
        case .streamReset: return "stream reset by peer"
        case .streamEndedDuringNegotiation: return "peer closed the stream before agreeing on a protocol"
        case .pingFailed(let e): return "ping failed: \(e)"
        case .identify(let e): return "identify failed: \(e)"
        case .tooManyLookups(let limit): return "more than \(limit) name lookups in flight"
        case .hostClosed: return "host closed"
        case .noAddresses(let p): return "no TCP address to dial \(p) on"
        case .probeDone: return "dial-back probe done"
        case .tooManyAddresses(let limit): return "the peer is being dialed on \(limit) addresses already"
        }
    }
}
