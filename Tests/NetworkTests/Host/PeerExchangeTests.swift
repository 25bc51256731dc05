import Foundation
import Testing
@testable import Network

extension HostTests {
    /// Signed peer records on real hosts: identify carries ours and keeps theirs once verified, and a PRUNE's PX
    /// list makes the pruned host dial the offered peers whose records verify, and only those.
    @Suite struct PeerExchange {
        /// Services observe their host through `unowned` references: tests keep them until the hosts are closed.
        final class Services {
            var all: [PubSubService] = []
            func make(_ node: TestHost, _ h: HostHarness) -> PubSubService {
                let service = PubSubService(host: node.host, engine: PubSub(identity: node.host.identity, seqnoStart: 1,
                                                                             now: h.reactor.now))
                all.append(service)
                return service
            }
        }

        @Test func identifyCarriesASignedRecordOfTheListenAddresses() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let a = try h.makeHost(), b = try h.makeHost()
            try h.connect(a, b)
            try h.run("both identified") { !a.identified.isEmpty && !b.identified.isEmpty }
            let record = try #require(a.host.peerRecord(of: b.peerID))
            #expect(record.peer == b.peerID)
            #expect(record.addresses == [b.address.removingPeerID()])
            #expect(b.host.peerRecord(of: a.peerID)?.addresses == [a.address.removingPeerID()])
            b.host.disconnect(a.peerID)
            try h.run("dropped") { !a.isConnected(to: b) }
            #expect(a.host.peerRecord(of: b.peerID) == nil, "kept only while connected")
        }

        @Test func identifyKeepsNoRecordThatIsNotThePeersOwn() throws {
            let h = HostHarness()
            defer { h.shutdown() }
            let a = try h.makeHost(), b = try h.makeHost()
            let stranger = SignedPeerRecord(addresses: [b.address], seq: 1, key: .generate())
            a.host.recordPeerRecord(stranger.envelope, from: b.peerID)
            a.host.recordPeerRecord([0x0a, 0x05], from: b.peerID)
            #expect(a.host.peerRecord(of: b.peerID) == nil)
        }

        /// B, a mesh peer, prunes A with a PX list: C with C's own record (dialed), D with no record, E with C's record
        /// (neither dialed: an unsigned or misattributed address could point A anywhere).
        @Test func aPruneWithPXMakesUsDialTheOfferedPeersWithVerifiedRecords() throws {
            let clock = ManualClock()
            let h = HostHarness(clock: clock), services = Services()
            defer { h.shutdown(); withExtendedLifetime(services) {} }
            let a = try h.makeHost(), b = try h.makeHost(), c = try h.makeHost(), d = try h.makeHost()
            let aPubSub = services.make(a, h), bPubSub = services.make(b, h)
            aPubSub.subscribe("room")
            bPubSub.subscribe("room")
            try h.connect(b, a)
            try h.run("B in A's mesh (only a mesh peer's PRUNE carries PX we act on)") {
                clock.advance(by: .milliseconds(100))   // heartbeats
                return aPubSub.engine.mesh("room").contains(b.peerID)
            }
            let cRecord = SignedPeerRecord(addresses: [c.address], seq: 1, key: c.host.identity)
            let offers: [PeerInfo] = [
                .with { $0.peerID = Data(c.peerID.bytes); $0.signedPeerRecord = Data(cRecord.envelope) },
                .with { $0.peerID = Data(d.peerID.bytes) },
                .with { $0.peerID = Data(PrivateKey.generate().peerID.bytes); $0.signedPeerRecord = Data(cRecord.envelope) },
            ]
            let prune = LengthPrefixed.frame(try ControlPrune.pruneRPC(topic: "room", offers: offers).serializedBytes() as [UInt8])
            let handler = RecordingHandler()
            let stream = try b.host.newStream(to: a.peerID, protocols: [GossipSubRouter.protocolV11], handler: handler)
            try h.run("raw pubsub stream open") { handler.opened }
            stream.write(prune)
            try h.run("A dialed C") { a.isConnected(to: c) }
            try h.settle()
            #expect(!a.isConnected(to: d))
            #expect(a.dialFailures.isEmpty)
            #expect(a.connected.map(\.peer).sorted() == [b.peerID, c.peerID].sorted())
            #expect(aPubSub.pxDials.isEmpty)
        }

        /// An offered peer whose signed addresses are all unreachable is tried on each, then forgotten.
        @Test func everySignedAddressIsTriedThenThePeerIsDropped() throws {
            let clock = ManualClock()
            let h = HostHarness(clock: clock), services = Services()
            defer { h.shutdown(); withExtendedLifetime(services) {} }
            let a = try h.makeHost()
            let aPubSub = services.make(a, h)
            let key = PrivateKey.generate()
            let refused = [try Multiaddr("/ip4/127.0.0.1/tcp/1"), try Multiaddr("/ip4/127.0.0.1/tcp/2")]
            let record = SignedPeerRecord(addresses: refused, seq: 1, key: key)
            aPubSub.connectOffered(key.peerID, record: record.envelope)
            try h.run("both addresses failed") { a.dialFailures.count == 2 }
            #expect(Set(a.dialFailures.map { $0.address.removingPeerID() }) == Set(refused))
            #expect(aPubSub.pxDials.isEmpty)
        }
    }
}

extension ControlPrune {
    /// An RPC whose only content is a PRUNE of `topic` offering `offers`.
    static func pruneRPC(topic: String, offers: [PeerInfo]) -> RPC {
        .with { rpc in
            rpc.control = .with { $0.prune = [.with { $0.topicID = topic; $0.backoff = 60; $0.peers = offers }] }
        }
    }
}
