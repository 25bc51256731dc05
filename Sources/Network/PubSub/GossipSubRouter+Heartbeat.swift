#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The heartbeat: mesh maintenance within [D_lo, D_hi], fanout expiry and upkeep, IHAVE gossip, mcache shift,
/// per-heartbeat counter resets and score decay.
extension GossipSubRouter {
    func nextDeadline() -> Instant? { nextHeartbeat }

    func handleTimeout(now: Instant) {
        guard now >= nextHeartbeat else { return }
        heartbeat(now: now)
        nextHeartbeat = nextHeartbeat + params.heartbeatInterval
        if nextHeartbeat <= now { nextHeartbeat = now + params.heartbeatInterval }
    }

    func heartbeat(now: Instant) {
        guard let context else { return }
        heartbeats += 1
        ihavesThisHeartbeat.removeAll()
        askedThisHeartbeat.removeAll()
        dontWantThisHeartbeat.removeAll()
        scores.decay()
        if heartbeats % 10 == 0 { backoff.sweep(now: now) }

        for topic in meshes.keys.sorted() {
            let topicPeers = context.peers(in: topic)
            var mesh = meshes[topic]!
            for peer in mesh.sorted() where score(peer) < params.score.meshThreshold || !topicPeers.contains(peer) {
                mesh.remove(peer)
                if topicPeers.contains(peer) {
                    backoff.set(topic, peer, until: now + params.pruneBackoff)
                    sendPrune(topic, to: peer, backoff: params.pruneBackoff, px: false)
                }
            }
            if mesh.count < params.dLow {
                let candidates = topicPeers.filter { !mesh.contains($0) && canGraft($0, topic, now: now) }
                for peer in pick(candidates, params.d - mesh.count).sorted() {
                    mesh.insert(peer)
                    sendGraft(topic, to: peer)
                }
            }
            if mesh.count > params.dHigh {
                let keep = pick(mesh, params.d)
                for peer in mesh.subtracting(keep).sorted() {
                    backoff.set(topic, peer, until: now + params.pruneBackoff)
                    sendPrune(topic, to: peer, backoff: params.pruneBackoff, px: true)
                }
                mesh = keep
            }
            meshes[topic] = mesh
            emitGossip(topic, excluding: mesh, among: topicPeers)
        }

        for (topic, last) in lastPublished where last + params.fanoutTTL < now {
            fanout[topic] = nil
            lastPublished[topic] = nil
        }
        for topic in fanout.keys.sorted() {
            let topicPeers = context.peers(in: topic)
            var peers = fanout[topic]!.filter {
                topicPeers.contains($0) && score($0) >= params.score.publishThreshold
            }
            if peers.count < params.d {
                let candidates = topicPeers.filter {
                    !peers.contains($0) && isGossipPeer($0) && score($0) >= params.score.publishThreshold
                }
                peers.formUnion(pick(candidates, params.d - peers.count))
            }
            fanout[topic] = peers
            emitGossip(topic, excluding: peers, among: topicPeers)
        }

        mcache.shift()
        let oldest = heartbeats - params.historyLength
        for peer in Array(dontWant.keys) {
            dontWant[peer] = dontWant[peer]!.filter { $0.value > oldest }
            if dontWant[peer]!.isEmpty { dontWant[peer] = nil }
        }
    }

    /// IHAVE for the recent mcache windows to max(D_lazy, factor·n) non-mesh gossip peers above the gossip threshold.
    private func emitGossip(_ topic: String, excluding: Set<PeerID>, among topicPeers: Set<PeerID>) {
        guard let context else { return }
        let ids = mcache.gossipIDs(topic: topic)
        guard !ids.isEmpty else { return }
        let candidates = topicPeers.filter {
            !excluding.contains($0) && isGossipPeer($0) && score($0) >= params.score.gossipThreshold
        }
        let count = max(params.dLazy, Int(params.gossipFactor * Double(candidates.count)))
        for peer in pick(candidates, count).sorted() {
            var list = ids
            if list.count > params.maxIHaveLength {
                list.shuffle(using: &rng)
                list.removeLast(list.count - params.maxIHaveLength)
            }
            context.send(control: { c in
                c.ihave.append(.with { $0.topicID = topic; $0.messageIds = list.map { Data($0.bytes) } })
            }, to: peer)
        }
    }
}
