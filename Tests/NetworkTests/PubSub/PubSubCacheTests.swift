import Testing
@testable import Network

@Suite struct PubSubCacheTests {
    typealias F = PubSubFixture

    @Test func timeCacheExpiresAfterTheTTL() {
        var cache = TimeCache<Int>(ttl: .seconds(120))
        let first = cache.insert(1, now: F.t0)
        let again = cache.insert(1, now: F.t0 + .seconds(1))
        let second = cache.insert(2, now: F.t0 + .seconds(60))
        #expect(first && !again && second)
        #expect(cache.contains(1, now: F.t0 + .seconds(119)))
        #expect(!cache.contains(1, now: F.t0 + .seconds(120)))
        cache.sweep(now: F.t0 + .seconds(121))
        #expect(cache.count == 1)
        #expect(cache.nextExpiry == F.t0 + .seconds(180))
        let fresh = cache.insert(1, now: F.t0 + .seconds(121))      // a fresh insert after expiry
        #expect(fresh)
        cache.sweep(now: F.t0 + .seconds(200))
        #expect(cache.count == 1)                                  // only the re-inserted 1 is left
        #expect(cache.contains(1, now: F.t0 + .seconds(200)))
    }

    @Test func seenCacheForgetsAMessageAfterSeenTTL() {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        let m = F.signed("alice", "again", seqno: 1)
        ps.receive(F.frame(F.publishRPC([m])), from: F.peer("r"), now: F.t0)
        ps.receive(F.frame(F.publishRPC([m])), from: F.peer("r"), now: F.t0 + .seconds(119))
        #expect(F.delivered(F.drain(ps)).count == 1)
        var now = F.t0
        while now < F.t0 + .seconds(121) {
            now = ps.nextDeadline() ?? now + .seconds(1)
            ps.handleTimeout(now: now)
        }
        #expect(ps.seen.count == 0)
        ps.receive(F.frame(F.publishRPC([m])), from: F.peer("r"), now: now)
        #expect(F.delivered(F.drain(ps)).count == 1)
    }

    @Test func messageCacheGossipsRecentWindowsAndCapsRetransmissions() {
        var mcache = MessageCache(historyLength: 5, gossipLength: 3)
        let ids = (0..<6).map { MessageID(bytes: [UInt8($0)]) }
        for (i, id) in ids.enumerated() {
            mcache.put(id, raw: [UInt8(i)], topic: i == 5 ? "other" : "t")
            mcache.shift()
        }
        // Windows (newest first): [], [5], [4], [3], [2]; 0 and 1 have been shifted out.
        #expect(mcache.gossipIDs(topic: "t") == [ids[4]])          // gossip = the 3 newest windows
        #expect(mcache.gossipIDs(topic: "other") == [ids[5]])
        #expect(!mcache.contains(ids[1]) && mcache.contains(ids[2]))
        let peer = F.peer("p")
        let answers = (0..<4).map { _ in mcache.get(ids[4], for: peer, limit: 3) }
        #expect(answers == [[4], [4], [4], nil])
        let other = mcache.get(ids[4], for: F.peer("q"), limit: 3)
        #expect(other == [4])
    }

    @Test func backoffNeverShortensAndExpires() {
        var backoff = Backoff()
        let p = F.peer("p")
        backoff.set("t", p, until: F.t0 + .seconds(60))
        backoff.set("t", p, until: F.t0 + .seconds(10))
        #expect(backoff.isBackingOff("t", p, now: F.t0 + .seconds(59)))
        #expect(!backoff.isBackingOff("t", p, now: F.t0 + .seconds(60)))
        #expect(backoff.isBackingOff("t", p, now: F.t0 + .seconds(60), slack: .seconds(2)))
        #expect(!backoff.isBackingOff("u", p, now: F.t0))
        backoff.sweep(now: F.t0 + .seconds(61))
        #expect(backoff.deadline("t", p) == nil)
    }

    @Test func peerScoreDecays() {
        var score = PeerScore(params: PeerScoreParams())
        let p = F.peer("p")
        score.invalidMessage(p)
        score.invalidMessage(p)
        score.behaviourPenalty(p)
        #expect(score.score(p) == -5)   // 2² × −1 + 1² × −1
        for _ in 0..<100 { score.decay() }
        #expect(score.score(p) == 0)
    }
}
