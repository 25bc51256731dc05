import Foundation
import Testing
@testable import Network

/// GossipSub router behaviour against injected fake peers: the test plays the peers, feeding RPCs to one engine
/// and asserting the control messages that come out.
@Suite struct GossipSubRouterTests {
    typealias F = PubSubFixture
    static let v11 = GossipSubRouter.protocolV11

    func router(_ ps: PubSub) -> GossipSubRouter { ps.router as! GossipSubRouter }
    func grafts(_ rpcs: [RPC]) -> [String] { rpcs.flatMap { $0.control.graft.map(\.topicID) } }
    func prunes(_ rpcs: [RPC]) -> [ControlPrune] { rpcs.flatMap(\.control.prune) }

    /// Fires heartbeats for `duration`, collecting the output.
    func heartbeats(_ ps: PubSub, from start: Instant, for duration: Duration) -> (Instant, [PubSubCommand]) {
        var now = start
        var out: [PubSubCommand] = []
        while now < start + duration {
            now = max(now + .milliseconds(100), ps.nextDeadline() ?? now)
            ps.handleTimeout(now: now)
            out += F.drain(ps)
        }
        return (now, out)
    }

    @Test func subscribedPeersAreGraftedAtOnceUpToD() {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        let peers = F.names("p", 10)
        var grafted: [PeerID] = []
        for p in peers {
            ps.addPeer(p, protocol: Self.v11, now: F.t0)
            ps.receive(F.frame(F.subscribeRPC([F.topic])), from: p, now: F.t0)
            if !grafts(F.sent(to: p, F.drain(ps))).isEmpty { grafted.append(p) }
        }
        #expect(grafted == Array(peers.prefix(6)))
        #expect(ps.mesh(F.topic).count == 6)
    }

    @Test func joinGraftsUpToDAndLeavePrunesWithUnsubscribeBackoff() {
        let ps = F.engine()
        let peers = F.names("p", 10)
        F.connected(ps, peers: peers, subscribeLocal: false)
        ps.subscribe(F.topic, now: F.t0)
        let out = F.drain(ps)
        let grafted = peers.filter { !grafts(F.sent(to: $0, out)).isEmpty }
        #expect(grafted.count == 6)
        #expect(Set(ps.mesh(F.topic)) == Set(grafted))

        ps.unsubscribe(F.topic, now: F.t0)
        let leave = F.sent(F.drain(ps))
        let pruned = leave.filter { !$0.rpc.control.prune.isEmpty }
        #expect(Set(pruned.map(\.peer)) == Set(grafted))
        #expect(pruned.allSatisfy { $0.rpc.control.prune[0].backoff == 10 })
        // Each PRUNE offers the topic's other peers (PX), never the recipient itself.
        for sent in pruned {
            let offered = Set(sent.rpc.control.prune[0].peers.map { [UInt8]($0.peerID) })
            #expect(offered == Set(peers.filter { $0 != sent.peer }.map(\.bytes)))
        }
        #expect(leave.allSatisfy { $0.rpc.subscriptions.first?.subscribe == false })

        // Rejoining within the backoff (+ slack) leaves those peers alone.
        ps.subscribe(F.topic, now: F.t0 + .seconds(5))
        #expect(Set(ps.mesh(F.topic)).isDisjoint(with: grafted))
        ps.unsubscribe(F.topic, now: F.t0 + .seconds(5))
        ps.subscribe(F.topic, now: F.t0 + .seconds(13))
        #expect(ps.mesh(F.topic).count == 6)
    }

