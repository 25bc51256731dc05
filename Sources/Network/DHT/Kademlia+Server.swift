/// The server side: answers to peers' requests (only in server mode does the host route kad streams here).
extension Kademlia {
    /// Answers one request from `peer`. nil means "no reply" (ADD_PROVIDER). Throws for requests that must
    /// end the stream (rate limit, bad record, a response type sent as a request).
    public func handleRequest(_ request: KadMessage, from peer: PeerID, now: Instant) throws -> KadMessage? {
        switch request.type {
        case .findNode:
            return KadMessage(type: .findNode, key: request.key, closerPeers: closerPeers(to: request.key, excluding: peer))
        case .getProviders:
            let found = providers.providers(of: request.key, now: now).map { KadPeer(id: $0.peer, addrs: $0.addrs) }
            return KadMessage(type: .getProviders, key: request.key,
                              closerPeers: closerPeers(to: request.key, excluding: peer), providerPeers: found)
        case .addProvider:
            try addProviders(request, from: peer, now: now)
            return nil
        case .getValue:
            return KadMessage(type: .getValue, key: request.key, record: values.get(request.key, now: now),
                              closerPeers: closerPeers(to: request.key, excluding: peer))
        case .putValue:
            guard let record = request.record, record.key == request.key else {
                throw KadError.badRecord("PUT_VALUE without a record for its key")
            }
            try values.put(record, now: now)
            return request
        case .ping:
            return KadMessage(type: .ping)
        }
    }

    /// Keeps only the sender's own record, and only with addresses (as go and py do).
    private func addProviders(_ request: KadMessage, from peer: PeerID, now: Instant) throws {
        guard providers.allowAdd(from: peer, now: now) else { throw KadError.rateLimited(peer) }
        for provider in request.providerPeers where provider.id == peer && !provider.addrs.isEmpty {
            providers.add(key: request.key, peer: peer, addrs: provider.addrs, now: now)
        }
    }

    private func closerPeers(to key: [UInt8], excluding peer: PeerID) -> [KadPeer] {
        table.closest(to: KadKey(hashing: key), count: table.k, excluding: peer).map { KadPeer(id: $0.peer, addrs: $0.addrs) }
    }
}
