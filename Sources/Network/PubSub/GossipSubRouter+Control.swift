#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Inbound control messages: IHAVE → IWANT, IWANT → messages from the mcache, GRAFT/PRUNE with backoff and PX,
/// IDONTWANT bookkeeping.
extension GossipSubRouter {
    func handleControl(_ control: ControlMessage, from peer: PeerID, now: Instant) {
        guard isGossipPeer(peer) else { return }
        if !control.ihave.isEmpty { handleIHave(control.ihave, from: peer, now: now) }
        if !control.iwant.isEmpty { handleIWant(control.iwant, from: peer) }
        if !control.graft.isEmpty { handleGraft(control.graft, from: peer, now: now) }
        if !control.prune.isEmpty { handlePrune(control.prune, from: peer, now: now) }
        if !control.idontwant.isEmpty { handleIDontWant(control.idontwant, from: peer) }
    }

    /// Asks for advertised messages we haven't seen, at most `maxIHaveMessages` IHAVE RPCs and
    /// `maxIHaveLength` IDs per peer per heartbeat (spec v1.1 "Spam Protection Measures").
    private func handleIHave(_ ihaves: [ControlIHave], from peer: PeerID, now: Instant) {
        guard let context else { return }
        guard score(peer) >= params.score.gossipThreshold else {
            context.counters.ihavesIgnored += 1
            return
        }
        ihavesThisHeartbeat[peer, default: 0] += 1
        let asked = askedThisHeartbeat[peer, default: 0]
        guard ihavesThisHeartbeat[peer]! <= params.maxIHaveMessages, asked < params.maxIHaveLength else {
            context.counters.ihavesIgnored += 1
            return
        }
        var wanted: [MessageID] = []
        var wantedSet = Set<MessageID>()
        for ihave in ihaves where meshes[ihave.topicID] != nil {
            for raw in ihave.messageIds {
                let id = MessageID(bytes: [UInt8](raw))
                if !context.hasSeen(id, now: now) && !mcache.contains(id) && wantedSet.insert(id).inserted {
                    wanted.append(id)
                }
            }
        }
        guard !wanted.isEmpty else { return }
        let room = params.maxIHaveLength - asked
        if wanted.count > room {
            wanted.shuffle(using: &rng)
            wanted.removeLast(wanted.count - room)
        }
        askedThisHeartbeat[peer] = asked + wanted.count
        context.send(control: { $0.iwant.append(.with { $0.messageIds = wanted.map { Data($0.bytes) } }) }, to: peer)
    }

    /// Answers from the mcache, at most `gossipRetransmission` times per message and peer.
    private func handleIWant(_ iwants: [ControlIWant], from peer: PeerID) {
        guard let context else { return }
        guard score(peer) >= params.score.gossipThreshold else {
            context.counters.iwantsIgnored += 1
            return
        }
        for iwant in iwants {
            for raw in iwant.messageIds {
                if let message = mcache.get(MessageID(bytes: [UInt8](raw)), for: peer, limit: params.gossipRetransmission) {
                    context.send(message: message, to: peer)
                } else {
                    context.counters.iwantsIgnored += 1
                }
            }
        }
    }

    /// Accepts a GRAFT into a joined topic unless the peer is backing off (penalty + PRUNE), scores negative,
    /// or the mesh is full (PRUNE with PX). GRAFTs for topics we haven't joined are ignored, like go.
    private func handleGraft(_ grafts: [ControlGraft], from peer: PeerID, now: Instant) {
        for graft in grafts {
            let topic = graft.topicID
            guard let mesh = meshes[topic], !mesh.contains(peer) else { continue }
            // A GRAFT up to `backoffSlack` early is tolerated: py stores backoffs in whole seconds and
            // re-GRAFTs a little before our exact deadline; punishing that would cut it off from every room.
            if backoff.isBackingOff(topic, peer, now: now, slack: .zero - params.backoffSlack) {
                context?.counters.graftsDuringBackoff += 1
                scores.behaviourPenalty(peer)
                backoff.set(topic, peer, until: now + params.pruneBackoff)
                sendPrune(topic, to: peer, backoff: params.pruneBackoff, px: false)
            } else if score(peer) < params.score.meshThreshold {
                backoff.set(topic, peer, until: now + params.pruneBackoff)
                sendPrune(topic, to: peer, backoff: params.pruneBackoff, px: false)
            } else if mesh.count >= params.dHigh {
                backoff.set(topic, peer, until: now + params.pruneBackoff)
                sendPrune(topic, to: peer, backoff: params.pruneBackoff, px: true)
            } else {
                meshes[topic]!.insert(peer)
            }
        }
    }

    /// Leaves the mesh, honours the peer's backoff, and takes PX peers from well-scored peers whose PRUNE ends a
    /// real mesh link: a PRUNE for a link that never was (a stranger's) carries no PX we act on, so nobody can
    /// make us dial addresses at will.
    private func handlePrune(_ prunes: [ControlPrune], from peer: PeerID, now: Instant) {
        guard let context else { return }
        for prune in prunes {
            let topic = prune.topicID
            let wasMeshPeer = endMeshLink(topic, peer, now: now)
            let seconds = prune.hasBackoff ? min(prune.backoff, Self.maxBackoffSeconds) : nil
            let wait: Duration = seconds.map { .seconds(Int64($0)) } ?? params.pruneBackoff
            backoff.set(topic, peer, until: now + wait)
            guard !prune.peers.isEmpty, wasMeshPeer, score(peer) >= params.acceptPXThreshold else { continue }
            for info in prune.peers.prefix(params.pxPeers) {
                guard let candidate = try? PeerID(multihash: [UInt8](info.peerID)),
                      candidate != context.localPeer, !context.isConnected(candidate) else { continue }
                context.requestConnect(candidate, record: info.hasSignedPeerRecord ? [UInt8](info.signedPeerRecord) : nil)
            }
        }
    }

    /// Remembers IDs the peer already has (v1.2), at most `maxIDontWantMessages` per heartbeat.
    private func handleIDontWant(_ lists: [ControlIDontWant], from peer: PeerID) {
        for list in lists {
            for raw in list.messageIds {
                guard dontWantThisHeartbeat[peer, default: 0] < params.maxIDontWantMessages else { return }
                dontWantThisHeartbeat[peer, default: 0] += 1
                dontWant[peer, default: [:]][MessageID(bytes: [UInt8](raw))] = heartbeats
            }
        }
    }
}