    @Test func pruneIsHonouredAndGraftDuringBackoffIsPenalised() {
        let ps = F.engine()
        let peers = F.names("p", 3)
        F.connected(ps, peers: peers)
        let p = peers[0]
        #expect(ps.mesh(F.topic).contains(p))
        ps.receive(F.frame(F.controlRPC { $0.prune = [.with { $0.topicID = F.topic; $0.backoff = 30 }] }), from: p, now: F.t0)
        #expect(!ps.mesh(F.topic).contains(p))

        // Ours: heartbeats within the peer's 30 s (+ slack) never GRAFT it, though the mesh is below D_lo.
        var (now, out) = heartbeats(ps, from: F.t0, for: .seconds(31))
        #expect(grafts(F.sent(to: p, out)).isEmpty)
        (now, out) = heartbeats(ps, from: now, for: .seconds(2))
        #expect(grafts(F.sent(to: p, out)) == [F.topic])

        // Theirs: a peer we pruned that GRAFTs back during our backoff gets PRUNE and a penalty.
        let q = peers[1]
        ps.unsubscribe(F.topic, now: now)
        ps.subscribe(F.topic, now: now)   // q is in unsubscribe backoff now
        _ = F.drain(ps)
        ps.receive(F.frame(F.controlRPC { $0.graft = [.with { $0.topicID = F.topic }] }), from: q, now: now)
        let reply = prunes(F.sent(to: q, F.drain(ps)))
        #expect(reply.map(\.topicID) == [F.topic])
        #expect(reply.first?.backoff == 60)
        #expect(ps.counters.graftsDuringBackoff == 1)
        #expect(ps.score(q) < 0)
        #expect(!ps.mesh(F.topic).contains(q))
    }

    @Test func aGraftSlightlyBeforeOurBackoffEndsIsTolerated() {
        let ps = F.engine()
        let peers = F.names("p", 3)
        F.connected(ps, peers: peers)
        let q = peers[1]
        ps.unsubscribe(F.topic, now: F.t0)
        ps.subscribe(F.topic, now: F.t0)   // q is in our 10 s unsubscribe backoff
        _ = F.drain(ps)
        // py keeps backoffs in whole seconds and re-GRAFTs up to ~1 s early: accepted, no penalty.
        let early = F.t0 + .seconds(9)
        ps.receive(F.frame(F.controlRPC { $0.graft = [.with { $0.topicID = F.topic }] }), from: q, now: early)
        #expect(ps.mesh(F.topic).contains(q))
        #expect(ps.counters.graftsDuringBackoff == 0)
        #expect(ps.score(q) == 0)
    }

    @Test func graftsAreAcceptedUpToDHiThenPrunedWithPX() {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        // Peers that subscribe but aren't grafted by us (mesh fills at D), then all GRAFT us.
        let peers = F.names("p", 16)
        F.connected(ps, peers: peers, subscribeLocal: false)
        for p in peers {
            ps.receive(F.frame(F.controlRPC { $0.graft = [.with { $0.topicID = F.topic }] }), from: p, now: F.t0)
        }
        #expect(ps.mesh(F.topic).count == 12)
        let pruned = F.sent(F.drain(ps)).filter { !$0.rpc.control.prune.isEmpty }
        #expect(pruned.count == 4)
        #expect(pruned.allSatisfy { !$0.rpc.control.prune[0].peers.isEmpty })
        // A GRAFT for a topic we didn't join is ignored.
        ps.receive(F.frame(F.controlRPC { $0.graft = [.with { $0.topicID = "nope" }] }), from: peers[0], now: F.t0)
        #expect(F.drain(ps).isEmpty)
        // D_hi itself is within bounds; above it the heartbeat trims the mesh back to D, pruning with PX.
        var (now, out) = heartbeats(ps, from: F.t0, for: .milliseconds(200))
        #expect(ps.mesh(F.topic).count == 12)
        router(ps).meshes[F.topic] = Set(peers)
        (now, out) = heartbeats(ps, from: now, for: .seconds(1))
        #expect(ps.mesh(F.topic).count == 6)
        let trimmed = prunes(F.sent(out).map(\.rpc))
        #expect(trimmed.count == 10)
        #expect(trimmed.allSatisfy { $0.backoff == 60 && !$0.peers.isEmpty })
    }

