/// Where to open a plain TCP connection: what the Host needs from a multiaddr before dialing.
public struct TCPEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// The host part: a literal address, or a name still to resolve (`dns` = any family, `dns4`/`dns6` = that family).
    public enum Host: Hashable, Sendable {
        case ip4([UInt8])
        case ip6([UInt8])
        case dns(String)
        case dns4(String)
        case dns6(String)
    }

    public var host: Host
    public var port: UInt16

    public init(host: Host, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// The endpoint as a multiaddr, e.g. `/ip4/127.0.0.1/tcp/4001`.
    public var multiaddr: Multiaddr {
        let first: MultiaddrComponent
        switch host {
        case .ip4(let a): first = .ip4(a)
        case .ip6(let a): first = .ip6(a)
        case .dns(let h): first = .dns(h)
        case .dns4(let h): first = .dns4(h)
        case .dns6(let h): first = .dns6(h)
        }
        return Multiaddr(components: [first, .tcp(port)])
    }

    public var description: String { multiaddr.description }
}

extension Multiaddr {
    /// The TCP endpoint of a directly dialable TCP address: `/{ip4,ip6,dns,dns4,dns6}/<host>/tcp/<port>`,
    /// optionally followed by `/p2p/<id>`. Anything else (`/ws`, `/p2p-circuit`, `/quic-v1`, `/dnsaddr`, which needs a
    /// TXT lookup first) gives nil.
    public var tcpEndpoint: TCPEndpoint? {
        let base = removingPeerID().components
        guard base.count == 2, case .tcp(let port) = base[1] else { return nil }
        switch base[0] {
        case .ip4(let a): return TCPEndpoint(host: .ip4(a), port: port)
        case .ip6(let a): return TCPEndpoint(host: .ip6(a), port: port)
        case .dns(let h): return TCPEndpoint(host: .dns(h), port: port)
        case .dns4(let h): return TCPEndpoint(host: .dns4(h), port: port)
        case .dns6(let h): return TCPEndpoint(host: .dns6(h), port: port)
        default: return nil
        }
    }

    /// Whether the address is on 127.0.0.0/8 or ::1.
    public var isLoopback: Bool {
        switch tcpEndpoint?.host {
        case .ip4(let a)?: return a[0] == 127
        case .ip6(let a)?: return a == [UInt8](repeating: 0, count: 15) + [1]
        default: return false
        }
    }

    /// Whether the address is in a private or link-local range: 10/8, 172.16/12, 192.168/16, 100.64/10
    /// (carrier NAT), 169.254/16, fc00::/7, fe80::/10. Names count as public.
    public var isPrivate: Bool {
        switch tcpEndpoint?.host {
        case .ip4(let a)?:
            return a[0] == 10 || (a[0] == 172 && a[1] & 0xf0 == 16) || (a[0] == 192 && a[1] == 168)
                || (a[0] == 100 && a[1] & 0xc0 == 64) || (a[0] == 169 && a[1] == 254)
        case .ip6(let a)?:
            return a[0] & 0xfe == 0xfc || (a[0] == 0xfe && a[1] & 0xc0 == 0x80)
        default:
            return false
        }
    }

    /// The TCP addresses of a peer learnt from a third party (DHT, PX), without `/p2p`, in the order to dial
    /// them: public ones first (a peer out on the Internet lists its home network's addresses too), then
    /// private ones (it may be on our LAN), loopback last, since a remote peer lists 127.0.0.1 too, and there
    /// it would reach some local process. The peer's own order is kept within each group.
    public static func tcpDialOrder(_ addresses: [Multiaddr]) -> [Multiaddr] {
        let tcp = addresses.filter { $0.tcpEndpoint != nil }.map { $0.removingPeerID() }
        let routable = tcp.filter { !$0.isLoopback }
        return routable.filter { !$0.isPrivate } + routable.filter(\.isPrivate) + tcp.filter(\.isLoopback)
    }

    /// `/ip4/<a>/tcp/<port>` or `/ip6/<a>/tcp/<port>` from raw address bytes (4 or 16 of them), e.g. a
    /// socket's remote address, for identify's `observedAddr` and our own listen addresses.
    public init(ipAddress: [UInt8], tcpPort: UInt16) throws {
        switch ipAddress.count {
        case IPAddressText.ipv4Length: self.init(components: [.ip4(ipAddress), .tcp(tcpPort)])
        case IPAddressText.ipv6Length: self.init(components: [.ip6(ipAddress), .tcp(tcpPort)])
        default:
            throw MultiaddrError.invalidValue(protocol: "ip", "\(ipAddress.count)-byte address")
        }
    }
}
