import Testing
@testable import Network

@Suite struct KadWireTests {
    let alice = KadFixture.peer("alice")
    let bob = KadFixture.peer("bob")

    @Test func findNodeRequestBytesAreExact() {
        let message = KadMessage(type: .findNode, key: [0xaa, 0xbb])
        #expect(message.encode() == [0x08, 0x04, 0x12, 0x02, 0xaa, 0xbb])
        #expect(message.framed() == [0x06, 0x08, 0x04, 0x12, 0x02, 0xaa, 0xbb])
        // PUT_VALUE is type 0: the field is left out, as proto3 does.
        #expect(KadMessage(type: .putValue, key: [1]).encode() == [0x12, 0x01, 0x01])
    }

    @Test func everyFieldRoundTrips() throws {
        let message = KadMessage(
            type: .getProviders, key: KadKey.rendezvous("room"),
            record: KadRecord(key: [1, 2], value: [3, 4, 5], timeReceived: "2026-11-25T00:00:00Z"),
            closerPeers: [KadPeer(id: alice, addrs: [KadFixture.addr(1), KadFixture.addr(2)], connection: .connected)],
            providerPeers: [KadPeer(id: bob, addrs: [KadFixture.addr(3)])])
        #expect(try KadMessage(decoding: message.encode()) == message)
    }

    @Test func unknownFieldsAreSkipped() throws {
        // py 0.8.1 adds Message.senderRecord=11 and Peer.signedRecord=4, and go sets clusterLevelRaw=10.
        var peer = KadPeer(id: alice, addrs: [KadFixture.addr(1)]).encode()
        ProtoWire.appendBytes(4, [9, 9, 9], to: &peer)
        var bytes = KadMessage(type: .findNode, key: [7]).encode()
        ProtoWire.appendBytes(8, peer, to: &bytes)
        ProtoWire.appendVarintField(10, 3, to: &bytes)
        ProtoWire.appendBytes(11, [1, 2, 3], to: &bytes)
        let decoded = try KadMessage(decoding: bytes)
        #expect(decoded.type == .findNode)
        #expect(decoded.key == [7])
        #expect(decoded.closerPeers == [KadPeer(id: alice, addrs: [KadFixture.addr(1)])])
    }

    @Test func peersWithBadIDsAndBadAddressesAreDropped() throws {
        var bad = [UInt8]()
        ProtoWire.appendBytes(1, [0xff, 0x01, 0x02], to: &bad)
        var good = [UInt8]()
        ProtoWire.appendBytes(1, bob.bytes, to: &good)
        ProtoWire.appendBytes(2, [0xff, 0xff, 0xff, 0x7f], to: &good)    // unknown multiaddr protocol
        ProtoWire.appendBytes(2, KadFixture.addr(5).bytes, to: &good)
        var bytes = KadMessage(type: .findNode).encode()
        ProtoWire.appendBytes(8, bad, to: &bytes)
        ProtoWire.appendBytes(8, good, to: &bytes)
        #expect(try KadMessage(decoding: bytes).closerPeers == [KadPeer(id: bob, addrs: [KadFixture.addr(5)])])
    }

    @Test(arguments: [
        ([0x08], KadError.malformed(.truncated(at: 1))),
        ([0x08, 0x09], KadError.unknownMessageType(9)),
        ([0x12, 0x05, 0x01], KadError.malformed(.truncated(at: 2))),
        ([0x0f], KadError.malformed(.badWireType(7, at: 0))),
    ] as [([UInt8], KadError)])
    func garbageGivesATypedError(bytes: [UInt8], expected: KadError) {
        #expect(throws: expected) { try KadMessage(decoding: bytes) }
    }

    @Test func oversizedKeyIsRefused() {
        let bytes = KadMessage(type: .getValue, key: Array(repeating: 1, count: KadMessage.maxKeySize + 1)).encode()
        #expect(throws: KadError.keyTooLarge(KadMessage.maxKeySize + 1)) { try KadMessage(decoding: bytes) }
    }

    @Test func framesArriveInAnyChunking() throws {
        let messages = [KadMessage(type: .findNode, key: alice.bytes),
                        KadMessage(type: .getProviders, key: KadKey.rendezvous("x"), closerPeers: [KadFixture.kadPeer(bob)])]
        let stream = messages.flatMap { $0.framed() }
        for chunk in 1...stream.count {
            var reader = KadFrameReader()
            var got: [KadMessage] = []
            for start in stride(from: 0, to: stream.count, by: chunk) {
                reader.feed(Array(stream[start..<min(start + chunk, stream.count)]))
                while let message = try reader.next() { got.append(message) }
            }
            #expect(got == messages, "chunk \(chunk)")
        }
    }

    @Test func oversizedAndBadFramesGiveTypedErrors() {
        var reader = KadFrameReader()
        var big: [UInt8] = []
        Varint.encode(UInt64(KadMessage.maxSize + 1), into: &big)
        reader.feed(big)
        #expect(throws: KadError.messageTooLarge(length: UInt64(KadMessage.maxSize + 1), limit: KadMessage.maxSize)) { try reader.next() }
        var bad = KadFrameReader()
        bad.feed(Array(repeating: 0xff, count: 10))
        #expect(throws: KadError.self) { try bad.next() }
        var garbage = KadFrameReader()
        garbage.feed([0x02, 0x08, 0x07])
        #expect(throws: KadError.unknownMessageType(7)) { try garbage.next() }
    }
}