    /// Our PX lists carry the signed records the offered peers gave us (identify), so the pruned peer can dial them.
    @Test func pxOffersCarryThePeersSignedRecords() throws {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        let names = (0..<13).map { "p\($0)" }
        let peers = names.map(F.peer)
        F.connected(ps, peers: peers, subscribeLocal: false)
        let address = try Multiaddr("/ip4/192.0.2.1/tcp/4001")
        let records = Dictionary(uniqueKeysWithValues: names.map { name in
            (F.peer(name), SignedPeerRecord(addresses: [address], seq: 1, key: F.key(name)).envelope)
        })
        ps.peerRecords = { records[$0] }
        for p in peers {
            ps.receive(F.frame(F.controlRPC { $0.graft = [.with { $0.topicID = F.topic }] }), from: p, now: F.t0)
        }
        let offers = F.sent(F.drain(ps)).flatMap { $0.rpc.control.prune.flatMap(\.peers) }
        #expect(!offers.isEmpty)
        for offer in offers {
            let record = try SignedPeerRecord(verifying: [UInt8](offer.signedPeerRecord))
            #expect(record.peer.bytes == [UInt8](offer.peerID))
        }
    }

    @Test func meshRefillsAfterChurnAndPeerRemoval() {
        let ps = F.engine()
        let peers = F.names("p", 12)
        F.connected(ps, peers: peers)
        for p in ps.mesh(F.topic).prefix(3) { ps.removePeer(p, now: F.t0) }
        #expect(ps.mesh(F.topic).count == 3)
        _ = heartbeats(ps, from: F.t0, for: .milliseconds(200))
        #expect(ps.mesh(F.topic).count == 6)
        // A peer unsubscribing leaves the mesh too.
        let leaving = ps.mesh(F.topic)[0]
        ps.receive(F.frame(F.subscribeRPC([F.topic], subscribe: false)), from: leaving, now: F.t0)
        #expect(!ps.mesh(F.topic).contains(leaving))
    }

    @Test func ihaveIWantRoundTrip() throws {
        let ps = F.engine()
        let peers = F.names("p", 10)
        F.connected(ps, peers: peers)
        let gossiper = peers[9]
        let m = F.signed("alice", "pull me", seqno: 1)
        let id = F.messageID(m)
        let ihave = F.frame(F.controlRPC { $0.ihave = [.with { $0.topicID = F.topic; $0.messageIds = [Data(id.bytes)] }] })
        ps.receive(ihave, from: gossiper, now: F.t0)
        let iwant = F.sent(to: gossiper, F.drain(ps)).flatMap(\.control.iwant).flatMap(\.messageIds)
        #expect(iwant == [Data(id.bytes)])
        ps.receive(F.frame(F.publishRPC([m])), from: gossiper, now: F.t0)
        #expect(F.delivered(F.drain(ps)).count == 1)
        ps.receive(ihave, from: gossiper, now: F.t0)     // seen now: nothing to ask
        #expect(F.sent(to: gossiper, F.drain(ps)).flatMap(\.control.iwant).isEmpty)

        // Heartbeat gossip: non-mesh peers (other than the source) get IHAVE for it.
        let (_, out) = heartbeats(ps, from: F.t0, for: .milliseconds(200))
        let advertised = F.sent(out).filter { !$0.rpc.control.ihave.isEmpty }
        #expect(!advertised.isEmpty)
        #expect(advertised.allSatisfy { !ps.mesh(F.topic).contains($0.peer) })
        #expect(advertised.allSatisfy { $0.rpc.control.ihave[0].messageIds == [Data(id.bytes)] })

        // IWANT is answered from the mcache, at most GossipRetransmission (3) times per peer.
        let asker = peers[0]
        let ask = F.frame(F.controlRPC { $0.iwant = [.with { $0.messageIds = [Data(id.bytes)] }] })
        var answers = 0
        for _ in 0..<5 {
            ps.receive(ask, from: asker, now: F.t0)
            answers += F.sent(to: asker, F.drain(ps)).flatMap(\.publish).count
        }
        #expect(answers == 3)
        #expect(ps.counters.iwantsIgnored == 2)
    }

