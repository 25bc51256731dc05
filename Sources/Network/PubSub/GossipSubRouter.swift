#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// GossipSub v1.1 (`/meshsub/1.1.0`, `/meshsub/1.0.0`) with v1.2 IDONTWANT (`/meshsub/1.2.0`), spec
/// libp2p/specs pubsub/gossipsub. Full messages travel over a per-topic mesh of about D peers; metadata
/// (IHAVE) is gossiped to others each heartbeat, and missing messages are pulled with IWANT. FloodSub peers
/// get every message of their topics.
final class GossipSubRouter: PubSubRouter {
    static let protocolV10 = "/meshsub/1.0.0"
    static let protocolV11 = "/meshsub/1.1.0"
    static let protocolV12 = "/meshsub/1.2.0"
    /// PRUNE backoffs longer than this (seconds) are clamped, so a peer can't make us track it forever.
    static let maxBackoffSeconds: UInt64 = 3600

    let params: GossipSubParams
    var rng: SplitMix64
    weak var context: PubSubRouterContext?

    var peerProtocols: [PeerID: String] = [:]
    /// How many peers speak only FloodSub (they get every message of their topics).
    var floodPeerCount = 0
    /// Topics we joined, with their mesh peers.
    var meshes: [String: Set<PeerID>] = [:]
    /// Topics we publish to without joining, with the peers we send to.
    var fanout: [String: Set<PeerID>] = [:]
    var lastPublished: [String: Instant] = [:]
    var backoff = Backoff()
    var mcache: MessageCache
    var scores: PeerScore
    /// IHAVE RPCs received from each peer this heartbeat.
    var ihavesThisHeartbeat: [PeerID: Int] = [:]
    /// Message IDs we asked each peer for (IWANT) this heartbeat.
    var askedThisHeartbeat: [PeerID: Int] = [:]
    /// IDONTWANT IDs per peer, with the heartbeat they arrived in.
    var dontWant: [PeerID: [MessageID: Int]] = [:]
    var dontWantThisHeartbeat: [PeerID: Int] = [:]
    var heartbeats = 0
    var nextHeartbeat = Instant.zero
    /// Mesh links that ended by the peer's unsubscription at `at` (this instant only): a leaving peer's RPC
    /// carries its unsubscription before its PRUNE, and that PRUNE still ends a real link (its PX counts).
    var linksLeftNow: (at: Instant, links: Set<TopicPeer>) = (.zero, [])

    init(params: GossipSubParams, rng: SplitMix64) {
        self.params = params
        self.rng = rng
        mcache = MessageCache(historyLength: params.historyLength, gossipLength: params.historyGossip)
        scores = PeerScore(params: params.score)
    }

    var protocols: [String] { [Self.protocolV12, Self.protocolV11, Self.protocolV10, FloodSubRouter.protocolID] }

    func attach(_ context: PubSubRouterContext, now: Instant) {
        self.context = context
        nextHeartbeat = now + params.heartbeatInitialDelay
    }

    // MARK: peer kinds

    func isGossipPeer(_ peer: PeerID) -> Bool { peerProtocols[peer]?.hasPrefix("/meshsub/") == true }
    func isFloodPeer(_ peer: PeerID) -> Bool { peerProtocols[peer] == FloodSubRouter.protocolID }
    /// v1.1+: PRUNE carries backoff and PX.
    func speaksV11(_ peer: PeerID) -> Bool {
        guard let p = peerProtocols[peer] else { return false }
        return p == Self.protocolV11 || p == Self.protocolV12
    }
    func speaksV12(_ peer: PeerID) -> Bool { peerProtocols[peer] == Self.protocolV12 }

    func score(_ peer: PeerID) -> Double { scores.score(peer) }
    func mesh(_ topic: String) -> Set<PeerID> { meshes[topic] ?? [] }
    func acceptsRPC(from peer: PeerID) -> Bool { scores.score(peer) >= params.score.graylistThreshold }

    func penalize(_ peer: PeerID, _ penalty: RouterPenalty) {
        switch penalty {
        case .invalidMessage: scores.invalidMessage(peer)
        case .misbehaviour: scores.behaviourPenalty(peer)
        }
    }

    // MARK: peers

    func addPeer(_ peer: PeerID, protocol proto: String, now: Instant) {
        if isFloodPeer(peer) { floodPeerCount -= 1 }
        peerProtocols[peer] = proto
        if isFloodPeer(peer) { floodPeerCount += 1 }
    }

    func removePeer(_ peer: PeerID, now: Instant) {
        if isFloodPeer(peer) { floodPeerCount -= 1 }
        peerProtocols[peer] = nil
        for topic in Array(meshes.keys) { meshes[topic]?.remove(peer) }
        for topic in Array(fanout.keys) { fanout[topic]?.remove(peer) }
        ihavesThisHeartbeat[peer] = nil
        askedThisHeartbeat[peer] = nil
        dontWant[peer] = nil
        dontWantThisHeartbeat[peer] = nil
    }

    /// A subscribed peer appeared in a topic we joined: GRAFT at once if the mesh is short (py expects this).
    func peerSubscribed(_ peer: PeerID, to topic: String, now: Instant) {
        guard let mesh = meshes[topic], mesh.count < params.d, canGraft(peer, topic, now: now) else { return }
        meshes[topic]!.insert(peer)
        sendGraft(topic, to: peer)
    }

    func peerUnsubscribed(_ peer: PeerID, from topic: String, now: Instant) {
        if meshes[topic]?.remove(peer) != nil {
            if linksLeftNow.at != now { linksLeftNow = (now, []) }
            linksLeftNow.links.insert(TopicPeer(topic: topic, peer: peer))
        }
        fanout[topic]?.remove(peer)
    }

