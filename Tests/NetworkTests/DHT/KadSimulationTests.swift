import Testing
@testable import Network

/// 100 DHT servers on the in-memory network: rooms meet through provider records alone.
@Suite struct KadSimulationTests {
    static let count = 100
    static let rooms = 10

    /// Node i joins through node 0 (the only address it knows) and looks itself up, one after the other.
    func bootstrapped(seed: UInt64) -> KadSimulation {
        let sim = KadSimulation(count: Self.count, seed: seed)
        for i in 1..<Self.count {
            sim.introduce(i, to: 0)
            sim.start(i) { $0.bootstrap(now: $1) }
            sim.run()
        }
        return sim
    }

    @Test func everyNodeFindsEveryOtherNodeOfItsRoom() {
        let sim = bootstrapped(seed: 7)
        let room = { (i: Int) in "room-\(i % Self.rooms)" }
        for i in 0..<Self.count { sim.start(i) { $0.provide(KadKey.rendezvous(room(i)), now: $1) } }
        sim.run()
        var lookups: [Int: Kademlia.QueryID] = [:]
        for i in 0..<Self.count { lookups[i] = sim.start(i) { $0.findProviders(KadKey.rendezvous(room(i)), limit: 100, now: $1) } }
        sim.run()
        var hops: [Int] = []
        for i in 0..<Self.count {
            guard let result = sim.result(i, lookups[i]!) else { Issue.record("node \(i): lookup did not finish"); continue }
            let expected = Set((0..<Self.count).filter { $0 != i && room($0) == room(i) }.map { sim.ids[$0] })
            #expect(Set(result.providers.map(\.id)) == expected, "node \(i) found \(result.providers.count) of \(expected.count)")
            #expect(result.providers.allSatisfy { !$0.addrs.isEmpty })
            hops.append(result.hops)
        }
        let mean = Double(hops.reduce(0, +)) / Double(hops.count)
        print("KadSimulation: \(Self.count) nodes, provider lookups: mean \(mean) hops, max \(hops.max() ?? 0) hops; \(sim.requestsSent) requests in all")
        // log2(100) ≈ 6.6: a lookup that converges in O(log N) rounds stays well under it.
        #expect(hops.max() ?? 99 <= 7)
    }

    @Test func findNodeReturnsTheTrueClosest() {
        let sim = bootstrapped(seed: 11)
        var rng = SplitMix64(seed: 3)
        for _ in 0..<10 {
            let asker = Int.random(in: 0..<Self.count, using: &rng)
            let target = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let query = sim.start(asker) { $0.findNode(target, now: $1) }
            sim.run()
            let result = sim.result(asker, query)
            let others = sim.ids.filter { $0 != sim.ids[asker] }
            let truth = Array(KadFixture.sortedByDistance(others, to: KadKey(hashing: target)).prefix(RoutingTable.defaultK))
            #expect(result?.closest.map(\.id) == truth)
        }
    }
}
