import Testing
@testable import Network

@Suite struct RoutingTableTests {
    let me = KadFixture.peer("me")

    @Test func distanceIsXorAndSymmetric() {
        let a = KadKey(peer: KadFixture.peer("a")), b = KadKey(peer: KadFixture.peer("b"))
        #expect(a.distance(to: b) == b.distance(to: a))
        #expect(a.distance(to: a).leadingZeroBits == 256)
        #expect(a.distance(to: b).bytes == zip(a.bytes, b.bytes).map { $0 ^ $1 })
        #expect(KadDistance(bytes: [0x00, 0x10] + Array(repeating: 0, count: 30)).leadingZeroBits == 11)
        #expect(KadDistance(bytes: [0x80] + Array(repeating: 0, count: 31)).leadingZeroBits == 0)
    }

    @Test func keyIsSha256OfThePeerIDBytes() {
        let peer = KadFixture.peer("a")
        #expect(KadKey(peer: peer).bytes == Sodium.sha256(peer.bytes))
    }

    @Test func rendezvousKeyMatchesGoExample() {
        // go-libp2p examples/chat-with-rendezvous "meet me here" (PROTOCOLS.md §8).
        #expect(KadFixture.hex(KadKey.rendezvous("meet me here"))
                == "12207d9d8f9eec0539ff6fef5658b65a61e24888701b555bd1784c86111305746196")
    }

    @Test func bucketIndexIsTheCommonPrefixLength() {
        let table = RoutingTable(localPeer: me)
        #expect(table.bucketIndex(of: me) == nil)
        for other in KadFixture.peers("p", 50) {
            let expected = KadKey(peer: me).distance(to: KadKey(peer: other)).leadingZeroBits
            #expect(table.bucketIndex(of: other) == expected)
        }
    }

    @Test func neverHoldsOurselves() {
        var table = RoutingTable(localPeer: me)
        let result = table.insert(me, addrs: [], now: KadFixture.t0)
        #expect(result == .rejectedSelf)
        #expect(table.count == 0)
    }

    /// Peers of bucket 0 (half of all peers): enough to overflow a small bucket.
    func bucketZeroPeers(_ count: Int) -> [PeerID] {
        let table = RoutingTable(localPeer: me)
        return KadFixture.peers("b", 200).filter { table.bucketIndex(of: $0) == 0 }.prefix(count).map { $0 }
    }

    @Test func fullBucketKeepsLivePeersAndCachesNewcomers() {
        var table = RoutingTable(localPeer: me, k: 3, replacementCacheSize: 2)
        let peers = bucketZeroPeers(6)
        let added = peers.prefix(3).enumerated().map { i, p in table.insert(p, addrs: [KadFixture.addr(i)], now: KadFixture.t0) }
        #expect(added == [.added, .added, .added])
        // The third newcomer pushes peers[3] out of the cache.
        let cached = peers[3...].map { table.insert($0, addrs: [], now: KadFixture.t0) }
        #expect(cached == [.cached, .cached, .cached])
        #expect(table.count == 3)
        #expect(!table.contains(peers[3]))
        // A failed peer makes room for the newest replacement.
        let removed = table.remove(peers[0])
        #expect(removed)
        #expect(table.contains(peers[5]))
        #expect(table.count == 3)
        table.remove(peers[1])
        #expect(table.contains(peers[4]))
        table.remove(peers[2])
        #expect(!table.contains(peers[3]))   // it was pushed out of the cache
        #expect(table.count == 2)
    }

    @Test func seeingAPeerAgainMovesItToTheRecentEnd() {
        var table = RoutingTable(localPeer: me, k: 3)
        let peers = bucketZeroPeers(3)
        for p in peers { table.insert(p, addrs: [KadFixture.addr(1)], now: KadFixture.t0) }
        let result = table.insert(peers[0], addrs: [], now: KadFixture.t0 + .seconds(5))
        #expect(result == .updated)
        #expect(table.buckets[0].map(\.peer) == [peers[1], peers[2], peers[0]])
        #expect(table.entry(peers[0])?.addrs == [KadFixture.addr(1)])   // empty addrs keep the known ones
        #expect(table.entry(peers[0])?.lastSeen == KadFixture.t0 + .seconds(5))
    }

    @Test func closestIsOrderedByDistance() {
        var table = RoutingTable(localPeer: me)
        let peers = KadFixture.peers("c", 120)
        for p in peers { table.insert(p, addrs: [], now: KadFixture.t0) }
        let target = KadKey(hashing: [1, 2, 3])
        let inTable = table.peers
        #expect(table.closest(to: target, count: 20).map(\.peer)
                == Array(KadFixture.sortedByDistance(inTable, to: target).prefix(20)))
        let excluded = table.closest(to: target, count: 1)[0].peer
        #expect(!table.closest(to: target, count: 20, excluding: excluded).map(\.peer).contains(excluded))
    }
}
