@testable import Network

/// N Kademlia nodes on an in-memory network with virtual time: a request reaches its peer after the link's
/// latency, is answered there at once, and the answer takes the same latency back. Connecting (a request to a
/// peer) lets the receiver add the sender to its table, as identify does on a real host (all nodes are servers).
final class KadSimulation {
    let nodes: [Kademlia]
    let ids: [PeerID]
    private(set) var now = KadFixture.t0
    private var index: [PeerID: Int] = [:]
    private var events: [(at: Instant, seq: Int, action: () -> Void)] = []
    private var seq = 0
    private var rng: SplitMix64
    /// Finished lookups by (node, query).
    private(set) var results: [Int: [Kademlia.QueryID: Kademlia.QueryResult]] = [:]
    private(set) var requestsSent = 0

    init(count: Int, seed: UInt64) {
        rng = SplitMix64(seed: seed)
        ids = KadFixture.peers("sim-\(seed)", count)
        nodes = ids.map { Kademlia(localPeer: $0, mode: .server) }
        for (i, id) in ids.enumerated() {
            index[id] = i
            nodes[i].localAddresses = [KadFixture.addr(10_000 + i)]
        }
    }

    private func latency() -> Duration { .milliseconds(Int.random(in: 5...50, using: &rng)) }

    /// Keeps `events` sorted by (time, seq), latest first, so the next one is `popLast`.
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

    /// Node `i` learns node `j` (and the other way round), as after a bootstrap dial and identify.
    func introduce(_ i: Int, to j: Int) {
        nodes[i].addPeer(ids[j], addrs: nodes[j].localAddresses, now: now)
        nodes[j].addPeer(ids[i], addrs: nodes[i].localAddresses, now: now)
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
                    results[i, default: [:]][query] = result
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

    /// Runs events and node deadlines in time order until nothing is left before `limit`.
    func run(until limit: Duration = .seconds(120)) {
        let end = now + limit
        flush()
        while let event = events.last, event.at <= end {
            events.removeLast()
            now = max(now, event.at)
            event.action()
            flush()
        }
        // Fire the deadlines that fall in the window too (timeouts of lost requests, not refreshes).
        for node in nodes where (node.nextDeadline() ?? .zero) <= end && node.runningQueries > 0 {
            node.handleTimeout(now: end)
        }
        flush()
    }

    func result(_ i: Int, _ query: Kademlia.QueryID) -> Kademlia.QueryResult? { results[i]?[query] }
}
