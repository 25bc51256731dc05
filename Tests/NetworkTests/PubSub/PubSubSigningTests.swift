import Foundation
import Testing
@testable import Network

@Suite struct PubSubSigningTests {
    typealias F = PubSubFixture
    static let unsignedHex = "0a2600240801122031a4832992cb47a8cd107e0f229f3f592197f7172e5f07ef42c7a40ce89d21b8120268691a080000000000000001220463686174"
    static let signatureHex = "595e8d4e935fc4c51f2da4884ed8a9b036ccb70c6b50f22b6d5c543bf8f9834a50683f28da335932f5970b2c2ef86a14d23c9e58c60bfcb377e2875c5aec7b0c"

    @Test func protocolsVectorSignsAndVerifies() throws {
        let k = F.key("swift-peer")
        #expect(k.publicKey.ed25519.hex == "31a4832992cb47a8cd107e0f229f3f592197f7172e5f07ef42c7a40ce89d21b8")
        #expect(k.peerID.base58 == "12D3KooWDA9eATf2w7gVUwaRM4ZtKzkuHZw7FAMa4apwdovUw8P1")
        let raw = StrictSign.encode(from: k.peerID, data: Array("hi".utf8), seqno: 1, topic: "chat", signer: k)
        var expected = WireChunking.bytes(Self.unsignedHex)
        ProtoWire.appendBytes(5, WireChunking.bytes(Self.signatureHex), to: &expected)
        #expect(raw.hex == expected.hex)

        var keys = AuthorKeyCache()
        let scanned = try ScannedMessage(raw, 0..<raw.count)
        #expect(try StrictSign.verify(scanned, in: raw, keys: &keys) == k.peerID)
    }

    @Test func ownPublishIsSignedDeliveredOnceAndSeqnoAdvances() throws {
        let ps = PubSub(identity: F.key("me"), config: F.gossipConfig(), seqnoStart: 1_000, now: F.t0)
        ps.subscribe(F.topic, now: F.t0)
        let id = try ps.publish(topic: F.topic, data: Array("hello".utf8), now: F.t0)
        #expect(ps.nextSeqno == 1_001)
        #expect(id.bytes == F.peer("me").bytes + StrictSign.seqnoBytes(1_000))
        let delivered = F.delivered(F.drain(ps))
        #expect(delivered.count == 1)
        #expect(delivered.first?.receivedFrom == nil)
        #expect(delivered.first?.seqno == 1_000)
        // Our message echoed back by a peer is a duplicate.
        let remote = F.peer("remote")
        let echo = try PubSubMessage(serializedBytes: StrictSign.encode(from: ps.localPeer, data: Array("hello".utf8),
                                                                       seqno: 1_000, topic: F.topic, signer: F.key("me")))
        ps.receive(F.frame(F.publishRPC([echo])), from: remote, now: F.t0)
        #expect(F.delivered(F.drain(ps)).isEmpty)
        #expect(ps.counters.duplicates == 1)
    }

    @Test func replayedMessagesAreDeliveredOnce() {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        let m = F.signed("alice", "hi", seqno: 5)
        ps.receive(F.frame(F.publishRPC([m, m])), from: F.peer("a"), now: F.t0)
        ps.receive(F.frame(F.publishRPC([m])), from: F.peer("b"), now: F.t0 + .seconds(60))
        #expect(F.delivered(F.drain(ps)).count == 1)
        #expect(ps.counters.duplicates == 2)
    }