    @Test func ihaveFloodIsCapped() {
        let ps = F.engine()
        let peers = F.names("p", 2)
        F.connected(ps, peers: peers)
        let flooder = peers[1]
        var asked = 0
        var iwantRPCs = 0
        for batch in 0..<20 {
            let ids = (0..<1000).map { i in Data(F.peer("x").bytes + StrictSign.seqnoBytes(UInt64(batch * 1000 + i))) }
            ps.receive(F.frame(F.controlRPC { $0.ihave = [.with { $0.topicID = F.topic; $0.messageIds = ids }] }),
                       from: flooder, now: F.t0)
            let iwants = F.sent(to: flooder, F.drain(ps)).flatMap(\.control.iwant)
            iwantRPCs += iwants.count
            asked += iwants.flatMap(\.messageIds).count
        }
        #expect(asked == 5000)                 // MaxIHaveLength per heartbeat
        #expect(iwantRPCs == 5)
        #expect(ps.counters.ihavesIgnored == 15)
        // One IHAVE with 10,000 IDs is cut to 5000; a new heartbeat resets the budget.
        let (now, _) = heartbeats(ps, from: F.t0, for: .milliseconds(200))
        let ids = (0..<10_000).map { i in Data(F.peer("y").bytes + StrictSign.seqnoBytes(UInt64(i))) }
        ps.receive(F.frame(F.controlRPC { $0.ihave = [.with { $0.topicID = F.topic; $0.messageIds = ids }] }),
                   from: flooder, now: now)
        #expect(F.sent(to: flooder, F.drain(ps)).flatMap(\.control.iwant).flatMap(\.messageIds).count == 5000)
    }

    @Test func fanoutIsUsedForUnjoinedTopicsAndExpires() throws {
        let ps = F.engine(config: F.gossipConfig { $0.floodPublish = false })
        let peers = F.names("p", 10)
        F.connected(ps, peers: peers, subscribeLocal: false)
        try ps.publish(topic: F.topic, data: Array("out".utf8), now: F.t0)
        let receivers = F.sent(F.drain(ps)).filter { !$0.rpc.publish.isEmpty }.map(\.peer)
        #expect(receivers.count == 6)
        #expect(Set(router(ps).fanout[F.topic] ?? []) == Set(receivers))
        #expect(F.delivered(F.drain(ps)).isEmpty)     // not subscribed: not delivered locally

        var (now, _) = heartbeats(ps, from: F.t0, for: .seconds(59))
        #expect(router(ps).fanout[F.topic]?.count == 6)
        (now, _) = heartbeats(ps, from: now, for: .seconds(3))
        #expect(router(ps).fanout[F.topic] == nil)

        // Joining after publishing reuses the fanout peers as the mesh.
        try ps.publish(topic: F.topic, data: Array("again".utf8), now: now)
        let fanoutPeers = router(ps).fanout[F.topic]!
        ps.subscribe(F.topic, now: now)
        #expect(Set(ps.mesh(F.topic)) == fanoutPeers)
        #expect(router(ps).fanout[F.topic] == nil)
    }

    @Test func floodPublishReachesEveryTopicPeerAndFloodSubPeersGetEverything() throws {
        let ps = F.engine()
        let gossipPeers = F.names("g", 10)
        let floodPeer = F.peer("flood")
        F.connected(ps, peers: gossipPeers)
        F.connected(ps, peers: [floodPeer], protocolID: FloodSubRouter.protocolID, subscribeLocal: false)
        #expect(!ps.mesh(F.topic).contains(floodPeer))
        try ps.publish(topic: F.topic, data: Array("all".utf8), now: F.t0)
        let receivers = Set(F.sent(F.drain(ps)).filter { !$0.rpc.publish.isEmpty }.map(\.peer))
        #expect(receivers == Set(gossipPeers + [floodPeer]))
        // A forwarded message goes to the mesh and the floodsub peer, not to the other non-mesh gossip peers.
        let source = gossipPeers[9]
        ps.receive(F.frame(F.publishRPC([F.signed("alice", "fwd", seqno: 1)])), from: source, now: F.t0)
        let forwardedTo = Set(F.sent(F.drain(ps)).filter { !$0.rpc.publish.isEmpty }.map(\.peer))
        #expect(forwardedTo == Set(ps.mesh(F.topic)).union([floodPeer]).subtracting([source]))
    }

