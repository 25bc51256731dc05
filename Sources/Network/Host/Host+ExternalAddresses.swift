/// Addresses we are reachable at that no interface of ours has: behind a NAT with a forwarded port, peers
/// reach `/ip4/<the NAT's public address>/tcp/<our listen port>`, which we can only learn from them. AutoNAT
/// confirms such an address (a server dialed us back on it); from then on identify, our signed peer record
/// and DHT provider records carry it, and connected peers hear of it by an identify push.
extension Host {
    /// External addresses kept at most (one per listen port and public IP is the usual case).
    public static let maxExternalAddresses = 4

    /// Adds a confirmed external address (without `/p2p`); the newest first, at most `maxExternalAddresses`.
    /// `source` says in the log who vouches for it (AutoNAT's dial-back, a NAT-PMP mapping).
    public func addExternalAddress(_ address: Multiaddr, source: String = "confirmed by a dial-back") {
        let plain = address.removingPeerID()
        guard !isClosed, !externalAddresses.contains(plain) else { return }
        externalAddresses.insert(plain, at: 0)
        externalAddresses = Array(externalAddresses.prefix(Self.maxExternalAddresses))
        log.info("reachable at \(plain) (\(source))")
        checkAddresses()
    }

    /// Forgets one external address (a NAT-PMP mapping that lapsed); unknown ones are ignored.
    public func removeExternalAddress(_ address: Multiaddr) {
        let plain = address.removingPeerID()
        guard let index = externalAddresses.firstIndex(of: plain) else { return }
        externalAddresses.remove(at: index)
        checkAddresses()
    }

    /// Forgets every external address (AutoNAT found us unreachable after all).
    public func removeExternalAddresses() {
        guard !externalAddresses.isEmpty else { return }
        externalAddresses = []
        checkAddresses()
    }

    /// The TCP ports we listen on.
    var listenPorts: [UInt16] {
        listeners.compactMap { $0.address.tcpEndpoint?.port }
    }
}