    @Test func unsignedForgedAndWrongKeyMessagesAreRejected() throws {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        let remote = F.peer("remote")
        var unsigned = F.signed("alice", "x", seqno: 1); unsigned.clearSignature()
        var noFrom = F.signed("alice", "x", seqno: 2); noFrom.clearFrom()
        var noSeqno = F.signed("alice", "x", seqno: 3); noSeqno.clearSeqno()
        var forged = F.signed("alice", "x", seqno: 4); forged.data = Data("y".utf8)
        var wrongFrom = F.signed("alice", "x", seqno: 5); wrongFrom.from = Data(F.peer("bob").bytes)
        var wrongKey = F.signed("alice", "x", seqno: 6); wrongKey.key = Data(F.key("bob").publicKey.protobuf)
        var badSig = F.signed("alice", "x", seqno: 7); badSig.signature = Data(repeating: 0, count: 64)
        var garbageFrom = F.signed("alice", "x", seqno: 8); garbageFrom.from = Data([1, 2, 3])
        let bad = [unsigned, noFrom, noSeqno, forged, wrongFrom, wrongKey, badSig, garbageFrom]
        for m in bad { ps.receive(F.frame(F.publishRPC([m])), from: remote, now: F.t0) }
        for (i, m) in bad.enumerated() { ps.receive(F.frame(F.publishRPC([m])), from: F.peer("relay\(i)"), now: F.t0) }
        #expect(F.delivered(F.drain(ps)).isEmpty)
        // Every one counts, from `remote` and from the distinct relays; eight put `remote` far below the
        // gossip threshold (8² × −1 = −64) but not yet graylisted (−80).
        #expect(ps.counters.unsignedMessages == 3 + 3)
        #expect(ps.counters.invalidSignatures == 5 + 5)
        #expect(ps.counters.graylistedRPCs == 0)
        #expect(ps.score(remote) == -64)
        #expect(ps.score(remote) < ps.config.gossipParams!.score.gossipThreshold)

        // A matching `key` (py always sends one) is accepted; the forged copy didn't poison the seen-cache.
        let other = F.peer("other")
        var withKey = F.signed("alice", "x", seqno: 4); withKey.key = Data(F.key("alice").publicKey.protobuf)
        ps.receive(F.frame(F.publishRPC([withKey])), from: other, now: F.t0)
        #expect(F.delivered(F.drain(ps)).count == 1)
    }

    /// An RSA author (allowed by the spec, unseen in chat) cannot be checked by our Ed25519 verifier: its message
    /// is dropped as ignored, and the peer that relayed it keeps its score.
    @Test func anRSAAuthorsMessageIsIgnoredWithoutBlamingTheRelay() throws {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        let rsa = try PublicKey(protobuf: RSAPublicKeyTests.envelope)
        var message = F.signed("alice", "x", seqno: 1)
        message.from = Data(rsa.peerID.bytes)
        message.key = Data(RSAPublicKeyTests.envelope)
        message.signature = Data(RSAPublicKeyTests.signature)
        let relay = F.peer("relay")
        ps.receive(F.frame(F.publishRPC([message])), from: relay, now: F.t0)
        #expect(F.delivered(F.drain(ps)).isEmpty)
        #expect(ps.counters.ignored == 1 && ps.counters.invalidSignatures == 0)
        #expect(ps.score(relay) == 0)
    }

    @Test func graylistedPeersAreIgnoredUntilTheirScoreDecays() {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        let remote = F.peer("remote")
        ps.addPeer(remote, protocol: GossipSubRouter.protocolV11, now: F.t0)
        for seq in 1...9 {   // 9² × −1 = −81: below the graylist threshold (−80)
            var m = F.signed("alice", "x", seqno: UInt64(seq)); m.signature = Data(repeating: 1, count: 64)
            ps.receive(F.frame(F.publishRPC([m])), from: remote, now: F.t0)
        }
        ps.receive(F.frame(F.publishRPC([F.signed("alice", "good", seqno: 99)])), from: remote, now: F.t0)
        #expect(ps.counters.graylistedRPCs == 1)
        #expect(F.delivered(F.drain(ps)).isEmpty)
        var now = F.t0
        for _ in 0..<30 { now = now + .seconds(1); ps.handleTimeout(now: now) }
        ps.receive(F.frame(F.publishRPC([F.signed("alice", "good", seqno: 99)])), from: remote, now: now)
        #expect(F.delivered(F.drain(ps)).count == 1)
    }

