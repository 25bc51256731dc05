/// Dialing one peer on several addresses, staggered (Happy Eyeballs, RFC 8305, as go-libp2p's dial ranker
/// does for TCP): a peer found through the DHT or peer exchange lists addresses of networks we are not on
/// (10.x, Docker bridges, IPv6 we cannot route), and one that swallows the SYN stalls a dial for the whole
/// handshake timeout. Dialed one after the other, each such address would cost 10 s.
///
///     dial(peer, [a1, a2, a3 …]) ──► a1 ──(dialStagger, or at once when a1 fails)──► a2 ──► …
///                                    at most maxParallelDialsPerPeer in flight
///     the first connection up    ──► `.connected` once; the attempts still in flight are closed quietly
///     every attempt failed       ──► `.peerDialFailed(peer, last error)` (each attempt's `.dialFailed` too)
///
/// Two attempts that both finish are one more duplicate connection, which the host already settles
/// (`connectionEstablished`).
extension Host {
    /// Addresses one peer dial tries at most (a DHT record may list thousands); later ones are dropped.
    public static let maxAddressesPerPeerDial = 16

    /// A peer dial in progress.
    struct PeerDial {
        /// Addresses not tried yet, in order, each ending in `/p2p/<peer>`.
        var remaining: [Multiaddr]
        /// Attempts started and not failed yet.
        var inFlight: Set<Multiaddr> = []
        /// Attempts that failed (not tried again in this peer dial).
        var tried: Set<Multiaddr> = []
        var lastError: HostError?
        var staggerTimer: TimerID?
    }

    /// Dials `peer` on `addresses` (TCP ones, in the order given; duplicates and ours dropped) until one
    /// connects. Nothing happens when the peer is connected or being dialed already; a peer dial already
    /// running for it takes the new addresses at its end. Reports `.connected`, or `.peerDialFailed`.
    public func dial(_ peer: PeerID, addresses: [Multiaddr]) {
        guard !isClosed, peer != peerID, connectionByPeer[peer] == nil else { return }
        var seen = Set<Multiaddr>()
        let targets = addresses.map { $0.withPeerID(peer) }.filter { seen.insert($0).inserted }
        if var running = peerDials[peer] {
            let known = Set(running.remaining).union(running.inFlight).union(running.tried)
            let room = Self.maxAddressesPerPeerDial - known.count
            running.remaining += targets.filter { !known.contains($0) }.prefix(max(0, room))
            peerDials[peer] = running
            armStagger(peer)
            return
        }
        guard !isConnectedOrDialing(peer) else { return }
        guard !targets.isEmpty else { emit(.peerDialFailed(peer, .noAddresses(peer))); return }
        peerDials[peer] = PeerDial(remaining: Array(targets.prefix(Self.maxAddressesPerPeerDial)))
        startNextAttempt(of: peer)
    }

    /// A single dial (`dial(_:)`) of a peer being dialed on other addresses joins that peer dial, so it is
    /// tried (or already is) and reported as its own `.dialFailed`; the next address starts at once. One that
    /// cannot join fails at once.
    func joinPeerDial(_ peer: PeerID, _ address: Multiaddr) {
        guard var running = peerDials[peer] else { return }
        let target = address.withPeerID(peer)
        if running.remaining.contains(target) || running.inFlight.contains(target) { return }
        if running.tried.contains(target) {
            return emit(.dialFailed(address, running.lastError ?? .connectionClosed(reason: "failed in this peer dial")))
        }
        guard running.remaining.count + running.inFlight.count + running.tried.count < Self.maxAddressesPerPeerDial else {
            return emit(.dialFailed(address, .tooManyAddresses(limit: Self.maxAddressesPerPeerDial)))
        }
        running.remaining.append(target)
        peerDials[peer] = running
        startNextAttempt(of: peer)   // news of the peer: the next address now, not after the stagger
    }

    /// Starts the next address, then arms the stagger timer for the one after.
    private func startNextAttempt(of peer: PeerID) {
        guard var dial = peerDials[peer] else { return }
        if let timer = dial.staggerTimer { reactor.cancel(timer) }
        dial.staggerTimer = nil
        guard !dial.remaining.isEmpty, dial.inFlight.count < config.maxParallelDialsPerPeer else {
            peerDials[peer] = dial
            return
        }
        let address = dial.remaining.removeFirst()
        dial.inFlight.insert(address)
        peerDials[peer] = dial
        armStagger(peer)
        log.debug("dialing \(peer) at \(address)")
        startDial(address, forPeerDial: true)   // may fail at once, re-entering peerDialAttemptFailed
    }

    /// The next attempt `dialStagger` from now, when there is one and no timer is set.
    private func armStagger(_ peer: PeerID) {
        guard let dial = peerDials[peer], dial.staggerTimer == nil, !dial.remaining.isEmpty else { return }
        peerDials[peer]?.staggerTimer = reactor.schedule(after: config.dialStagger) { [weak self] in
            self?.peerDials[peer]?.staggerTimer = nil
            self?.startNextAttempt(of: peer)
        }
    }

    /// One attempt failed: the next address starts at once; after the last, the peer dial fails.
    func peerDialAttemptFailed(_ address: Multiaddr, _ reason: HostError) {
        guard let peer = address.peerID, var dial = peerDials[peer], dial.inFlight.remove(address) != nil else { return }
        dial.tried.insert(address)
        dial.lastError = reason
        peerDials[peer] = dial
        if !dial.remaining.isEmpty {
            startNextAttempt(of: peer)
        } else if dial.inFlight.isEmpty {
            if let timer = dial.staggerTimer { reactor.cancel(timer) }
            peerDials[peer] = nil
            emit(.peerDialFailed(peer, reason))
        }
    }

    /// The peer is connected (or the host closes): the stagger stops and attempts still in flight close
    /// without a `dialFailed` (nothing failed).
    func finishPeerDial(_ peer: PeerID) {
        guard let dial = peerDials.removeValue(forKey: peer) else { return }
        if let timer = dial.staggerTimer { reactor.cancel(timer) }
        for connection in Array(connections.values) where connection.isPeerDialAttempt && !connection.isEstablished
            && connection.expectedPeer == peer {
            connection.close(reason: nil, graceful: false)
        }
        for (id, lookup) in lookups where lookup.forPeerDial && lookup.address.peerID == peer { lookups[id] = nil }
    }
}
