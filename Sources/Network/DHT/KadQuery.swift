/// One iterative Kademlia lookup toward `target`, sans-IO: it says whom to ask next and learns from answers.
///
///     seeds (closest from the routing table)
///        └─► ask the closest not-yet-asked peers, at most α in flight, each once
///              answer ─► merge its closer peers (hop + 1), keep the list sorted by distance
///              failure / no answer within `requestTimeout` ─► that peer is out
///        └─► done when the k closest peers not out have all answered (or nobody is left to ask),
///            when the caller stops it (enough providers), or after `queryTimeout`
///
/// Peers are only asked if they are among the k closest candidates still in the running, so a lookup never
/// wanders far from the target. `hop` counts how many answers led to a peer (seeds are hop 1).
public struct KadQuery: Sendable {
    public struct Parameters: Sendable {
        public var k = RoutingTable.defaultK
        /// Requests in flight at once (spec and go: 10).
        public var alpha = 10
        public var requestTimeout: Duration = .seconds(10)
        public var queryTimeout: Duration = .seconds(60)
        public init() {}
    }

    public enum State: Equatable, Sendable {
        case waiting(until: Instant)
        case notAsked, answered, failed
    }

    public struct Candidate: Sendable {
        public var peer: KadPeer
        public var distance: KadDistance
        public var state: State
        public var hop: Int
    }

    public let target: KadKey
    public let parameters: Parameters
    public let deadline: Instant
    public private(set) var candidates: [Candidate] = []
    public private(set) var isStopped = false
    let localPeer: PeerID

    public init(target: KadKey, seeds: [KadPeer], localPeer: PeerID, parameters: Parameters = Parameters(), now: Instant) {
        self.target = target
        self.parameters = parameters
        self.localPeer = localPeer
        deadline = now + parameters.queryTimeout
        merge(seeds, hop: 1)
    }

    /// Adds peers we have not seen (never ourselves), keeping closest-first order.
    mutating func merge(_ peers: [KadPeer], hop: Int) {
        for peer in peers where peer.id != localPeer {
            if let i = candidates.firstIndex(where: { $0.peer.id == peer.id }) {
                if candidates[i].peer.addrs.isEmpty { candidates[i].peer.addrs = peer.addrs }
                continue
            }
            let candidate = Candidate(peer: peer, distance: KadKey(peer: peer.id).distance(to: target), state: .notAsked, hop: hop)
            let at = candidates.firstIndex { candidate.distance < $0.distance } ?? candidates.count
            candidates.insert(candidate, at: at)
        }
    }

    public var inFlight: Int { candidates.count { if case .waiting = $0.state { true } else { false } } }

    /// Indices of the k closest candidates that have not failed.
    private var liveWindow: [Int] {
        Array(candidates.indices.lazy.filter { self.candidates[$0].state != .failed }.prefix(parameters.k))
    }

    /// True once nothing more will be asked.
    public var isFinished: Bool {
        if isStopped { return true }
        let window = liveWindow
        return window.allSatisfy { candidates[$0].state == .answered }
    }

    /// Peers to ask now (each is marked in flight); empty when α are in flight or the query is finished.
    public mutating func nextRequests(now: Instant) -> [KadPeer] {
        guard !isFinished, now < deadline else { return [] }
        var out: [KadPeer] = []
        var budget = parameters.alpha - inFlight
        for i in liveWindow where budget > 0 && candidates[i].state == .notAsked {
            candidates[i].state = .waiting(until: now + parameters.requestTimeout)
            out.append(candidates[i].peer)
            budget -= 1
        }
        return out
    }

    /// `peer` answered with `closer`. Returns false if it was not waited for (late, unknown): then ignore it.
    @discardableResult
    public mutating func answered(_ peer: PeerID, closer: [KadPeer]) -> Bool {
        guard let i = candidates.firstIndex(where: { $0.peer.id == peer }), case .waiting = candidates[i].state else {
            return false
        }
        candidates[i].state = .answered
        merge(closer, hop: candidates[i].hop + 1)
        return true
    }

    /// `peer` failed (stream error, dial failure).
    public mutating func failed(_ peer: PeerID) {
        guard let i = candidates.firstIndex(where: { $0.peer.id == peer }), case .waiting = candidates[i].state else { return }
        candidates[i].state = .failed
    }

    /// Stops asking (e.g. enough providers found).
    public mutating func stop() { isStopped = true }

    /// Fails requests past their deadline and stops the whole query past `deadline`. Returns the peers timed out.
    public mutating func handleTimeout(now: Instant) -> [PeerID] {
        var timedOut: [PeerID] = []
        for i in candidates.indices {
            if case .waiting(let until) = candidates[i].state, until <= now || now >= deadline {
                candidates[i].state = .failed
                timedOut.append(candidates[i].peer.id)
            }
        }
        if now >= deadline { isStopped = true }
        return timedOut
    }

    public func nextDeadline() -> Instant? {
        guard !isFinished else { return nil }
        let requestDeadlines = candidates.compactMap { c -> Instant? in
            if case .waiting(let until) = c.state { return until } else { return nil }
        }
        return (requestDeadlines + [deadline]).min()
    }

    /// The k closest peers that answered, closest first.
    public var closestAnswered: [KadPeer] {
        Array(candidates.lazy.filter { $0.state == .answered }.prefix(parameters.k).map(\.peer))
    }

    /// The largest hop among the k closest that answered: how many rounds of answers the lookup needed.
    public var hops: Int {
        candidates.lazy.filter { $0.state == .answered }.prefix(parameters.k).map(\.hop).max() ?? 0
    }

    /// The hop of a peer (0 if unknown).
    public func hop(of peer: PeerID) -> Int { candidates.first { $0.peer.id == peer }?.hop ?? 0 }
}
