import Testing
@testable import Network

/// The node: lookups as commands, the server handlers with good and bad input, provider records.
@Suite struct KademliaNodeTests {
    let me = KadFixture.peer("me")
    let others = KadFixture.peers("n", 40)
    let key = KadKey.rendezvous("room")

    func server(peers: Int = 40) -> Kademlia {
        let node = Kademlia(localPeer: me, mode: .server)
        for (i, p) in others.prefix(peers).enumerated() { node.addPeer(p, addrs: [KadFixture.addr(5000 + i)], now: KadFixture.t0) }
        return node
    }

    // MARK: server side

    @Test func findNodeAnswersTheKClosestWithoutTheAsker() throws {
        let node = server()
        let asker = others[0]
        let reply = try #require(try node.handleRequest(KadMessage(type: .findNode, key: key), from: asker, now: KadFixture.t0))
        let expected = KadFixture.sortedByDistance(node.table.peers.filter { $0 != asker }, to: KadKey(hashing: key)).prefix(20)
        #expect(reply.type == .findNode)
        #expect(reply.closerPeers.map(\.id) == Array(expected))
        #expect(reply.closerPeers.allSatisfy { !$0.addrs.isEmpty })
    }

    @Test func addProviderKeepsOnlyTheSendersOwnRecordWithAddresses() throws {
        let node = server()
        let sender = KadFixture.peer("sender"), someoneElse = KadFixture.peer("else")
        let forged = KadMessage(type: .addProvider, key: key,
                                providerPeers: [KadFixture.kadPeer(someoneElse), KadPeer(id: sender, addrs: [])])
        #expect(try node.handleRequest(forged, from: sender, now: KadFixture.t0) == nil)
        #expect(node.providers.providers(of: key, now: KadFixture.t0).isEmpty)
        let honest = KadMessage(type: .addProvider, key: key, providerPeers: [KadFixture.kadPeer(sender, port: 7)])
        #expect(try node.handleRequest(honest, from: sender, now: KadFixture.t0) == nil)
        let reply = try #require(try node.handleRequest(KadMessage(type: .getProviders, key: key), from: others[1], now: KadFixture.t0))
        #expect(reply.providerPeers == [KadFixture.kadPeer(sender, port: 7)])
        #expect(reply.closerPeers.count == 20)
    }

    @Test func addProviderIsRateLimitedPerPeer() throws {
        let node = server()
        let sender = KadFixture.peer("flood")
        let message = KadMessage(type: .addProvider, key: key, providerPeers: [KadFixture.kadPeer(sender)])
        for _ in 0..<Int(ProviderStore.addBurst) { _ = try node.handleRequest(message, from: sender, now: KadFixture.t0) }
        #expect(throws: KadError.rateLimited(sender)) { try node.handleRequest(message, from: sender, now: KadFixture.t0) }
        // Another peer is not affected; the flooder recovers with time.
        _ = try node.handleRequest(KadMessage(type: .addProvider, key: key, providerPeers: [KadFixture.kadPeer(others[0])]),
                                   from: others[0], now: KadFixture.t0)
        _ = try node.handleRequest(message, from: sender, now: KadFixture.t0 + .seconds(2))
    }

    @Test func providerRecordsExpireAfter48Hours() {
        var store = ProviderStore()
        store.add(key: key, peer: others[0], addrs: [KadFixture.addr(1)], now: KadFixture.t0)
        #expect(store.providers(of: key, now: KadFixture.t0 + .seconds(48 * 3600 - 1)).count == 1)
        #expect(store.providers(of: key, now: KadFixture.t0 + ProviderStore.recordTTL).isEmpty)
        store.expire(now: KadFixture.t0 + ProviderStore.recordTTL)
        #expect(store.keyCount == 0)
    }

    @Test func providerStoreIsBounded() {
        var store = ProviderStore(maxKeys: 2, maxProvidersPerKey: 3)
        for p in others.prefix(5) { store.add(key: key, peer: p, addrs: [KadFixture.addr(1)], now: KadFixture.t0) }
        #expect(store.providers(of: key, now: KadFixture.t0).map(\.peer) == Array(others[2..<5]))
        let second = store.add(key: [1], peer: others[0], addrs: [], now: KadFixture.t0)
        let third = store.add(key: [2], peer: others[0], addrs: [], now: KadFixture.t0)
        #expect(second && !third)
        // Once the old records expire, a new key fits again.
        let later = store.add(key: [2], peer: others[0], addrs: [], now: KadFixture.t0 + ProviderStore.recordTTL)
        #expect(later)
    }

    @Test func valuesAreStoredWithinTheirSizeLimit() throws {
        let node = server()
        let record = KadRecord(key: [1], value: [2, 3])
        let put = KadMessage(type: .putValue, key: [1], record: record)
        #expect(try node.handleRequest(put, from: others[0], now: KadFixture.t0) == put)
        let got = try node.handleRequest(KadMessage(type: .getValue, key: [1]), from: others[0], now: KadFixture.t0)
        #expect(got?.record == record)
        let big = KadRecord(key: [1], value: Array(repeating: 0, count: RecordStore.maxValueSize + 1))
        #expect(throws: KadError.self) { try node.handleRequest(KadMessage(type: .putValue, key: [1], record: big), from: others[0], now: KadFixture.t0) }
        #expect(throws: KadError.self) { try node.handleRequest(KadMessage(type: .putValue, key: [9], record: record), from: others[0], now: KadFixture.t0) }
    }

