import Testing
@testable import Network

/// The redial schedule on its own: which rounds are due when, backoff growth and cap, jitter bounds,
/// forgetting unreachable peers, and never two rounds in flight for one peer.
@Suite struct RedialerTests {
    let peer = PubSubFixture.peer("redial-peer")
    let a1 = try! Multiaddr("/ip4/10.0.0.1/tcp/4001")
    let a2 = try! Multiaddr("/ip4/10.0.0.2/tcp/4001")
    let t0 = Instant(nanoseconds: 1_000_000_000_000)

    /// A schedule whose jitter factor is exactly 1 (random() = 0.5).
    func schedule(_ configure: (inout Redialer.Policy) -> Void = { _ in }) -> Redialer {
        var policy = Redialer.Policy()
        configure(&policy)
        return Redialer(policy: policy, random: { 0.5 })
    }

    /// The addresses of the round a poll at `now` hands out for `peer`, if any.
    func round(_ r: inout Redialer, at now: Instant) -> [Multiaddr]? {
        r.poll(now: now).first { $0.peer == peer }?.addresses
    }

    @Test func aNewPeerIsDialedAtOnceOnAllItsAddresses() {
        var r = schedule()
        r.keep(peer, addresses: [a1, a2], now: t0)
        #expect(r.nextDeadline() == t0)
        #expect(round(&r, at: t0) == [a1.withPeerID(peer), a2.withPeerID(peer)])
        #expect(r.isDialing(peer))
        #expect(r.poll(now: t0).isEmpty, "one round in flight per peer")
        #expect(r.nextDeadline() == t0 + r.policy.staleRound, "only the stale-round safety net")
        r.dialFailed(peer, now: t0)
        #expect(r.poll(now: t0).isEmpty, "the next round waits its backoff")
        #expect(r.nextDeadline() == t0 + .seconds(1))
    }

    /// A round whose outcome never comes (an event lost somewhere) fails after `staleRound`, so the peer is
    /// dialed again instead of waiting for the rest of the run.
    @Test func aRoundWithNoOutcomeGoesStale() {
        var r = schedule()
        r.keep(peer, addresses: [a1], now: t0)
        _ = r.poll(now: t0)
        #expect(r.nextDeadline() == t0 + .seconds(60))
        #expect(r.poll(now: t0 + .seconds(59)).isEmpty && r.isDialing(peer))
        #expect(r.poll(now: t0 + .seconds(60)).isEmpty, "stale: a failed round, the next after its backoff")
        #expect(!r.isDialing(peer) && r.failedRounds(peer) == 1)
        #expect(r.nextDeadline() == t0 + .seconds(61))
        #expect(round(&r, at: t0 + .seconds(61)) == [a1.withPeerID(peer)])
        r.connected(peer, now: t0 + .seconds(62))
        #expect(r.nextDeadline() == nil, "a connected peer has no stale round pending")
    }

    @Test func aFailureWithNoRoundInFlightChangesNothing() {
        var r = schedule()
        r.keep(peer, addresses: [a1], now: t0)
        _ = r.poll(now: t0)
        r.dialFailed(peer, now: t0)
        let due = r.nextDeadline()
        r.dialFailed(peer, now: t0)   // say, mDNS's own dial to the peer failing during our backoff
        #expect(r.failedRounds(peer) == 1 && r.nextDeadline() == due)
    }

    @Test func failedRoundsBackOffExponentiallyUpToTheCap() {
        var r = schedule()
        r.keep(peer, addresses: [a1], now: t0)
        var now = t0
        var delays: [Duration] = []
        for _ in 0..<12 {
            #expect(r.poll(now: now).count == 1)
            r.dialFailed(peer, now: now)
            guard let next = r.nextDeadline() else { break }
            delays.append(next - now)
            #expect(r.poll(now: now + .milliseconds(1)).isEmpty || next - now <= .milliseconds(1))
            now = next
        }
        // A peer never reached is dropped after `maxUnreachedRounds` rounds.
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16)])
        #expect(!r.isKept(peer))
    }

    @Test func aPeerOnceConnectedIsKeptAndItsBackoffCapped() {
        var r = schedule()
        r.keep(peer, addresses: [a1], now: t0)
        _ = r.poll(now: t0)
        r.connected(peer, now: t0)
        #expect(r.nextDeadline() == nil, "nothing to do while connected")
        r.disconnected(peer, now: t0)
        #expect(r.nextDeadline() == t0 + .seconds(1))
        var now = t0 + .seconds(1)
        var last: Duration = .zero
        for _ in 0..<20 {
            #expect(r.poll(now: now).count == 1)
            r.dialFailed(peer, now: now)
            let next = r.nextDeadline()!
            last = next - now
            now = next
        }
        #expect(r.isKept(peer))
        #expect(last == .seconds(300))
        // Reconnecting resets the backoff.
        _ = r.poll(now: now)
        r.connected(peer, now: now)
        r.disconnected(peer, now: now)
        #expect(r.nextDeadline() == now + .seconds(1))
    }

    @Test(arguments: [0.0, 0.999_999])
    func jitterStaysWithinItsBounds(random: Double) {
        var r = Redialer(policy: Redialer.Policy(), random: { random })
        let delay = r.backoff(rounds: 3)   // 8 s nominal
        #expect(delay >= .milliseconds(6_400) && delay <= .milliseconds(9_600))
        r.keep(peer, addresses: [a1], now: t0)
        #expect(r.poll(now: t0).count == 1)
    }

    @Test func addressesMergeNewestFirstAndAreCapped() {
        var r = schedule { $0.maxAddresses = 2 }
        let a3 = try! Multiaddr("/ip4/10.0.0.3/tcp/4001")
        r.keep(peer, addresses: [a1], now: t0)
        r.keep(peer, addresses: [a2, a3], now: t0)
        #expect(round(&r, at: t0) == [a2.withPeerID(peer), a3.withPeerID(peer)], "a1 fell off the capped list")
    }

    @Test func thePeerTableIsBoundedAndDropsTheLeastRecentlyConnected() {
        var r = schedule { $0.maxPeers = 3 }
        let peers = (0..<4).map { PubSubFixture.peer("bounded-\($0)") }
        for (i, p) in peers.prefix(3).enumerated() {
            r.keep(p, addresses: [a1], now: t0)
            _ = r.poll(now: t0)
            r.connected(p, now: t0 + .seconds(Int64(i)))
            r.disconnected(p, now: t0 + .seconds(10))
        }
        r.keep(peers[3], addresses: [a1], now: t0 + .seconds(11))
        #expect(r.peers.count == 3)
        #expect(!r.isKept(peers[0]), "the peer connected longest ago goes")
    }

    @Test func forgetStopsDialing() {
        var r = schedule()
        r.keep(peer, addresses: [a1], now: t0)
        r.forget(peer)
        #expect(r.poll(now: t0).isEmpty)
        #expect(r.nextDeadline() == nil)
    }
}