    @Test func floodPublishSkipsPeersBelowThePublishThresholdAndThoseWithoutAStream() throws {
        let ps = F.engine()
        let peers = F.names("p", 4)
        F.connected(ps, peers: peers)
        let streamless = F.peer("no-stream")   // subscribed, but our outbound stream is not up
        ps.receive(F.frame(F.subscribeRPC([F.topic])), from: streamless, now: F.t0)
        for seq in 1...8 {   // eight invalid messages: −64, under the publish threshold (−50)
            var m = F.signed("alice", "x", seqno: UInt64(seq)); m.signature = Data(repeating: 0, count: 64)
            ps.receive(F.frame(F.publishRPC([m])), from: peers[0], now: F.t0)
        }
        #expect(ps.score(peers[0]) < GossipSubParams().score.publishThreshold)
        _ = F.drain(ps)
        try ps.publish(topic: F.topic, data: Array("mine".utf8), now: F.t0)
        let receivers = F.sent(F.drain(ps)).filter { !$0.rpc.publish.isEmpty }.map(\.peer)
        #expect(receivers.count == 3 && Set(receivers) == Set(peers.dropFirst()))
    }

    @Test func aForwardSkipsTheSourceAndTheAuthorInTheMesh() {
        let ps = F.engine()
        let author = F.peer("alice")
        let others = F.names("p", 4)
        F.connected(ps, peers: others + [author])
        #expect(Set(ps.mesh(F.topic)) == Set(others + [author]))
        ps.receive(F.frame(F.publishRPC([F.signed("alice", "relayed", seqno: 1)])), from: others[0], now: F.t0)
        let forwardedTo = F.sent(F.drain(ps)).filter { !$0.rpc.publish.isEmpty }.map(\.peer)
        #expect(forwardedTo.count == 3 && Set(forwardedTo) == Set(others.dropFirst()))
    }

    @Test func idontwantSuppressesForwarding() {
        let ps = F.engine()
        let peers = F.names("p", 3)
        F.connected(ps, peers: peers, protocolID: GossipSubRouter.protocolV12)
        let m = F.signed("alice", String(repeating: "x", count: 2000), seqno: 1)
        let id = F.messageID(m)
        ps.receive(F.frame(F.controlRPC { $0.idontwant = [.with { $0.messageIds = [Data(id.bytes)] }] }),
                   from: peers[1], now: F.t0)
        ps.receive(F.frame(F.publishRPC([m])), from: peers[0], now: F.t0)
        let out = F.sent(F.drain(ps))
        #expect(out.filter { !$0.rpc.publish.isEmpty }.map(\.peer) == [peers[2]])
        // A large message makes us send IDONTWANT to the other v1.2 mesh peers.
        #expect(Set(out.filter { !$0.rpc.control.idontwant.isEmpty }.map(\.peer)) == [peers[1], peers[2]])
    }

    @Test func pxIsAcceptedOnlyFromWellScoredMeshPeers() {
        let ps = F.engine()
        let peers = F.names("p", 2)
        F.connected(ps, peers: peers)
        let offered = F.names("px", 3)
        let record: [UInt8] = [1, 2, 3]   // passed along as it came; the host verifies it before dialing
        let prune = F.frame(F.controlRPC {
            $0.prune = [.with {
                $0.topicID = F.topic; $0.backoff = 60
                $0.peers = offered.enumerated().map { i, p in .with { $0.peerID = Data(p.bytes); if i == 0 { $0.signedPeerRecord = Data(record) } } }
            }]
        })
        ps.receive(prune, from: peers[0], now: F.t0)
        let connects = F.drain(ps).compactMap { if case .connect(let p, let r) = $0 { (p, r) } else { nil } }
        #expect(connects.map(\.0) == offered)
        #expect(connects.map(\.1) == [record, nil, nil])
        ps.penalize(peers[1])
        ps.receive(prune, from: peers[1], now: F.t0)
        #expect(F.drain(ps).allSatisfy { if case .connect = $0 { false } else { true } })
        // A PRUNE for a link that no longer exists (or never did) offers nothing we act on.
        ps.receive(prune, from: peers[0], now: F.t0)
        #expect(F.drain(ps).allSatisfy { if case .connect = $0 { false } else { true } }, "peers[0] was pruned already")
        let stranger = F.peer("stranger")
        F.connected(ps, peers: [stranger], subscribeLocal: false)
        router(ps).meshes[F.topic]?.remove(stranger)
        ps.receive(prune, from: stranger, now: F.t0)
        #expect(F.drain(ps).allSatisfy { if case .connect = $0 { false } else { true } }, "not a mesh peer")
    }

