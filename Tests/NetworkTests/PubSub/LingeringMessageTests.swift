import Foundation
import Testing
@testable import Network

/// `publish(…, lingerFor:)`: a message of ours is also sent, unchanged, to peers whose subscription to its topic
/// arrives within the window (a chat `join` published while no one was connected yet).
@Suite struct LingeringMessageTests {
    typealias F = PubSubFixture

    /// The messages sent to `peer` among `commands`.
    private func messages(to peer: PeerID, _ commands: [PubSubCommand]) -> [PubSubMessage] {
        F.sent(to: peer, commands).flatMap(\.publish)
    }

    @Test func aPeerThatSubscribesWithinTheWindowGetsTheSameMessage() throws {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        let id = try ps.publish(topic: F.topic, data: Array("alice joined".utf8), now: F.t0, lingerFor: .seconds(60))
        #expect(F.sent(F.drain(ps)).isEmpty, "no one to send to yet")

        // bob: stream up first, subscription later; carol: subscription in the hello, stream up later
        let bob = F.peer("bob"), carol = F.peer("carol")
        ps.addPeer(bob, protocol: GossipSubRouter.protocolV11, now: F.t0 + .seconds(5))
        _ = F.drain(ps)
        ps.receive(F.frame(F.subscribeRPC([F.topic])), from: bob, now: F.t0 + .seconds(5))
        ps.receive(F.frame(F.subscribeRPC([F.topic])), from: carol, now: F.t0 + .seconds(30))
        ps.addPeer(carol, protocol: GossipSubRouter.protocolV11, now: F.t0 + .seconds(30))
        let out = F.drain(ps)

        for peer in [bob, carol] {
            let sent = messages(to: peer, out)
            #expect(sent.count == 1)
            #expect(sent.first.map(F.messageID) == id, "the same message: receivers that have it drop it as seen")
            #expect(sent.first?.data == Data("alice joined".utf8))
        }
        #expect(F.delivered(out).isEmpty, "not shown to us again")
        #expect(ps.counters.lingeringSent == 2)
    }

    @Test func aPeerThatSubscribesAfterTheWindowGetsNothing() throws {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        try ps.publish(topic: F.topic, data: Array("hi".utf8), now: F.t0, lingerFor: .seconds(60))
        _ = F.drain(ps)
        ps.handleTimeout(now: F.t0 + .seconds(61))   // the sweep drops it
        #expect(ps.lingering.isEmpty)
        F.connected(ps, peers: [F.peer("late")], subscribeLocal: false)
        #expect(ps.counters.lingeringSent == 0)

        // lazily too, without a sweep between
        let other = F.engine("other")
        other.subscribe(F.topic, now: F.t0)
        try other.publish(topic: F.topic, data: Array("hi".utf8), now: F.t0, lingerFor: .seconds(60))
        _ = F.drain(other)
        other.addPeer(F.peer("late"), protocol: GossipSubRouter.protocolV11, now: F.t0 + .seconds(60))
        other.receive(F.frame(F.subscribeRPC([F.topic])), from: F.peer("late"), now: F.t0 + .seconds(60))
        #expect(messages(to: F.peer("late"), F.drain(other)).isEmpty)
        #expect(other.lingering.isEmpty)
    }

    @Test func onlyMessagesPublishedWithAWindowLinger() throws {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        try ps.publish(topic: F.topic, data: Array("plain".utf8), now: F.t0)
        _ = F.drain(ps)
        F.connected(ps, peers: [F.peer("bob")], subscribeLocal: false)
        #expect(ps.counters.lingeringSent == 0)
    }

    @Test func aNewerMessageReplacesTheLingeringOneAndLeavingDropsIt() throws {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        ps.subscribe("other", now: F.t0)
        try ps.publish(topic: F.topic, data: Array("first".utf8), now: F.t0, lingerFor: .seconds(60))
        try ps.publish(topic: F.topic, data: Array("second".utf8), now: F.t0, lingerFor: .seconds(60))
        try ps.publish(topic: "other", data: Array("elsewhere".utf8), now: F.t0, lingerFor: .seconds(60))
        _ = F.drain(ps)

        let bob = F.peer("bob")
        ps.receive(F.frame(F.subscribeRPC([F.topic, "other"])), from: bob, now: F.t0 + .seconds(1))
        ps.addPeer(bob, protocol: GossipSubRouter.protocolV11, now: F.t0 + .seconds(1))
        let sent = messages(to: bob, F.drain(ps)).map { String(decoding: $0.data, as: UTF8.self) }
        #expect(sent.sorted() == ["elsewhere", "second"])

        ps.unsubscribe("other", now: F.t0 + .seconds(2))
        _ = F.drain(ps)
        let carol = F.peer("carol")
        ps.receive(F.frame(F.subscribeRPC([F.topic, "other"])), from: carol, now: F.t0 + .seconds(3))
        ps.addPeer(carol, protocol: GossipSubRouter.protocolV11, now: F.t0 + .seconds(3))
        #expect(messages(to: carol, F.drain(ps)).map { String(decoding: $0.data, as: UTF8.self) } == ["second"])
    }

    @Test func aTopicWeDoNotSubscribeToKeepsNothing() throws {
        let ps = F.engine()
        try ps.publish(topic: "fanout-only", data: Array("x".utf8), now: F.t0, lingerFor: .seconds(60))
        #expect(ps.lingering.isEmpty)
    }

    @Test func theWindowStaysInsideTheSeenCache() throws {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        try ps.publish(topic: F.topic, data: Array("x".utf8), now: F.t0, lingerFor: .seconds(3600))
        #expect(ps.lingering[F.topic]?.until == F.t0 + ps.config.seenTTL / 2)
    }

    /// The receiving side: the lingering copy and a relayed copy of the same message are one delivery.
    @Test func aPeerThatGetsItTwiceDeliversItOnce() throws {
        let alice = F.engine("alice"), bob = F.engine("bob")
        alice.subscribe(F.topic, now: F.t0)
        try alice.publish(topic: F.topic, data: Array("alice joined".utf8), now: F.t0, lingerFor: .seconds(60))
        _ = F.drain(alice)

        F.connected(bob, peers: [alice.localPeer, F.peer("relay")])
        alice.receive(F.frame(F.subscribeRPC([F.topic])), from: bob.localPeer, now: F.t0 + .seconds(2))
        alice.addPeer(bob.localPeer, protocol: GossipSubRouter.protocolV11, now: F.t0 + .seconds(2))
        let copy = try #require(messages(to: bob.localPeer, F.drain(alice)).first)

        bob.receive(F.frame(F.publishRPC([copy])), from: alice.localPeer, now: F.t0 + .seconds(2))
        bob.receive(F.frame(F.publishRPC([copy])), from: F.peer("relay"), now: F.t0 + .seconds(3))
        let delivered = F.delivered(F.drain(bob))
        #expect(delivered.count == 1)
        #expect(delivered.first?.from == alice.localPeer)
        #expect(bob.counters.duplicates == 1)
    }
}
