/// Driving lookups: answers, failures, timeouts, and what a finished lookup does.
extension Kademlia {
    /// The reply to our request `id` arrived from its peer.
    public func handleResponse(_ id: RequestID, _ message: KadMessage, now: Instant) {
        guard let (queryID, peer) = requests.removeValue(forKey: id), var running = queries[queryID] else { return }
        guard running.query.answered(peer, closer: message.closerPeers) else { return }
        table.insert(peer, addrs: running.query.candidates.first { $0.peer.id == peer }?.peer.addrs ?? [], now: now)
        if nextRefresh == nil { nextRefresh = now + Self.refreshInterval }
        queries[queryID] = running
        if case .findProviders = running.kind {
            let hop = running.query.hop(of: peer)
            for provider in message.providerPeers { noteProvider(provider, query: queryID, hop: hop) }
        }
        advance(queryID, now: now)
    }

    /// Our request `id` failed (dial failure, stream reset, bad reply).
    public func requestFailed(_ id: RequestID, now: Instant) {
        guard let (queryID, peer) = requests.removeValue(forKey: id) else { return }
        table.remove(peer)
        guard queries[queryID] != nil else { return }
        queries[queryID]!.query.failed(peer)
        advance(queryID, now: now)
    }

    public func nextDeadline() -> Instant? {
        let queryDeadlines = queries.values.compactMap { $0.query.nextDeadline() }
        return (queryDeadlines + [nextRefresh].compactMap { $0 }).min()
    }

    public func handleTimeout(now: Instant) {
        for id in queries.keys.sorted() {
            guard var running = queries[id] else { continue }
            let timedOut = Set(running.query.handleTimeout(now: now))
            queries[id] = running
            for (requestID, request) in requests where request.query == id && timedOut.contains(request.peer) {
                requests[requestID] = nil
                table.remove(request.peer)
                commands.append(.cancel(requestID))
            }
            advance(id, now: now)
        }
        if let refresh = nextRefresh, refresh <= now {
            nextRefresh = now + Self.refreshInterval
            providers.expire(now: now)
            if table.count > 0 {
                findNode(localPeer.bytes, now: now)
                findNode((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }, now: now)
            }
        }
    }

    /// Records a provider once per query; stops the query at its limit.
    func noteProvider(_ provider: KadPeer, query id: QueryID, hop: Int) {
        guard var running = queries[id], provider.id != localPeer, running.found[provider.id] == nil else { return }
        guard case .findProviders(let limit) = running.kind, running.foundOrder.count < limit else { return }
        running.found[provider.id] = provider
        running.foundOrder.append(provider.id)
        if running.foundOrder.count == 1 { running.firstProviderHop = hop }
        if running.foundOrder.count >= limit { running.query.stop() }
        queries[id] = running
        commands.append(.providerFound(id, provider))
    }

    /// Sends the next requests of a query, or finishes it.
    func advance(_ id: QueryID, now: Instant) {
        guard var running = queries[id] else { return }
        let type: KadMessage.MessageType = if case .findProviders = running.kind { .getProviders } else { .findNode }
        for peer in running.query.nextRequests(now: now) {
            let requestID = nextRequestID
            nextRequestID += 1
            requests[requestID] = (id, peer.id)
            commands.append(.request(requestID, peer, KadMessage(type: type, key: running.key)))
        }
        queries[id] = running
        guard running.query.isFinished else { return }
        finish(id, running)
    }

    private func finish(_ id: QueryID, _ running: RunningQuery) {
        queries[id] = nil
        for (requestID, request) in requests where request.query == id {
            requests[requestID] = nil
            commands.append(.cancel(requestID))
        }
        let closest = running.query.closestAnswered
        var providedTo = 0
        if running.kind == .provide {
            let me = KadPeer(id: localPeer, addrs: localAddresses)
            let message = KadMessage(type: .addProvider, key: running.key, providerPeers: [me])
            for peer in closest {
                commands.append(.send(peer, message))
                providedTo += 1
            }
        }
        let result = QueryResult(kind: running.kind, key: running.key, closest: closest,
                                 providers: running.foundOrder.compactMap { running.found[$0] },
                                 providedTo: providedTo, hops: running.query.hops,
                                 firstProviderHop: running.firstProviderHop)
        commands.append(.finished(id, result))
    }
}
