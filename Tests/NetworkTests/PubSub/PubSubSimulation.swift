@testable import Network

/// N pubsub engines wired by in-memory message passing on virtual time: every `.send` frame is fed to the
/// destination engine's `receive` (zero latency, in order), `.deliver`s are counted per node.
final class PubSubSimulation {
    let nodes: [PubSub]
    let ids: [PeerID]
    private(set) var now: Instant
    private(set) var links: Set<Link> = []
    /// Deliveries per node, by message ID.
    private(set) var deliveries: [[MessageID: Int]]
    private(set) var connectRequests: [(from: Int, to: PeerID)] = []
    var rng: SplitMix64
    let protocolID: String

    struct Link: Hashable {
        let a: Int, b: Int
        init(_ x: Int, _ y: Int) { a = min(x, y); b = max(x, y) }
    }

    init(count: Int, seed: UInt64, config: (Int) -> PubSubConfig, protocolID: String = GossipSubRouter.protocolV11) {
        now = PubSubFixture.t0
        rng = SplitMix64(seed: seed)
        self.protocolID = protocolID
        var nodes: [PubSub] = []
        for i in 0..<count {
            nodes.append(PubSub(identity: PubSubFixture.key("sim-\(seed)-\(i)"), config: config(i), seqnoStart: 1, now: now))
        }
        self.nodes = nodes
        ids = nodes.map(\.localPeer)
        deliveries = Array(repeating: [:], count: count)
    }

    func index(of peer: PeerID) -> Int? { ids.firstIndex(of: peer) }

    /// A connected sparse random graph: a random spanning tree plus `extraPerNode` random edges per node.
    func connectRandomly(extraPerNode: Int) {
        for i in 1..<nodes.count { connect(i, Int.random(in: 0..<i, using: &rng)) }
        for i in 0..<nodes.count {
            for _ in 0..<extraPerNode {
                let j = Int.random(in: 0..<nodes.count, using: &rng)
                if j != i { connect(i, j) }
            }
        }
    }

    func connect(_ i: Int, _ j: Int) {
        guard links.insert(Link(i, j)).inserted else { return }
        nodes[i].addPeer(ids[j], protocol: protocolID, now: now)
        nodes[j].addPeer(ids[i], protocol: protocolID, now: now)
        pump()
    }

    func disconnect(_ i: Int, _ j: Int) {
        guard links.remove(Link(i, j)) != nil else { return }
        nodes[i].removePeer(ids[j], now: now)
        nodes[j].removePeer(ids[i], now: now)
        pump()
    }

    func neighbours(_ i: Int) -> [Int] {
        links.compactMap { $0.a == i ? $0.b : ($0.b == i ? $0.a : nil) }.sorted()
    }

    /// Moves every queued command until the network is quiet.
    func pump() {
        var progress = true
        while progress {
            progress = false
            for (i, node) in nodes.enumerated() {
                while let command = node.pollCommand() {
                    progress = true
                    switch command {
                    case .send(let peer, let frame):
                        guard let j = index(of: peer), links.contains(Link(i, j)) else { continue }
                        nodes[j].receive(frame, from: ids[i], now: now)
                    case .deliver(let message):
                        deliveries[i][message.id, default: 0] += 1
                    case .connect(let peer, _):
                        connectRequests.append((i, peer))
                    case .disconnect:
                        break
                    }
                }
            }
        }
    }

    /// Advances virtual time in `step`s, firing each engine's deadlines and pumping after each step.
    func run(for duration: Duration, step: Duration = .milliseconds(100)) {
        let end = now + duration
        while now < end {
            now = now + step
            for node in nodes {
                if let deadline = node.nextDeadline(), deadline <= now { node.handleTimeout(now: now) }
            }
            pump()
        }
    }

    func subscribeAll(_ topic: String) {
        for node in nodes { node.subscribe(topic, now: now) }
        pump()
    }

    @discardableResult
    func publish(from i: Int, topic: String, _ text: String) throws -> MessageID {
        let id = try nodes[i].publish(topic: topic, data: Array(text.utf8), now: now)
        pump()
        return id
    }
}