    @Test func appValidatorRejectPenalisesAndIgnoreDrops() {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        ps.validator = { m in
            switch String(decoding: m.data, as: UTF8.self) { case "bad": .reject; case "meh": .ignore; default: .accept }
        }
        let remote = F.peer("remote")
        ps.receive(F.frame(F.publishRPC([F.signed("a", "bad", seqno: 1), F.signed("a", "meh", seqno: 2),
                                         F.signed("a", "ok", seqno: 3)])), from: remote, now: F.t0)
        #expect(F.delivered(F.drain(ps)).map(\.seqno) == [3])
        #expect(ps.counters.rejected == 1 && ps.counters.ignored == 1)
        #expect(ps.score(remote) < 0)
        #expect(throws: PubSubError.rejectedByValidator(.reject)) {
            try ps.publish(topic: F.topic, data: Array("bad".utf8), now: F.t0)
        }
    }

    @Test func messagesForTopicsWeDontSubscribeToAreIgnored() {
        let ps = F.engine()
        ps.receive(F.frame(F.publishRPC([F.signed("a", "x", seqno: 1, topic: "other")])), from: F.peer("r"), now: F.t0)
        #expect(F.delivered(F.drain(ps)).isEmpty)
        #expect(ps.counters.unsubscribedTopic == 1)
    }
}

/// `AuthorKeyCache` keeps busy authors' keys (and their verify tables) while a flood of one-off authors
/// passes through, and stays within its capacity.
@Suite struct AuthorKeyCacheTests {
    static func signed(by key: PrivateKey, _ n: UInt64) throws -> (raw: [UInt8], scanned: ScannedMessage) {
        let raw = StrictSign.encode(from: key.peerID, data: Array("m\(n)".utf8), seqno: n, topic: "t", signer: key)
        return (raw, try ScannedMessage(raw, 0..<raw.count))
    }

    @Test func busyAuthorKeepsItsKeyThroughAFloodOfNewAuthors() throws {
        var cache = AuthorKeyCache()
        let busy = PrivateKey.generate()
        let first = try Self.signed(by: busy, 1)
        _ = try StrictSign.verify(first.scanned, in: first.raw, keys: &cache)
        let (_, key) = try cache.key(from: busy.peerID.bytes[...], keyField: nil)
        // 3 × capacity fresh authors, the busy one sending every 100th message.
        for i in 0..<(3 * AuthorKeyCache.capacity) {
            let author = PrivateKey.generate()
            let m = try Self.signed(by: author, UInt64(i))
            #expect(try StrictSign.verify(m.scanned, in: m.raw, keys: &cache) == author.peerID)
            if i % 100 == 0 {
                let mine = try Self.signed(by: busy, UInt64(i + 2))
                #expect(try StrictSign.verify(mine.scanned, in: mine.raw, keys: &cache) == busy.peerID)
            }
            #expect(cache.count <= AuthorKeyCache.capacity)
        }
        let (_, after) = try cache.key(from: busy.peerID.bytes[...], keyField: nil)
        #expect(after === key, "the busy author's key (and table) was never evicted")
    }

    @Test func aWorkingSetOfCapacityAuthorsStaysWhole() throws {
        var cache = AuthorKeyCache()
        let authors = (0..<AuthorKeyCache.capacity).map { _ in PrivateKey.generate().peerID.bytes[...] }
        let first = try authors.map { try cache.key(from: $0, keyField: nil).1 }
        for _ in 0..<2 {
            for (i, from) in authors.enumerated() {
                #expect(try cache.key(from: from, keyField: nil).1 === first[i])
            }
        }
        #expect(cache.count == AuthorKeyCache.capacity)
    }

    @Test func anIdleAuthorIsEvictedOnceTheCacheIsFull() throws {
        var cache = AuthorKeyCache()
        let idle = PrivateKey.generate()
        let (_, key) = try cache.key(from: idle.peerID.bytes[...], keyField: nil)
        for _ in 0..<AuthorKeyCache.capacity {
            _ = try cache.key(from: PrivateKey.generate().peerID.bytes[...], keyField: nil)
        }
        let (_, again) = try cache.key(from: idle.peerID.bytes[...], keyField: nil)
        #expect(again !== key, "an author silent for a whole capacity of others is re-parsed")
        #expect(cache.count <= AuthorKeyCache.capacity)
    }
}