    /// A peer that leaves sends its unsubscription and its PRUNE in one RPC; the unsubscription ends the mesh link
    /// first, and the PRUNE's PX still counts (it ends a real link at this instant), but not a moment later.
    @Test func pxInTheLeavingPeersOwnRPCCounts() {
        let ps = F.engine()
        let peers = F.names("p", 2)
        F.connected(ps, peers: peers)
        let offered = F.names("px", 2)
        var leaving = F.subscribeRPC([F.topic], subscribe: false)
        leaving.control = .with {
            $0.prune = [.with { $0.topicID = F.topic; $0.backoff = 10; $0.peers = offered.map { p in .with { $0.peerID = Data(p.bytes) } } }]
        }
        ps.receive(F.frame(leaving), from: peers[0], now: F.t0)
        #expect(F.drain(ps).compactMap { if case .connect(let p, _) = $0 { p } else { nil } } == offered)
        var late = F.subscribeRPC([F.topic], subscribe: false)
        late.control = leaving.control
        ps.receive(F.frame(F.subscribeRPC([F.topic])), from: peers[1], now: F.t0)
        ps.receive(F.frame(late), from: peers[1], now: F.t0 + .seconds(1))
        #expect(F.drain(ps).compactMap { if case .connect(let p, _) = $0 { p } else { nil } } == offered,
                "peers[1] was still in the mesh")
        ps.receive(F.frame(leaving), from: peers[0], now: F.t0 + .seconds(2))
        #expect(F.drain(ps).allSatisfy { if case .connect = $0 { false } else { true } }, "that link ended long ago")
    }

    @Test func negativeScorePeersArePrunedAndCantGraft() {
        let ps = F.engine()
        let peers = F.names("p", 8)
        F.connected(ps, peers: peers)
        let bad = ps.mesh(F.topic)[0]
        // Three invalid messages are forgiven (−9 stays meshed); the fourth (−16) crosses the mesh threshold.
        for seq in 1...4 {
            var m = F.signed("alice", "x", seqno: UInt64(seq)); m.signature = Data(repeating: 0, count: 64)
            ps.receive(F.frame(F.publishRPC([m])), from: bad, now: F.t0)
            if seq == 3 { #expect(ps.score(bad) == -9) }
        }
        #expect(ps.score(bad) == -16)
        let (now, out) = heartbeats(ps, from: F.t0, for: .milliseconds(200))
        #expect(!ps.mesh(F.topic).contains(bad))
        #expect(prunes(F.sent(to: bad, out)).count == 1)
        ps.receive(F.frame(F.controlRPC { $0.graft = [.with { $0.topicID = F.topic }] }), from: bad, now: now)
        #expect(!ps.mesh(F.topic).contains(bad))
    }

    @Test func tenThousandTopicSubscriptionIsCapped() {
        let ps = F.engine()
        let spammer = F.peer("spam")
        ps.receive(F.frame(F.subscribeRPC((0..<10_000).map { "topic-\($0)" })), from: spammer, now: F.t0)
        #expect(ps.topics(of: spammer).count == 100)
        #expect(ps.counters.excessSubscriptions == 9_900)
        #expect(ps.score(spammer) < 0)
        // Unsubscribing frees room again.
        ps.receive(F.frame(F.subscribeRPC(["topic-0"], subscribe: false)), from: spammer, now: F.t0)
        ps.receive(F.frame(F.subscribeRPC(["fresh"])), from: spammer, now: F.t0)
        #expect(ps.topics(of: spammer).contains("fresh"))
    }
}
