/// The multiaddr protocols we understand (multiformats/multiaddr `protocols.csv`), with their codes and
/// value sizes. Anything else is refused with `MultiaddrError.unknownProtocol`/`unknownProtocolCode`.
public enum MultiaddrProtocol: UInt64, CaseIterable, Sendable {
    case ip4 = 4
    case tcp = 6
    case ip6 = 41
    case dns = 53
    case dns4 = 54
    case dns6 = 55
    case dnsaddr = 56
    case udp = 273
    case p2pCircuit = 290
    case p2p = 421
    case tls = 448
    case quicV1 = 461
    case certhash = 466
    case ws = 477

    /// How a protocol's value is laid out in the binary form.
    public enum ValueSize: Equatable, Sendable {
        case none            // no value (p2p-circuit, quic-v1, ws, tls)
        case fixed(Int)      // ip4 4, ip6 16, tcp/udp 2
        case variable        // uvarint(len) || bytes
    }

    /// The text name, as it appears between slashes.
    public var name: String {
        switch self {
        case .ip4: return "ip4"
        case .tcp: return "tcp"
        case .ip6: return "ip6"
        case .dns: return "dns"
        case .dns4: return "dns4"
        case .dns6: return "dns6"
        case .dnsaddr: return "dnsaddr"
        case .udp: return "udp"
        case .p2pCircuit: return "p2p-circuit"
        case .p2p: return "p2p"
        case .tls: return "tls"
        case .quicV1: return "quic-v1"
        case .certhash: return "certhash"
        case .ws: return "ws"
        }
    }

    public var valueSize: ValueSize {
        switch self {
        case .ip4: return .fixed(4)
        case .ip6: return .fixed(16)
        case .tcp, .udp: return .fixed(2)
        case .dns, .dns4, .dns6, .dnsaddr, .p2p, .certhash: return .variable
        case .p2pCircuit, .tls, .quicV1, .ws: return .none
        }
    }

    /// Looks a protocol up by its text name; `ipfs` is the legacy alias of `p2p`.
    public init?(name: String) {
        if name == "ipfs" { self = .p2p; return }
        guard let found = Self.byName[name] else { return nil }
        self = found
    }

    private static let byName: [String: MultiaddrProtocol] = {
        var table: [String: MultiaddrProtocol] = [:]
        for p in allCases { table[p.name] = p }
        return table
    }()
}
