import Testing
@testable import Network

@Suite struct GossipSubSimulationTests {
    static let topic = "sim"

    func makeSim(seed: UInt64) -> PubSubSimulation {
        let sim = PubSubSimulation(count: 30, seed: seed) { i in PubSubFixture.gossipConfig(seed: seed &* 100 &+ UInt64(i)) }
        sim.connectRandomly(extraPerNode: 3)
        sim.subscribeAll(Self.topic)
        sim.run(for: .seconds(3))
        return sim
    }

    /// Every node's mesh is within [D_lo, D_hi], or holds every topic peer when it has fewer than D_lo.
    func expectMeshBounds(_ sim: PubSubSimulation, skipping: Set<Int> = [], sourceLocation: SourceLocation = #_sourceLocation) {
        let p = GossipSubParams()
        for (i, node) in sim.nodes.enumerated() where !skipping.contains(i) {
            let mesh = node.mesh(Self.topic).count
            let available = node.peers(subscribedTo: Self.topic).count
            #expect(mesh <= p.dHigh, "node \(i) mesh \(mesh)", sourceLocation: sourceLocation)
            #expect(mesh >= min(p.dLow, available), "node \(i) mesh \(mesh) of \(available)", sourceLocation: sourceLocation)
        }
    }

    func expectExactlyOnce(_ sim: PubSubSimulation, _ ids: [MessageID], nodes: [Int],
                           sourceLocation: SourceLocation = #_sourceLocation) {
        for i in nodes {
            for id in ids {
                #expect(sim.deliveries[i][id] == 1, "node \(i) got \(id) \(sim.deliveries[i][id] ?? 0)×",
                        sourceLocation: sourceLocation)
            }
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func everyMessageReachesEveryNodeExactlyOnce(seed: UInt64) throws {
        let sim = makeSim(seed: seed)
        expectMeshBounds(sim)
        var ids: [MessageID] = []
        for round in 0..<3 {
            for i in stride(from: round, to: sim.nodes.count, by: 3) {
                ids.append(try sim.publish(from: i, topic: Self.topic, "m\(round)-\(i)"))
            }
            sim.run(for: .seconds(1))
        }
        sim.run(for: .seconds(3))
        expectExactlyOnce(sim, ids, nodes: Array(0..<sim.nodes.count))
        expectMeshBounds(sim)
        #expect(sim.nodes.allSatisfy { $0.counters.invalidSignatures == 0 && $0.counters.malformedRPCs == 0 })
    }

    @Test func aNodeLeavingAndRejoiningHeals() throws {
        let sim = makeSim(seed: 7)
        let leaver = 5
        let neighbours = sim.neighbours(leaver)
        for j in neighbours { sim.disconnect(leaver, j) }
        sim.run(for: .seconds(3))
        expectMeshBounds(sim, skipping: [leaver])
        #expect(sim.nodes[leaver].mesh(Self.topic).isEmpty)
        let others = (0..<sim.nodes.count).filter { $0 != leaver }
        let whileAway = try sim.publish(from: others[0], topic: Self.topic, "while away")
        sim.run(for: .seconds(2))
        // The graph without the leaver may split; whoever is still reachable got it once, the leaver not at all.
        #expect(sim.deliveries[leaver][whileAway] == nil)

        for j in neighbours { sim.connect(leaver, j) }
        sim.run(for: .seconds(3))
        expectMeshBounds(sim)
        var ids: [MessageID] = []
        ids.append(try sim.publish(from: leaver, topic: Self.topic, "back"))
        ids.append(try sim.publish(from: neighbours[0], topic: Self.topic, "welcome"))
        ids.append(try sim.publish(from: others.last!, topic: Self.topic, "far away"))
        sim.run(for: .seconds(3))
        expectExactlyOnce(sim, ids, nodes: Array(0..<sim.nodes.count))
    }

    @Test func meshBoundsHoldAfterChurn() throws {
        let sim = makeSim(seed: 11)
        var rng = SplitMix64(seed: 99)
        for _ in 0..<20 {
            let link = sim.links.sorted { ($0.a, $0.b) < ($1.a, $1.b) }.randomElement(using: &rng)!
            sim.disconnect(link.a, link.b)
            let a = Int.random(in: 0..<30, using: &rng), b = Int.random(in: 0..<30, using: &rng)
            if a != b { sim.connect(a, b) }
        }
        // Peers pruned during the churn stay in backoff (60 s + slack) and can't be grafted before it ends.
        sim.run(for: .seconds(63), step: .milliseconds(500))
        expectMeshBounds(sim)
    }

    @Test func floodSubNetworkDeliversExactlyOnce() throws {
        let sim = PubSubSimulation(count: 12, seed: 5, config: { _ in PubSubConfig(router: .floodsub) },
                                   protocolID: FloodSubRouter.protocolID)
        sim.connectRandomly(extraPerNode: 1)
        sim.subscribeAll(Self.topic)
        let ids = try (0..<12).map { try sim.publish(from: $0, topic: Self.topic, "f\($0)") }
        expectExactlyOnce(sim, ids, nodes: Array(0..<12))
    }
}
