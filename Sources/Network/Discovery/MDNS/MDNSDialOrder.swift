/// The order in which a discovered peer's addresses are dialed.
///
/// - A peer on this host (its response came from one of our own addresses): loopback first — it
///   needs no interface at all — then the rest.
/// - Any other peer: addresses on one of our subnets first, then other routable ones; loopback is
///   left out (it would reach ourselves, not them), and so is IPv6 link-local (no zone to dial with).
public enum MDNSDialOrder {
    public static func sorted(_ addresses: [Multiaddr], interfaces: [IPv4Interface], peerIsLocal: Bool) -> [Multiaddr] {
        let ranked = addresses.compactMap { address -> (Int, Multiaddr)? in
            rank(address, interfaces: interfaces, peerIsLocal: peerIsLocal).map { ($0, address) }
        }
        // Stable: equal ranks keep the peer's own order.
        return ranked.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element.1)
    }

    /// Lower dials sooner; nil means never.
    static func rank(_ address: Multiaddr, interfaces: [IPv4Interface], peerIsLocal: Bool) -> Int? {
        switch address.components.first {
        case .ip4(let ip)?:
            if ip[0] == 127 { return peerIsLocal ? 0 : nil }
            if interfaces.contains(where: { !$0.isLoopback && $0.contains(ip) }) { return 1 }
            return 2
        case .ip6(let ip)?:
            if ip == [UInt8](repeating: 0, count: 15) + [1] { return peerIsLocal ? 0 : nil }
            if IPv6Interface.isLinkLocal(ip) { return nil }
            return 2
        default:
            return 3
        }
    }

    /// True when `sender` is one of our own addresses (IPv4, or any of `ipv6Addresses`): the responder
    /// runs on this host.
    public static func isLocal(_ sender: SocketAddress, interfaces: [IPv4Interface], ipv6Addresses: [[UInt8]] = []) -> Bool {
        switch sender {
        case .ipv4(let ip, _): return ip[0] == 127 || interfaces.contains { $0.address == ip }
        case .ipv6(let ip, _): return sender == .loopbackIPv6(port: sender.port) || ipv6Addresses.contains(ip)
        }
    }
}