    /// Removes `peer` from `topic`'s mesh; true if it was there, or left it by unsubscribing at this instant.
    func endMeshLink(_ topic: String, _ peer: PeerID, now: Instant) -> Bool {
        let wasMeshPeer = meshes[topic]?.remove(peer) != nil
        return wasMeshPeer || (linksLeftNow.at == now && linksLeftNow.links.contains(TopicPeer(topic: topic, peer: peer)))
    }

    /// Whether we may add `peer` to `topic`'s mesh now.
    func canGraft(_ peer: PeerID, _ topic: String, now: Instant) -> Bool {
        isGossipPeer(peer) && score(peer) >= 0
            && !backoff.isBackingOff(topic, peer, now: now, slack: params.backoffSlack)
    }

    // MARK: topics

    func join(_ topic: String, now: Instant) {
        guard meshes[topic] == nil, let context else { return }
        var mesh = Set<PeerID>()
        if let peers = fanout.removeValue(forKey: topic) {
            lastPublished[topic] = nil
            mesh = peers.filter { canGraft($0, topic, now: now) }
        }
        if mesh.count < params.d {
            let candidates = context.peers(in: topic).filter { !mesh.contains($0) && canGraft($0, topic, now: now) }
            mesh.formUnion(pick(candidates, params.d - mesh.count))
        }
        meshes[topic] = mesh
        for peer in mesh.sorted() { sendGraft(topic, to: peer) }
    }

    /// Prunes every mesh peer, offering each the topic's other peers (PX, with their signed records), so a room
    /// whose peers knew each other only through us stays connected when we leave or quit.
    func leave(_ topic: String, now: Instant) {
        guard let mesh = meshes.removeValue(forKey: topic) else { return }
        for peer in mesh.sorted() {
            backoff.set(topic, peer, until: now + params.unsubscribeBackoff)
            sendPrune(topic, to: peer, backoff: params.unsubscribeBackoff, px: true)
        }
    }

    // MARK: messages

    func route(_ message: RoutedMessage, now: Instant) {
        guard let context else { return }
        let topic = message.topic
        mcache.put(message.id, raw: message.raw, topic: topic)
        if message.raw.count >= params.idontwantMessageSizeThreshold, let source = message.source {
            for peer in mesh(topic) where peer != source && speaksV12(peer) {
                context.send(control: { $0.idontwant.append(.with { $0.messageIds = [Data(message.id.bytes)] }) },
                             to: peer)
            }
        }
        // The usual cases walk a set we already hold, so no peer set is built for every message:
        if message.source == nil && params.floodPublish {
            // our own message, to every subscriber scored above the publish threshold
            for peer in context.subscribers(of: topic) where peer != message.author && context.isConnected(peer)
                && score(peer) >= params.score.publishThreshold && wants(peer, message.id) {
                context.send(message: message.raw, to: peer)
            }
            return
        }
        if floodPeerCount == 0, let mesh = meshes[topic] {
            // a forward to the mesh
            for peer in mesh where peer != message.source && peer != message.author && wants(peer, message.id) {
                context.send(message: message.raw, to: peer)
            }
            return
        }
        var targets = Set<PeerID>()
        if floodPeerCount > 0 {
            for peer in context.peers(in: topic) where isFloodPeer(peer) { targets.insert(peer) }
        }
        if let mesh = meshes[topic] {
            targets.formUnion(mesh)
        } else if message.source == nil {
            var peers = fanout[topic] ?? []
            if peers.isEmpty {
                let candidates = context.peers(in: topic).filter {
                    isGossipPeer($0) && score($0) >= params.score.publishThreshold
                }
                peers = pick(candidates, params.d)
            }
            fanout[topic] = peers
            lastPublished[topic] = now
            targets.formUnion(peers)
        }
        if let source = message.source { targets.remove(source) }
        targets.remove(message.author)
        for peer in targets where wants(peer, message.id) {
            context.send(message: message.raw, to: peer)
        }
    }

    /// False when `peer` sent IDONTWANT for `id`.
    private func wants(_ peer: PeerID, _ id: MessageID) -> Bool {
        dontWant.isEmpty || dontWant[peer]?[id] == nil
    }

    // MARK: helpers

    /// Up to `count` peers chosen at random (deterministic for a seeded generator).
    func pick(_ peers: Set<PeerID>, _ count: Int) -> Set<PeerID> {
        guard count > 0 else { return [] }
        if peers.count <= count { return peers }
        var list = peers.sorted()
        list.shuffle(using: &rng)
        return Set(list.prefix(count))
    }

    func sendGraft(_ topic: String, to peer: PeerID) {
        context?.send(control: { $0.graft.append(.with { $0.topicID = topic }) }, to: peer)
    }

    func sendPrune(_ topic: String, to peer: PeerID, backoff: Duration, px: Bool) {
        var prune = ControlPrune()
        prune.topicID = topic
        if speaksV11(peer) {
            prune.backoff = UInt64(max(0, backoff.components.seconds))
            if px, let context {
                let candidates = context.peers(in: topic).filter { $0 != peer && score($0) >= 0 }
                prune.peers = pick(candidates, params.pxPeers).sorted().map { p in
                    .with {
                        $0.peerID = Data(p.bytes)
                        if let record = context.peerRecord(of: p) { $0.signedPeerRecord = Data(record) }
                    }
                }
            }
        }
        context?.send(control: { $0.prune.append(prune) }, to: peer)
    }
}
