import Testing
@testable import Network

@Suite struct KadQueryTests {
    let me = KadFixture.peer("me")
    let target = KadKey(hashing: Array("target".utf8))
    let all = KadFixture.peers("q", 60)

    func params(k: Int = 5, alpha: Int = 3) -> KadQuery.Parameters {
        var p = KadQuery.Parameters()
        p.k = k
        p.alpha = alpha
        return p
    }

    func query(seeds: [PeerID], k: Int = 5, alpha: Int = 3) -> KadQuery {
        KadQuery(target: target, seeds: seeds.map { KadFixture.kadPeer($0) }, localPeer: me, parameters: params(k: k, alpha: alpha), now: KadFixture.t0)
    }

    @Test func asksTheClosestFirstWithAlphaInFlight() {
        let seeds = Array(all.prefix(20))
        var q = query(seeds: seeds)
        let first = q.nextRequests(now: KadFixture.t0).map(\.id)
        #expect(first == Array(KadFixture.sortedByDistance(seeds, to: target).prefix(3)))
        #expect(q.inFlight == 3)
        #expect(q.nextRequests(now: KadFixture.t0).isEmpty)   // α reached
        q.answered(first[0], closer: [])
        #expect(q.nextRequests(now: KadFixture.t0).map(\.id) == [KadFixture.sortedByDistance(seeds, to: target)[3]])
    }

    @Test func neverAsksAPeerTwiceNorOurselves() {
        var q = query(seeds: Array(all.prefix(3)), k: 20, alpha: 10)
        var asked: [PeerID] = []
        var round = q.nextRequests(now: KadFixture.t0)
        while !round.isEmpty {
            asked += round.map(\.id)
            for peer in round {
                // Everyone answers with everyone (and us, and the asked peer itself).
                q.answered(peer.id, closer: (all.prefix(30) + [me, peer.id]).map { KadFixture.kadPeer($0) })
            }
            round = q.nextRequests(now: KadFixture.t0)
        }
        #expect(Set(asked).count == asked.count)
        #expect(!asked.contains(me))
        #expect(q.isFinished)
    }

    @Test func finishesWhenTheKClosestHaveAnswered() {
        var q = query(seeds: Array(all.prefix(10)), k: 5, alpha: 10)
        let asked = q.nextRequests(now: KadFixture.t0).map(\.id)
        #expect(asked.count == 5)   // only the k closest are asked
        for peer in asked.dropLast() { q.answered(peer, closer: []) }
        #expect(!q.isFinished)
        q.answered(asked.last!, closer: [])
        #expect(q.isFinished)
        #expect(q.closestAnswered.map(\.id) == KadFixture.sortedByDistance(asked, to: target))
    }

    @Test func aFailedPeerLetsTheNextClosestIn() {
        var q = query(seeds: Array(all.prefix(10)), k: 2, alpha: 2)
        let sorted = KadFixture.sortedByDistance(Array(all.prefix(10)), to: target)
        #expect(q.nextRequests(now: KadFixture.t0).map(\.id) == Array(sorted.prefix(2)))
        q.failed(sorted[0])
        #expect(q.nextRequests(now: KadFixture.t0).map(\.id) == [sorted[2]])
        q.answered(sorted[1], closer: [])
        q.answered(sorted[2], closer: [])
        #expect(q.isFinished)
        #expect(q.closestAnswered.map(\.id) == [sorted[1], sorted[2]])
    }

    @Test func requestsTimeOutAndTheQueryGivesUp() {
        var p = params(k: 3, alpha: 3)
        p.requestTimeout = .seconds(10)
        p.queryTimeout = .seconds(25)
        var q = KadQuery(target: target, seeds: all.prefix(10).map { KadFixture.kadPeer($0) }, localPeer: me, parameters: p, now: KadFixture.t0)
        let first = q.nextRequests(now: KadFixture.t0).map(\.id)
        #expect(q.nextDeadline() == KadFixture.t0 + .seconds(10))
        #expect(q.handleTimeout(now: KadFixture.t0 + .seconds(9)).isEmpty)
        #expect(Set(q.handleTimeout(now: KadFixture.t0 + .seconds(10))) == Set(first))
        let late = q.answered(first[0], closer: [])
        #expect(!late)   // late answers are ignored
        let second = q.nextRequests(now: KadFixture.t0 + .seconds(10)).map(\.id)
        #expect(second.count == 3 && Set(second).isDisjoint(with: first))
        _ = q.handleTimeout(now: KadFixture.t0 + .seconds(25))
        #expect(q.isFinished)
        #expect(q.nextDeadline() == nil)
    }

    @Test func aQueryWithoutPeersIsFinishedAtOnce() {
        var q = query(seeds: [])
        #expect(q.isFinished)
        #expect(q.nextRequests(now: KadFixture.t0).isEmpty)
    }

    @Test func hopsCountTheRoundsOfAnswers() {
        let sorted = KadFixture.sortedByDistance(all, to: target)
        var q = query(seeds: [sorted[40]], k: 1, alpha: 1)
        let seed = q.nextRequests(now: KadFixture.t0)[0].id
        q.answered(seed, closer: [KadFixture.kadPeer(sorted[10])])
        let second = q.nextRequests(now: KadFixture.t0)[0].id
        q.answered(second, closer: [KadFixture.kadPeer(sorted[0])])
        let third = q.nextRequests(now: KadFixture.t0)[0].id
        #expect(third == sorted[0])
        q.answered(third, closer: [])
        #expect(q.isFinished)
        #expect(q.hops == 3)
    }
}
