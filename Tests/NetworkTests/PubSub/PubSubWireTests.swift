import Foundation
import Testing
@testable import Network

@Suite struct PubSubWireTests {
    typealias F = PubSubFixture

    @Test func helloRPCListsAllOurSubscriptions() {
        let ps = F.engine()
        ps.subscribe("b", now: F.t0)
        ps.subscribe("a", now: F.t0)
        #expect(F.drain(ps).isEmpty)               // no peers yet
        let remote = F.peer("remote")
        ps.addPeer(remote, protocol: GossipSubRouter.protocolV11, now: F.t0)
        let rpcs = F.sent(to: remote, F.drain(ps))
        #expect(rpcs.count == 1)
        #expect(rpcs.first?.subscriptions.map(\.topicid) == ["a", "b"])
        #expect(rpcs.first?.subscriptions.allSatisfy(\.subscribe) == true)
    }

    @Test func subscriptionChangesAreAnnouncedToConnectedPeers() {
        let ps = F.engine()
        let remote = F.peer("remote")
        ps.addPeer(remote, protocol: GossipSubRouter.protocolV11, now: F.t0)
        #expect(F.drain(ps).isEmpty)               // nothing to say: no hello without subscriptions
        ps.subscribe("x", now: F.t0)
        ps.unsubscribe("x", now: F.t0)
        let subs = F.sent(to: remote, F.drain(ps)).flatMap(\.subscriptions)
        #expect(subs.map(\.subscribe) == [true, false])
        #expect(subs.map(\.topicid) == ["x", "x"])
    }

    @Test(arguments: WireChunking.sizes)
    func rpcsAreReassembledInEveryChunking(size: Int) {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        let remote = F.peer("remote")
        let input = F.frame(F.subscribeRPC(["t1", "t2"]))
            + F.frame(F.publishRPC([F.signed("alice", "one", seqno: 1)]))
            + F.frame(F.publishRPC([F.signed("alice", "two", seqno: 2), F.signed("bob", "three", seqno: 1)]))
        for piece in WireChunking.split(input, size) { ps.receive(Array(piece), from: remote, now: F.t0) }
        #expect(ps.topics(of: remote) == ["t1", "t2"])
        let texts = F.delivered(F.drain(ps)).map { String(decoding: $0.data, as: UTF8.self) }
        #expect(texts == ["one", "two", "three"])
        #expect(ps.counters.rpcsReceived == 3)
    }

    @Test(arguments: WireChunking.sizes)
    func oversizeRPCIsSkippedCountedAndPenalised(size: Int) {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        let remote = F.peer("remote")
        var huge: [UInt8] = []
        Varint.encode(UInt64(ps.config.maxRPCSize + 1), into: &huge)
        huge += [UInt8](repeating: 0x0a, count: ps.config.maxRPCSize + 1)
        let input = huge + F.frame(F.publishRPC([F.signed("alice", "after", seqno: 1)]))
        let pieces = size == 1 ? [input[...]] : WireChunking.split(input, size == Int.max ? size : size * 1000)
        for piece in pieces { ps.receive(Array(piece), from: remote, now: F.t0) }
        #expect(ps.counters.oversizeRPCs == 1)
        #expect(ps.score(remote) < 0)
        // The stream stays usable: the next RPC is read.
        #expect(F.delivered(F.drain(ps)).map(\.data) == [Array("after".utf8)])
    }

    @Test func badLengthPrefixDesynchronisesTheStream() {
        let ps = F.engine()
        let remote = F.peer("remote")
        ps.receive([0x80, 0x00] + F.frame(F.subscribeRPC(["x"])), from: remote, now: F.t0)   // non-minimal varint
        let commands = F.drain(ps)
        #expect(commands.contains { if case .disconnect(remote, .badLengthPrefix(.notMinimal)) = $0 { true } else { false } })
        #expect(ps.topics(of: remote).isEmpty)
        #expect(ps.counters.malformedRPCs == 1)
    }

    @Test func malformedProtobufIsDroppedAndTheNextRPCStillWorks() {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        let remote = F.peer("remote")
        let bad: [[UInt8]] = [
            [0x0a, 0x05, 0x01],            // length past the end
            [0x0f],                        // wire type 7
            [0x12, 0x02, 0x0a, 0x09],      // truncated inner message
            [0x1a, 0x02, 0x0a, 0x05],      // malformed control
            [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],   // 11-byte varint
        ]
        // Two per peer: penalised, but not yet graylisted (three would be).
        for (i, body) in bad.enumerated() {
            ps.receive(LengthPrefixed.frame(body), from: i < 2 ? remote : F.peer("other\(i)"), now: F.t0)
        }
        #expect(ps.counters.malformedRPCs == bad.count)
        #expect(ps.score(remote) < 0)
        ps.receive(F.frame(F.publishRPC([F.signed("alice", "ok", seqno: 1)])), from: remote, now: F.t0)
        #expect(F.delivered(F.drain(ps)).count == 1)
    }

    @Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
        let ps = F.engine()
        ps.subscribe(F.topic, now: F.t0)
        let remote = F.peer("remote")
        // Unknown top-level fields: 4 (py senderRecord, bytes), 9 varint, 10 fixed64, 11 group, 12 fixed32.
        let unknown: [UInt8] = [0x22, 0x03, 1, 2, 3, 0x48, 0x96, 0x01, 0x51] + [UInt8](repeating: 7, count: 8)
            + [0x5b, 0x08, 0x01, 0x5c] + [0x65, 1, 2, 3, 4]
        // An unknown field inside the message, after the signature (still covered by it? no: appended later,
        // so it must be excluded — we instead put it before the signature and sign over it).
        let k = F.key("alice")
        var msg: [UInt8] = []
        ProtoWire.appendBytes(1, k.peerID.bytes, to: &msg)
        ProtoWire.appendBytes(2, Array("x".utf8), to: &msg)
        ProtoWire.appendBytes(3, StrictSign.seqnoBytes(9), to: &msg)
        ProtoWire.appendBytes(4, Array(F.topic.utf8), to: &msg)
        ProtoWire.appendVarintField(15, 42, to: &msg)
        let sig = k.sign(StrictSign.prefix + msg)
        ProtoWire.appendBytes(5, sig, to: &msg)
        var body = unknown
        ProtoWire.appendBytes(2, msg, to: &body)
        var sub: [UInt8] = []
        ProtoWire.appendVarintField(1, 1, to: &sub)
        ProtoWire.appendBytes(2, Array("t".utf8), to: &sub)
        ProtoWire.appendVarintField(7, 1, to: &sub)
        ProtoWire.appendBytes(1, sub, to: &body)
        body += [0x1a, 0x02, 0x38, 0x01]   // control with unknown field 7 (py `observe`)
        ps.receive(LengthPrefixed.frame(body), from: remote, now: F.t0)
        #expect(ps.counters.malformedRPCs == 0)
        #expect(ps.topics(of: remote) == ["t"])
        #expect(F.delivered(F.drain(ps)).map(\.seqno) == [9])
    }

    @Test func largeOutputIsSplitIntoRPCsUnderTheLimit() {
        var rpc = OutgoingRPC()
        rpc.messages = (0..<5).map { _ in [UInt8](repeating: 1, count: 300_000) }
        let frames = rpc.frames(maxSize: 1 << 20)
        #expect(frames.count == 2)
        #expect(frames.allSatisfy { $0.count <= 1 << 20 })
    }
}
