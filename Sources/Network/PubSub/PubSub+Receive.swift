/// The inbound pipeline: frames → RPC → subscriptions, messages (signature → seen → validator → deliver + route),
/// control (to the router).
extension PubSub {
    /// Raw bytes from any inbound pubsub stream of `peer`, in any chunking.
    public func receive(_ bytes: [UInt8], from peer: PeerID, now: Instant) {
        let state = peerState(peer)
        guard !state.desynced else { return }
        var input = bytes[...]
        if state.skipping > 0 {
            let n = Int(min(state.skipping, UInt64(input.count)))
            state.skipping -= UInt64(n)
            input = input.dropFirst(n)
            if input.isEmpty { return }
        }
        state.decoder.feed(input)
        while true {
            let frame: [UInt8]
            do {
                guard let next = try state.decoder.next() else { return }
                frame = next
            } catch LengthPrefixed.DecodeError.frameTooLarge(let length, _) {
                skipOversizeFrame(state, length: length, peer: peer)
                continue
            } catch {
                // The length prefix itself is bad: the stream can't be resynchronised.
                counters.malformedRPCs += 1
                router.penalize(peer, .misbehaviour)
                state.desynced = true
                _ = state.decoder.takeRemainder()
                if case LengthPrefixed.DecodeError.badLength(let e) = error {
                    commands.append(.disconnect(peer, reason: .badLengthPrefix(e)))
                }
                return
            }
            handleRPC(frame, from: peer, now: now)
            // The peer may have been removed by the app while we were in here.
            guard peerStates[peer] === state else { return }
        }
    }

    /// Drops an RPC over `maxRPCSize` without buffering it: counts, penalises, and skips its bytes.
    private func skipOversizeFrame(_ state: PeerState, length: UInt64, peer: PeerID) {
        counters.oversizeRPCs += 1
        router.penalize(peer, .misbehaviour)
        let rest = state.decoder.takeRemainder()
        guard case .value(_, let header)? = try? Varint.decode(rest) else { return }
        let have = UInt64(rest.count - header)
        if have >= length {
            state.decoder.feed(rest[(header + Int(length))...])
        } else {
            state.skipping = length - have
        }
    }

    func handleRPC(_ frame: [UInt8], from peer: PeerID, now: Instant) {
        counters.rpcsReceived += 1
        guard router.acceptsRPC(from: peer) else {
            counters.graylistedRPCs += 1
            return
        }
        let rpc: DecodedRPC
        do { rpc = try DecodedRPC(frame) } catch {
            counters.malformedRPCs += 1
            router.penalize(peer, .misbehaviour)
            return
        }
        if !rpc.subscriptions.isEmpty { handleSubscriptions(rpc.subscriptions, from: peer, now: now) }
        for message in rpc.messages { handleMessage(message, in: frame, from: peer, now: now) }
        if let control = rpc.control, peerStates[peer]?.protocolID != nil {
            router.handleControl(control, from: peer, now: now)
        }
    }

    private func handleSubscriptions(_ subs: [(subscribe: Bool, topic: String)], from peer: PeerID, now: Instant) {
        let state = peerState(peer)
        let known = state.protocolID != nil
        var excess = false
        for (subscribe, topic) in subs {
            if subscribe {
                guard !state.topics.contains(topic) else { continue }
                guard state.topics.count < config.maxTopicsPerPeer, topic.utf8.count <= config.maxTopicLength else {
                    counters.excessSubscriptions += 1
                    excess = true
                    continue
                }
                state.topics.insert(topic)
                topicPeers[topic, default: []].insert(peer)
                if known { peerSubscribed(peer, to: topic, now: now) }
            } else {
                guard state.topics.remove(topic) != nil else { continue }
                topicPeers[topic]?.remove(peer)
                if topicPeers[topic]?.isEmpty == true { topicPeers[topic] = nil }
                if known { router.peerUnsubscribed(peer, from: topic, now: now) }
            }
        }
        if excess { router.penalize(peer, .misbehaviour) }
    }

    private func handleMessage(_ m: ScannedMessage, in buf: [UInt8], from peer: PeerID, now: Instant) {
        counters.messagesReceived += 1
        guard let topic = chooseTopic(m, buf) else {
            counters.unsubscribedTopic += 1
            return
        }
        guard let fromRange = m.from, let seqnoRange = m.seqno, m.signature != nil || !config.validateSignatures else {
            counters.unsignedMessages += 1
            router.penalize(peer, .invalidMessage)
            return
        }
        let id = MessageID(bytes: Array(buf[fromRange]) + buf[seqnoRange])
        if seen.contains(id, now: now) {
            counters.duplicates += 1
            return
        }
        let author: PeerID
        do {
            if config.validateSignatures {
                author = try StrictSign.verify(m, in: buf, keys: &authorKeys) {
                    slowVerifiesByPeer.allow(peer, now: now) && slowVerifies.allow(0, now: now)
                }
            } else {
                author = try PeerID(multihash: Array(buf[fromRange]))
            }
        } catch PubSubError.slowVerifyBudgetExceeded {
            counters.slowVerifiesRefused += 1   // unchecked, so neither seen nor blamed: a later copy may pass
            return
        } catch {
            counters.invalidSignatures += 1
            router.penalize(peer, .invalidMessage)
            return
        }
        seen.insert(id, now: now)
        let data = m.data.map { Array(buf[$0]) } ?? []
        let message = InboundMessage(id: id, topic: topic, from: author, data: data,
                                     seqno: StrictSign.seqnoValue(buf[seqnoRange]), receivedFrom: peer)
        switch validator?(message) ?? .accept {
        case .reject:
            counters.rejected += 1
            router.penalize(peer, .invalidMessage)
        case .ignore:
            counters.ignored += 1
        case .accept:
            StageTrace.mark(.validated)
            counters.delivered += 1
            commands.append(.deliver(message))
            router.route(RoutedMessage(id: id, topic: topic, raw: Array(buf[m.range]), author: author, source: peer),
                         now: now)
        }
    }

    /// The message's topic: the first one we subscribe to (py may list several), else nil.
    private func chooseTopic(_ m: ScannedMessage, _ buf: [UInt8]) -> String? {
        for range in m.topics where range.count <= config.maxTopicLength {
            let topic = String(decoding: buf[range], as: UTF8.self)
            if subscriptions.contains(topic) { return topic }
        }
        return nil
    }
}

extension PubSub: PubSubRouterContext {
    func peers(in topic: String) -> Set<PeerID> {
        (topicPeers[topic] ?? []).filter { peerStates[$0]?.protocolID != nil }
    }
    func subscribers(of topic: String) -> Set<PeerID> { topicPeers[topic] ?? [] }
    func isSubscribed(_ topic: String) -> Bool { subscriptions.contains(topic) }
    func hasSeen(_ id: MessageID, now: Instant) -> Bool { seen.contains(id, now: now) }
    func send(message raw: [UInt8], to peer: PeerID) { update(peer) { $0.messages.append(raw) } }
    func send(control body: (inout ControlMessage) -> Void, to peer: PeerID) {
        update(peer) {
            body(&$0.control)
            $0.hasControl = true
        }
    }
    func requestConnect(_ peer: PeerID, record: [UInt8]?) { commands.append(.connect(peer, record: record)) }
    func peerRecord(of peer: PeerID) -> [UInt8]? { peerRecords?(peer) }
    func isConnected(_ peer: PeerID) -> Bool { peerStates[peer]?.protocolID != nil }
}
