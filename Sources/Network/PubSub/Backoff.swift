/// A mesh link: one peer in one topic.
struct TopicPeer: Hashable {
    let topic: String
    let peer: PeerID
}

/// GRAFT backoff per (topic, peer): after a PRUNE either way, no GRAFT until the deadline passes.
struct Backoff {
    private typealias Key = TopicPeer
    private var until: [Key: Instant] = [:]

    /// Sets the backoff, never shortening an existing one.
    mutating func set(_ topic: String, _ peer: PeerID, until deadline: Instant) {
        let key = Key(topic: topic, peer: peer)
        if let old = until[key], old >= deadline { return }
        until[key] = deadline
    }

    /// Whether `peer` must not be GRAFTed in `topic` yet; `slack` extends the deadline (for our own GRAFTs).
    func isBackingOff(_ topic: String, _ peer: PeerID, now: Instant, slack: Duration = .zero) -> Bool {
        guard let deadline = until[Key(topic: topic, peer: peer)] else { return false }
        return now < deadline + slack
    }

    func deadline(_ topic: String, _ peer: PeerID) -> Instant? { until[Key(topic: topic, peer: peer)] }

    mutating func clear(_ topic: String, _ peer: PeerID) { until[Key(topic: topic, peer: peer)] = nil }

    /// Drops expired entries (run at heartbeat).
    mutating func sweep(now: Instant) {
        until = until.filter { $0.value > now }
    }
}
