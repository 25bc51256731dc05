/// N Kademlia servers on an in-memory network with virtual time, for tests and benchmarks (shipped, like
/// NIO's embedded channel). A request reaches its peer after the link's latency (5–50 ms, drawn per request
/// from a seeded generator), is answered there at once, and the answer takes the same latency back. A
/// request lets the receiver add the sender to its table, as identify does on a real host.
public final class KadSimulation {
    public let nodes: [Kademlia]
    public let ids: [PeerID]
    public private(set) var now = Instant(nanoseconds: 1_000_000_000)
    /// Finished lookups by node and query, with the virtual time they took.
    public private(set) var results: [Int: [Kademlia.QueryID: (result: Kademlia.QueryResult, took: Duration)]] = [:]
    public private(set) var requestsSent = 0
    private var started: [Int: [Kademlia.QueryID: Instant]] = [:]
    private var index: [PeerID: Int] = [:]
    /// Sorted by (time, seq), latest first: the next event is the last.
    private var events: [(at: Instant, seq: Int, action: () -> Void)] = []
    private var seq = 0
    private var rng: SplitMix64

    public init(count: Int, seed: UInt64) {
        rng = SplitMix64(seed: seed)
        ids = (0..<count).map { i in
            (try! PrivateKey(seed: Sodium.sha256(Array("sim-\(seed)-\(i)".utf8)))).peerID
        }
        nodes = ids.map { Kademlia(localPeer: $0, mode: .server) }
        for (i, id) in ids.enumerated() {
            index[id] = i
            nodes[i].localAddresses = [Multiaddr(components: [.ip4([10, 0, UInt8(i >> 8), UInt8(i & 0xff)]), .tcp(4001)])]
        }
    }

    /// Node `i` learns node `j` and the other way round, as after a bootstrap dial and identify.
    public func introduce(_ i: Int, to j: Int) {
        nodes[i].addPeer(ids[j], addrs: nodes[j].localAddresses, now: now)
        nodes[j].addPeer(ids[i], addrs: nodes[i].localAddresses, now: now)
    }

    /// Starts a lookup on node `i` (so its duration is measured).
    @discardableResult
    public func start(_ i: Int, _ body: (Kademlia, Instant) -> Kademlia.QueryID) -> Kademlia.QueryID {
        let id = body(nodes[i], now)
        started[i, default: [:]][id] = now
        return id
    }

    public func result(_ i: Int, _ query: Kademlia.QueryID) -> Kademlia.QueryResult? { results[i]?[query]?.result }
    public func duration(_ i: Int, _ query: Kademlia.QueryID) -> Duration? { results[i]?[query]?.took }

    /// Runs events and node deadlines in time order until nothing is left before `limit`.
    public func run(until limit: Duration = .seconds(120)) {
        let end = now + limit
        flush()
        while let event = events.last, event.at <= end {
            events.removeLast()
            now = max(now, event.at)
            event.action()
            flush()
        }
        // Deadlines in the window (timeouts of lost requests), not refreshes.
        for node in nodes where (node.nextDeadline() ?? .zero) <= end && node.runningQueries > 0 {
            node.handleTimeout(now: end)
        }
        flush()
    }

    private func latency() -> Duration { .milliseconds(Int.random(in: 5...50, using: &rng)) }

    private func after(_ delay: Duration, _ action: @escaping () -> Void) {
        let at = now + delay
        var low = 0, high = events.count
        while low < high {
            let mid = (low + high) / 2
            if (events[mid].at, events[mid].seq) > (at, seq) { low = mid + 1 } else { high = mid }
        }
        events.insert((at, seq, action), at: low)
        seq += 1
    }

    /// Moves every node's commands onto the network.
    private func flush() {
        for (i, node) in nodes.enumerated() {
            while let command = node.pollCommand() {
                switch command {
                case .request(let id, let peer, let message):
                    requestsSent += 1
                    deliver(message, from: i, to: peer.id) { [unowned self] reply in
                        if let reply { self.nodes[i].handleResponse(id, reply, now: self.now) }
                        else { self.nodes[i].requestFailed(id, now: self.now) }
                    }
                case .send(let peer, let message):
                    deliver(message, from: i, to: peer.id) { _ in }
                case .finished(let query, let result):
                    let took = started[i]?.removeValue(forKey: query).map { now - $0 } ?? .zero
                    results[i, default: [:]][query] = (result, took)
                case .cancel, .providerFound:
                    break
                }
            }
        }
    }

    private func deliver(_ message: KadMessage, from i: Int, to peer: PeerID, reply: @escaping (KadMessage?) -> Void) {
        let there = latency()
        after(there) { [unowned self] in
            guard let j = self.index[peer] else { reply(nil); return }
            self.nodes[j].addPeer(self.ids[i], addrs: self.nodes[i].localAddresses, now: self.now)
            let answer = try? self.nodes[j].handleRequest(message, from: self.ids[i], now: self.now)
            self.after(there) { reply(answer) }
        }
    }
}
