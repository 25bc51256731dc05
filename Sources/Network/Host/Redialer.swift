/// Which peers to keep connected, and when to dial them next: a sans-IO schedule.
///
/// A kept peer that is not connected is dialed on all its addresses at once, staggered (a round is one
/// `Host.dial(_:addresses:)`). When a round has failed, or a connection drops, the next round waits an
/// exponential backoff with jitter:
///
///     round:   1     2     3     4     5   …   ≥ 10
///     delay:   1 s   2 s   4 s   8 s   16 s    300 s (cap), each × a random factor in [1 − jitter, 1 + jitter]
///
/// A peer we have never reached in this run (an address from the store, a `--connect` typo) is forgotten
/// after `maxUnreachedRounds` rounds; a peer we were connected to is kept until `forget`, so a friend who
/// restarts an hour later is found again. The `Host` never dials a peer twice or itself (`Host.dial`).
public struct Redialer {
    public struct Policy: Sendable {
        public var initialDelay: Duration = .seconds(1)
        public var maxDelay: Duration = .seconds(300)
        public var factor: Double = 2
        /// The delay is multiplied by a uniform random factor in `[1 − jitter, 1 + jitter]`, so peers that
        /// lost each other at the same moment do not redial in lock-step.
        public var jitter: Double = 0.2
        /// Rounds before a peer never connected in this run is dropped.
        public var maxUnreachedRounds = 6
        /// Peers kept at most; past it, the one connected least recently is dropped.
        public var maxPeers = 256
        /// Addresses kept per peer (newest first).
        public var maxAddresses = 16
        /// A round with no outcome after this long counts as failed (the host always reports one; this is
        /// the safety net that keeps a peer from waiting on a lost event for the rest of the run).
        public var staleRound: Duration = .seconds(60)
        public init() {}
    }

    struct Entry {
        var addresses: [Multiaddr] = []
        /// Rounds failed in a row (reset by a connection).
        var failedRounds = 0
        /// When the next dial is due; nil while connected or while a dial is in flight.
        var due: Instant?
        var dialing = false
        /// When the round in flight started.
        var roundStarted: Instant?
        var connected = false
        var everConnected = false
        var lastConnected: Instant?
    }

    public let policy: Policy
    private var entries: [PeerID: Entry] = [:]
    private let random: () -> Double

    /// `random` returns a uniform value in [0, 1); tests pass a fixed one.
    public init(policy: Policy = Policy(), random: @escaping () -> Double = { Double.random(in: 0..<1) }) {
        self.policy = policy
        self.random = random
    }

    /// Peers being kept.
    public var peers: [PeerID] { entries.keys.sorted() }

    /// Whether `peer` is kept.
    public func isKept(_ peer: PeerID) -> Bool { entries[peer] != nil }

    /// Rounds that failed in a row for `peer` (0 when connected or new).
    public func failedRounds(_ peer: PeerID) -> Int { entries[peer]?.failedRounds ?? 0 }

    /// Keeps `peer` connected, dialing `addresses` (merged with any known, newest first). A peer that is not
    /// connected and not waiting for a backoff is dialed at once.
    public mutating func keep(_ peer: PeerID, addresses: [Multiaddr], now: Instant) {
        var entry = entries[peer] ?? Entry()
        let fresh = addresses.map { $0.withPeerID(peer) }
        let merged = fresh + entry.addresses.filter { !fresh.contains($0) }
        entry.addresses = Array(merged.prefix(policy.maxAddresses))
        if !entry.connected && !entry.dialing && entry.due == nil { entry.due = now }
        entries[peer] = entry
        evictIfFull(keeping: peer)
    }

    /// Stops keeping `peer` (a dial in flight still completes).
    public mutating func forget(_ peer: PeerID) { entries[peer] = nil }

    public mutating func connected(_ peer: PeerID, now: Instant) {
        guard var entry = entries[peer] else { return }
        entry.connected = true
        entry.everConnected = true
        entry.lastConnected = now
        entry.dialing = false
        entry.roundStarted = nil
        entry.due = nil
        entry.failedRounds = 0
        entries[peer] = entry
    }

    /// The connection dropped: dial again after the first backoff step.
    public mutating func disconnected(_ peer: PeerID, now: Instant) {
        guard var entry = entries[peer] else { return }
        entry.connected = false
        entry.dialing = false
        entry.roundStarted = nil
        entry.due = now + backoff(rounds: entry.failedRounds)
        entries[peer] = entry
    }

    /// The round in flight for `peer` failed (every address): the next one waits a backoff. Nothing
    /// happens when no round is in flight (someone else's dial to the peer failed meanwhile).
    public mutating func dialFailed(_ peer: PeerID, now: Instant) {
        guard var entry = entries[peer], !entry.connected, entry.dialing else { return }
        entry.dialing = false
        entry.roundStarted = nil
        entry.failedRounds += 1
        if !entry.everConnected && entry.failedRounds >= policy.maxUnreachedRounds {
            entries[peer] = nil
            return
        }
        entry.due = now + backoff(rounds: entry.failedRounds - 1)
        entries[peer] = entry
    }

    /// Whether a round is in flight for `peer`.
    public func isDialing(_ peer: PeerID) -> Bool { entries[peer]?.dialing == true }

    /// The earliest time a dial is due, or a round in flight goes stale.
    public func nextDeadline() -> Instant? {
        entries.values.compactMap { $0.due ?? $0.roundStarted.map { $0 + policy.staleRound } }.min()
    }

    /// Rounds due at `now`: each peer with all its addresses, in flight until `connected` or `dialFailed`.
    public mutating func poll(now: Instant) -> [(peer: PeerID, addresses: [Multiaddr])] {
        var rounds: [(peer: PeerID, addresses: [Multiaddr])] = []
        for peer in entries.keys.sorted() {
            if let started = entries[peer]?.roundStarted, now - started >= policy.staleRound {
                dialFailed(peer, now: now)   // no outcome ever came: a failed round
            }
            guard var entry = entries[peer], let due = entry.due, due <= now else { continue }
            entry.due = nil
            entry.dialing = true
            entry.roundStarted = now
            entries[peer] = entry
            if entry.addresses.isEmpty {
                dialFailed(peer, now: now)   // nothing to try: counts as a failed round
            } else {
                rounds.append((peer, entry.addresses))
            }
        }
        return rounds
    }

    /// The delay before round `rounds + 1`: `initialDelay × factor^rounds`, capped, with jitter.
    func backoff(rounds: Int) -> Duration {
        let cap = Double(policy.maxDelay.nanosecondsClamped)
        var capped = min(Double(policy.initialDelay.nanosecondsClamped), cap)
        for _ in 0..<max(0, rounds) where capped < cap { capped = min(capped * policy.factor, cap) }
        let factor = 1 - policy.jitter + 2 * policy.jitter * random()
        return .nanoseconds(Int64(capped * factor))
    }

    private mutating func evictIfFull(keeping peer: PeerID) {
        guard entries.count > policy.maxPeers else { return }
        let victim = entries.filter { $0.key != peer && !$0.value.connected }
            .min { ($0.value.lastConnected ?? .zero) < ($1.value.lastConnected ?? .zero) }?.key
        if let victim { entries[victim] = nil }
    }
}