extension HostTests {
    /// `PeerKeeper` on real hosts: a dropped connection is redialed by itself, and a kept peer that is
    /// offline is retried with backoff until it comes back.
    @Suite struct Keeper {
        @Test func aDroppedConnectionIsRedialedAfterTheBackoff() throws {
            let clock = ManualClock()
            let h = HostHarness(clock: clock)
            defer { h.shutdown() }
            let a = try h.makeHost()
            let b = try h.makeHost()
            var policy = Redialer.Policy()
            policy.jitter = 0
            let keeper = PeerKeeper(host: a.host, policy: policy)
            keeper.keep(b.peerID, addresses: [b.address])
            try h.run("kept peer dialed") { a.isConnected(to: b) && b.isConnected(to: a) }

            b.host.disconnect(a.peerID)
            try h.run("drop seen") { !a.isConnected(to: b) }
            #expect(keeper.waiting == [b.peerID])
            try h.settle()
            #expect(!a.isConnected(to: b), "no redial before the backoff")
            clock.advance(by: .seconds(1))
            try h.run("redialed after 1 s") { a.isConnected(to: b) && b.isConnected(to: a) }
            #expect(a.connected.filter { $0.peer == b.peerID }.count == 2)
        }

        /// A stored address that swallows the connection (the friend's laptop moved to another network) does
        /// not hold up the next one: a round dials them all, 250 ms apart.
        @Test func aStaleAddressDoesNotHoldUpTheRound() throws {
            let clock = ManualClock()
            let h = HostHarness(clock: clock)
            defer { h.shutdown() }
            let a = try h.makeHost(), b = try h.makeHost()
            let pit = try TCPListener.bind(.loopbackIPv4(port: 0))   // accepts TCP, never answers
            defer { pit.close() }
            let keeper = PeerKeeper(host: a.host)
            keeper.keep(b.peerID, addresses: [Multiaddr(tcp: pit.localAddress), b.address])
            try h.settle()
            #expect(!a.isConnected(to: b) && a.host.pendingCount == 1, "the stale address first")
            clock.advance(by: a.host.config.dialStagger)
            try h.run("connected on the second address") { a.isConnected(to: b) }
            #expect(a.host.pendingCount == 0 && a.dialFailures.isEmpty)
            #expect(keeper.waiting.isEmpty && keeper.schedule.failedRounds(b.peerID) == 0)
        }

        @Test func anOfflinePeerIsRetriedUntilItListensAgain() throws {
            let clock = ManualClock()
            let h = HostHarness(clock: clock)
            defer { h.shutdown() }
            let a = try h.makeHost()
            // A listener that refuses (closed port): every dial fails fast.
            let gone = try TCPListener.bind(.loopbackIPv4(port: 0))
            let port = gone.localAddress
            gone.close()
            let b = try h.makeHost(listening: false)
            var policy = Redialer.Policy()
            policy.jitter = 0
            let keeper = PeerKeeper(host: a.host, policy: policy)
            keeper.keep(b.peerID, addresses: [Multiaddr(tcp: port)])
            try h.run("first dial fails") { a.dialFailures.count == 1 }
            #expect(keeper.schedule.failedRounds(b.peerID) == 1)
            clock.advance(by: .seconds(1))
            try h.run("second dial fails") { a.dialFailures.count == 2 }
            #expect(keeper.schedule.failedRounds(b.peerID) == 2)
            // b comes back on that port: the next round connects.
            try b.host.listen(Multiaddr(tcp: port))
            clock.advance(by: .seconds(2))
            try h.run("reconnected") { a.isConnected(to: b) }
            #expect(keeper.waiting.isEmpty)
        }
    }
}
