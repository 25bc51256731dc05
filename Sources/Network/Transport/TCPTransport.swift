/// Multiaddr ⇄ socket address for the TCP transport.
///
///     /ip4/<a.b.c.d>/tcp/<port>[/p2p/<id>]        direct
///     /ip6/<addr>/tcp/<port>[/p2p/<id>]           direct
///     /dns|dns4|dns6/<host>/tcp/<port>[/p2p/<id>] resolved at dial time, off the reactor thread (`NameResolver`)
public enum TCPTransport {
    /// The socket address to bind for a listen multiaddr (`/ip4|ip6/…/tcp/<port>` only).
    public static func listenAddress(_ address: Multiaddr) throws -> SocketAddress {
        let parts = address.components
        guard parts.count == 2, case .tcp(let port) = parts[1] else {
            throw HostError.invalidAddress(address, reason: "expected /ip4/<addr>/tcp/<port> or /ip6/<addr>/tcp/<port>")
        }
        switch parts[0] {
        case .ip4(let ip): return .ipv4(address: ip, port: port)
        case .ip6(let ip): return .ipv6(address: ip, port: port)
        default: throw HostError.invalidAddress(address, reason: "listen addresses must be IP addresses")
        }
    }

    /// Where a dial goes: a socket address, or a name to resolve first (off the reactor thread).
    public enum DialTarget: Hashable, Sendable {
        case address(SocketAddress)
        case name(String, port: UInt16, family: SocketAddress.Family)
    }

    /// The dial target of a multiaddr (`Multiaddr.tcpEndpoint`); names are not resolved here.
    public static func dialTarget(_ address: Multiaddr) throws -> DialTarget {
        guard let endpoint = address.tcpEndpoint, endpoint.port != 0 else {
            throw HostError.invalidAddress(address, reason: "not a TCP address with a port")
        }
        switch endpoint.host {
        case .ip4(let ip): return .address(.ipv4(address: ip, port: endpoint.port))
        case .ip6(let ip): return .address(.ipv6(address: ip, port: endpoint.port))
        case .dns(let n): return .name(n, port: endpoint.port, family: .any)
        case .dns4(let n): return .name(n, port: endpoint.port, family: .ipv4)
        case .dns6(let n): return .name(n, port: endpoint.port, family: .ipv6)
        }
    }

    /// The socket address to connect to for a dial multiaddr, resolving a name with `resolver` — which may
    /// block: the host resolves on another thread (`Host+Lookups`); this is for callers that may wait.
    public static func dialAddress(_ address: Multiaddr,
                                   resolver: NameResolver = SystemNameResolver()) throws -> SocketAddress {
        switch try dialTarget(address) {
        case .address(let target):
            return target
        case .name(let name, let port, let family):
            let lookup = Result { try resolver.resolve(host: name, port: port, family: family) }
            return try resolved(address, name: name, result: lookup)
        }
    }

    /// The first address of a finished lookup of `name`, or the dial's error.
    static func resolved(_ address: Multiaddr, name: String,
                         result: Result<[SocketAddress], any Error>) throws -> SocketAddress {
        let addresses: [SocketAddress]
        do { addresses = try result.get() } catch {
            throw HostError.invalidAddress(address, reason: "cannot resolve \(name): \(error)")
        }
        guard let first = addresses.first else {
            throw HostError.invalidAddress(address, reason: "\(name) has no address")
        }
        return first
    }

    /// Whether a bound listener's address is a wildcard (0.0.0.0 or ::), whose addresses are the interfaces'.
    public static func isWildcard(_ bound: Multiaddr) -> Bool {
        switch bound.components.first {
        case .ip4(let ip)?: return ip == [0, 0, 0, 0]
        case .ip6(let ip)?: return ip.allSatisfy { $0 == 0 }
        default: return false
        }
    }

    /// Addresses to advertise for a bound listener: a wildcard bind expands to every interface address.
    public static func dialableAddresses(for bound: Multiaddr,
                                         interfaces: @autoclosure () -> [SocketAddress] = NetworkInterfaces.addresses()) -> [Multiaddr] {
        let parts = bound.components
        guard parts.count == 2, case .tcp(let port) = parts[1] else { return [bound] }
        switch parts[0] {
        case .ip4(let ip) where ip == [0, 0, 0, 0]:
            return interfaces().compactMap {
                if case .ipv4(let a, _) = $0 { return Multiaddr(tcp: .ipv4(address: a, port: port)) } else { return nil }
            }
        case .ip6(let ip) where ip.allSatisfy({ $0 == 0 }):
            return interfaces().compactMap {
                if case .ipv6(let a, _) = $0, !(a[0] == 0xfe && a[1] & 0xc0 == 0x80) {   // skip link-local
                    return Multiaddr(tcp: .ipv6(address: a, port: port))
                }
                return nil
            }
        default:
            return [bound]
        }
    }
}

extension Multiaddr {
    /// `/ip4|ip6/<addr>/tcp/<port>` for a socket address.
    public init(tcp address: SocketAddress) {
        switch address {
        case .ipv4(let ip, let port): self.init(components: [.ip4(ip), .tcp(port)])
        case .ipv6(let ip, let port): self.init(components: [.ip6(ip), .tcp(port)])
        }
    }

    init(tcp address: SocketAddress?) {
        self.init(tcp: address ?? .ipv4(address: [0, 0, 0, 0], port: 0))
    }
}
