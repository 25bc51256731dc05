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

    /// A chat message in topic "chat" signed by py-libp2p 0.8.1 with an RSA identity, `key` included.
    static let rsaSigned = RSAPublicKeyTests.hex("0a2212206f130dbfecab72469a64b17ded9d1a8ed86771e265c950fc57366a53599dbf851297017b2274797065223a226d657373616765222c22636f6e74656e74223a2268656c6c6f2066726f6d20616e2052534120617574686f72222c22757365726e616d65223a22727361222c2274696d657374616d70223a313739363230303030302c2266726f6d223a22516d5670457045595047424b6a736536743542636b546e624a316d44777277614654375964334e6e384853415974227d1a0800000000000000072204636861742a800205d04280a77e7877563c2b9d2b8ad3054bdc74328e22a3cb5b2dee4d2184cf06cb82e24bcc5c07cda2c5bf9cfe02d623d04a9f707e7f82cee209636de5d18d51edb6a8ff41398d1f0478d864170d439faf6e1d4a96719dd28b479baf2487b2d4e18a379d99bc00697c50c34cfb473ec86d9334b52f53a258392e76a9ad80455842d372b5782141fa17ba3bb851b661601d8ce96441888fb31bb0d324940816ed8c7c6188703cba4ae30c8eb070de6b7a8bbb1eecbe7aa6ccab2faf73b8952a1a429589b52d2894b6659c4ab7be52335c661dc1699876b67ccb03cba3a99ecf5b5a393b687c49074abc922c3fa84eff4b616ae68eb5a0c5251b756518cc56cdf032ab02080012a60230820122300d06092a864886f70d01010105000382010f003082010a0282010100fb5aa34a9f8c747bd71507c87eba56c5a3a4bc93259bcfe350cc7a6e7830fadebf332bf49fd5e7b66587cc82015787140df65f9cbfa85789c1d7d80fcc454a335a23301d1b0604a0520b58174cd8deb6c9a9d2cb718deaed7d9bd917b58aa3f0e79d6a3a7d3ea3849ae0f4840e363cb3ef0aa10d89246fa5f1e345217c4424c01e62a248b7f6b7fe74e316da79d228c5cc5d438837ae7dfad423fde94ed51b600bb411a596832623670a7055c0c8d083d8e11839cd8f5a5412f40b7ee26045221e4a6e8e4388cf888a54bd93f335eb1719e2435995679d3776c764c6869ab884c0d1c209a4db05d5cf22e56d299f18971b33a3ce32cedaf536fe719633a9d60d0203010001")

    /// A chat message in topic "chat" (seqno 7) signed by the spec's ECDSA (P-256) key with OpenSSL (Python
    /// `cryptography`), as py would build it: fields 1–4, the DER signature, and `key` (a `Qm…` PeerID does
    /// not inline it).
    static let ecdsaSigned = RSAPublicKeyTests.hex("0a22122068362c312e155f4f7290b67f5cd094a22a0a4fbf20efd8c287934419350d36f7124b7b2274797065223a226d657373616765222c22636f6e74656e74223a2268656c6c6f2066726f6d20616e20454344534120617574686f72222c22757365726e616d65223a2270323536227d1a0800000000000000072204636861742a473045022100dd3c4f6fc35848ab26e6223c25f9b3cd4181e874680c31b17a8a4a2856e0463202202e580329bb86c7f9d01d6d08d492b7ad6962c57968a9bfc98c7182437d2e8aa2325f0803125b3059301306072a8648ce3d020106082a8648ce3d03010703420004de3d300fa36ae0e8f5d530899d83abab44abf3161f162a4bc901d8e6ecda020e8b6d5f8da30525e71d6851510c098e5c47c646a597fb4dcec034e9f77c409e62")

    /// The slow authors' messages: RSA and ECDSA (P-256), with the PeerIDs that signed them.
    static let slowSigned = ["RSA": (rsaSigned, "QmVpEpEYPGBKjse6t5BckTnbJ1mDwrwaFT7Yd3Nn8HSAYt"),
                             "ECDSA": (ecdsaSigned, ECDSAPublicKeyTests.peer)]

    /// Signatures that are not Ed25519 cost 15–65× more to check: a relay gets a budget of them, and a message
    /// over it is dropped unchecked (not seen, not blamed), so a later copy is checked once the budget refills.
    @Test(arguments: ["RSA", "ECDSA"])
    func slowVerifiesHaveABudgetPerRelay(algorithm: String) throws {
        var config = F.gossipConfig()
        config.slowVerifyBurstPerPeer = 2
        config.slowVerifyRatePerPeer = 1
        let ps = F.engine(config: config)
        ps.subscribe(F.topic, now: F.t0)
        let good = try PubSubMessage(serializedBytes: try #require(Self.slowSigned[algorithm]).0)
        let relay = F.peer("relay")
        #expect(F.peer("alice").bytes.starts(with: PeerID.ed25519Prefix))
        let ed25519 = (1...3).map { F.signed("alice", "fast \($0)", seqno: UInt64($0)) }
        ps.receive(F.frame(F.publishRPC(ed25519)), from: relay, now: F.t0)   // Ed25519 authors take no budget
        #expect(F.delivered(F.drain(ps)).count == 3)
        for seqno in 1...2 {   // two forged messages use up the relay's burst
            var forged = good
            forged.seqno = Data(StrictSign.seqnoBytes(UInt64(seqno)))
            ps.receive(F.frame(F.publishRPC([forged])), from: relay, now: F.t0)
        }
        ps.receive(F.frame(F.publishRPC([good])), from: relay, now: F.t0)
        #expect(F.delivered(F.drain(ps)).isEmpty)
        #expect(ps.counters.invalidSignatures == 2 && ps.counters.slowVerifiesRefused == 1)

        ps.receive(F.frame(F.publishRPC([good])), from: F.peer("other"), now: F.t0)   // another relay's budget
        #expect(F.delivered(F.drain(ps)).count == 1, "not marked seen while refused")
        #expect(ps.counters.invalidSignatures == 2, "the refusal blamed no one")
        var later = good
        later.seqno = Data(StrictSign.seqnoBytes(3))
        ps.receive(F.frame(F.publishRPC([later])), from: relay, now: F.t0 + .seconds(1))
        #expect(ps.counters.invalidSignatures == 3 && ps.counters.slowVerifiesRefused == 1,
                "a second later the relay has a token again: its next message is checked (and this one is forged)")
    }

    /// An RSA author (py-libp2p 0.8.1 with an RSA identity signed this message, `key` included) or an ECDSA one:
    /// verified with `RSAPublicKey` / `ECDSAPublicKey` and delivered; the same bytes with the data changed are
    /// rejected.
    @Test(arguments: ["RSA", "ECDSA"])
    func aSlowAuthorsMessageVerifies(algorithm: String) throws {
        let (signed, author) = try #require(Self.slowSigned[algorithm])
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        let message = try PubSubMessage(serializedBytes: signed)
        var forged = message
        forged.data = Data("x".utf8)
        ps.receive(F.frame(F.publishRPC([forged])), from: F.peer("relay"), now: F.t0)
        ps.receive(F.frame(F.publishRPC([message])), from: F.peer("relay"), now: F.t0)
        let delivered = F.delivered(F.drain(ps))
        #expect(delivered.count == 1)
        #expect(delivered.first?.from.base58 == author)
        #expect(ps.counters.invalidSignatures == 1)
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
