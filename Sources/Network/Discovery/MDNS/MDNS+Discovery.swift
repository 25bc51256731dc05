extension MDNS {
    /// Reads the TXT records of `<name>._p2p._udp.local` in a response (any section: answers to a
    /// TXT query put them in the answers, PTR answers in the additional section).
    mutating func readResponse(_ message: DNSMessage, now: Instant) {
        for record in message.allRecords {
            guard case .txt = record.data, record.name.labels.count == config.serviceName.labels.count + 1,
                  DNSName(labels: Array(record.name.labels.dropFirst())) == config.serviceName,
                  record.name != instanceName else { continue }
            guard let (peer, found) = Self.peerAddresses(in: record.data.textStrings), peer != me else { continue }
            if record.ttl == 0 {
                if peers.removeValue(forKey: peer) != nil { events.append(.expired(peer)) }
                continue
            }
            learn(peer, addresses: found, expires: now + .seconds(Int64(record.ttl)))
        }
    }

    private mutating func learn(_ peer: PeerID, addresses found: [Multiaddr], expires: Instant) {
        if var entry = peers[peer] {
            entry.expires = max(entry.expires, expires)
            let changed = Set(entry.addresses) != Set(found)
            if changed { entry.addresses = found }
            peers[peer] = entry
            if changed { events.append(.discovered(peer, found)) }
            return
        }
        guard peers.count < MDNSConfig.maxDiscoveredPeers else { return }
        peers[peer] = Discovered(addresses: found, expires: expires)
        events.append(.discovered(peer, found))
    }

    /// The peer of a TXT record and its addresses: every `dnsaddr*=<multiaddr>` string whose
    /// multiaddr ends in `/p2p/<id>`, the id being the first one seen; others are dropped.
    /// Nil when no string qualifies.
    static func peerAddresses(in strings: [String]) -> (PeerID, [Multiaddr])? {
        var peer: PeerID?
        var found: [Multiaddr] = []
        for string in strings {
            guard let equals = string.firstIndex(of: "="), string[..<equals].lowercased().hasPrefix("dnsaddr"),
                  let address = try? Multiaddr(String(string[string.index(after: equals)...])),
                  let id = address.peerID, !address.isRelayed else { continue }
            if peer == nil { peer = id }
            guard id == peer, !found.contains(address), found.count < MDNSConfig.maxAddressesPerPeer else { continue }
            found.append(address)
        }
        guard let peer else { return nil }
        return (peer, found)
    }
}
