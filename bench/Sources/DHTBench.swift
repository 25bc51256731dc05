import Network

/// (h) Kademlia lookups on `KadSimulation`: N DHT servers (sans-IO `Kademlia` nodes) on an in-memory network
/// whose links take 5–50 ms each way (virtual time). Every node joins through node 0 with a self lookup, then
/// provides its room's key (10 rooms), then looks up its room's providers. Reported per provider lookup:
/// hops (rounds of answers to the k closest), virtual latency, requests sent, and the CPU the whole process
/// (every node's work: both ends of every request) spent per lookup.
enum DHTBench {
    static let rooms = 10

    static func run(sizes: [Int]) throws {
        var table = Table("nodes", "hops mean", "hops max", "latency p50 ms", "latency p99 ms", "requests/lookup",
                          "CPU µs/lookup", "all found")
        for count in sizes {
            let sim = KadSimulation(count: count, seed: 1)
            for i in 1..<count {
                sim.introduce(i, to: 0)
                sim.start(i) { $0.bootstrap(now: $1) }
                sim.run()
            }
            let room = { (i: Int) in "bench-room-\(i % rooms)" }
            for i in 0..<count { sim.start(i) { $0.provide(KadKey.rendezvous(room(i)), now: $1) } }
            sim.run()
            let before = sim.requestsSent
            let watch = Stopwatch()
            var lookups: [Int: Kademlia.QueryID] = [:]
            for i in 0..<count { lookups[i] = sim.start(i) { $0.findProviders(KadKey.rendezvous(room(i)), limit: 1000, now: $1) } }
            sim.run()
            let cpu = watch.cpuSeconds
            var hops: [Double] = [], latencies: [Double] = [], complete = 0
            for (i, query) in lookups {
                guard let result = sim.result(i, query), let took = sim.duration(i, query) else { continue }
                hops.append(Double(result.hops))
                latencies.append(Double(took.nanosecondsClamped) / 1e6)
                let members = (0..<count).filter { $0 != i && room($0) == room(i) }.count
                if result.providers.count == members { complete += 1 }
            }
            latencies.sort()
            table.add(String(count), fmt(hops.reduce(0, +) / Double(max(hops.count, 1)), 2), fmt(hops.max() ?? 0, 0),
                      fmt(percentile(latencies, 0.5), 0), fmt(percentile(latencies, 0.99), 0),
                      fmt(Double(sim.requestsSent - before) / Double(count), 1),
                      fmt(cpu / Double(count) * 1e6, 0), "\(complete)/\(count)")
        }
        table.print()
    }
}