    @Test func recordStoreIsBounded() throws {
        var store = RecordStore(maxRecords: 2)
        for i in 0..<3 { try store.put(KadRecord(key: [UInt8(i)], value: [1]), now: KadFixture.t0 + .seconds(i)) }
        #expect(store.get([0], now: KadFixture.t0) == nil)
        #expect(store.get([2], now: KadFixture.t0) != nil)
    }

    @Test func pingIsAnswered() throws {
        #expect(try server().handleRequest(KadMessage(type: .ping), from: others[0], now: KadFixture.t0)?.type == .ping)
    }

    // MARK: lookups

    @Test func findNodeSendsRequestsAndFinishes() {
        let node = server(peers: 5)
        node.findNode(key, now: KadFixture.t0)
        let requests = KadFixture.requests(KadFixture.drain(node))
        #expect(requests.count == 5)
        #expect(requests.allSatisfy { $0.message == KadMessage(type: .findNode, key: key) })
        for r in requests { node.handleResponse(r.id, KadMessage(type: .findNode, key: key), now: KadFixture.t0) }
        let result = KadFixture.finished(KadFixture.drain(node))
        #expect(result?.closest.count == 5)
        #expect(node.runningQueries == 0)
    }

    @Test func provideSendsAddProviderToTheClosestWithoutWaiting() {
        let node = server(peers: 3)
        node.localAddresses = [KadFixture.addr(9)]
        node.provide(key, now: KadFixture.t0)
        for r in KadFixture.requests(KadFixture.drain(node)) { node.handleResponse(r.id, KadMessage(type: .findNode), now: KadFixture.t0) }
        let commands = KadFixture.drain(node)
        let sends = commands.compactMap { if case .send(let p, let m) = $0 { (p, m) } else { nil } }
        #expect(sends.count == 3)
        #expect(sends.allSatisfy { $0.1.type == .addProvider && $0.1.providerPeers == [KadPeer(id: me, addrs: [KadFixture.addr(9)])] })
        #expect(KadFixture.finished(commands)?.providedTo == 3)
        #expect(node.providers.providers(of: key, now: KadFixture.t0).map(\.peer) == [me])   // a server keeps its own
    }

    @Test func findProvidersReportsEachProviderOnceAndStopsAtTheLimit() {
        let node = server(peers: 10)
        node.findProviders(key, limit: 2, now: KadFixture.t0)
        let requests = KadFixture.requests(KadFixture.drain(node))
        #expect(requests.allSatisfy { $0.message.type == .getProviders })
        let a = KadFixture.kadPeer(KadFixture.peer("pa")), b = KadFixture.kadPeer(KadFixture.peer("pb"))
        node.handleResponse(requests[0].id, KadMessage(type: .getProviders, providerPeers: [a, KadPeer(id: me, addrs: [])]), now: KadFixture.t0)
        node.handleResponse(requests[1].id, KadMessage(type: .getProviders, providerPeers: [a, b]), now: KadFixture.t0)
        let commands = KadFixture.drain(node)
        let found = commands.compactMap { if case .providerFound(_, let p) = $0 { p } else { nil } }
        #expect(found == [a, b])
        #expect(KadFixture.finished(commands)?.providers == [a, b])
        // The other requests are dropped.
        #expect(commands.contains { if case .cancel = $0 { true } else { false } })
    }

    @Test func failingPeersLeaveTheTable() {
        let node = server(peers: 3)
        node.findNode(key, now: KadFixture.t0)
        let requests = KadFixture.requests(KadFixture.drain(node))
        node.requestFailed(requests[0].id, now: KadFixture.t0)
        #expect(!node.table.contains(requests[0].peer.id))
        // The others time out after 10 s.
        #expect(node.nextDeadline() == KadFixture.t0 + .seconds(10))
        node.handleTimeout(now: KadFixture.t0 + .seconds(10))
        let commands = KadFixture.drain(node)
        #expect(commands.filter { if case .cancel = $0 { true } else { false } }.count == 2)
        #expect(KadFixture.finished(commands)?.closest.isEmpty == true)
        #expect(node.table.count == 0)
    }

    @Test func answeringPeersJoinTheTable() {
        let node = Kademlia(localPeer: me, mode: .client)
        node.addPeer(others[0], addrs: [KadFixture.addr(1)], now: KadFixture.t0)
        node.findNode(key, now: KadFixture.t0)
        let r = KadFixture.requests(KadFixture.drain(node))[0]
        node.handleResponse(r.id, KadMessage(type: .findNode, closerPeers: [KadFixture.kadPeer(others[1])]), now: KadFixture.t0)
        let next = KadFixture.requests(KadFixture.drain(node))
        #expect(next.map(\.peer.id) == [others[1]])
        node.handleResponse(next[0].id, KadMessage(type: .findNode), now: KadFixture.t0)
        #expect(node.table.contains(others[1]))
    }

    @Test func refreshRunsEveryTenMinutes() {
        let node = server(peers: 2)
        #expect(node.nextDeadline() == KadFixture.t0 + Kademlia.refreshInterval)
        node.handleTimeout(now: KadFixture.t0 + Kademlia.refreshInterval)
        let requests = KadFixture.requests(KadFixture.drain(node))
        #expect(requests.contains { $0.message.key == me.bytes })
        #expect(node.runningQueries == 2)
    }

    @Test func refreshDropsExpiredProviderRecords() {
        let node = server(peers: 1)
        node.providers.add(key: key, peer: others[5], addrs: [KadFixture.addr(1)], now: KadFixture.t0)
        node.handleTimeout(now: KadFixture.t0 + ProviderStore.recordTTL)   // past a refresh deadline as well
        #expect(node.providers.keyCount == 0)
    }
}
