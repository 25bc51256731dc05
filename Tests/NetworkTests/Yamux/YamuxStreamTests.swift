import Testing
@testable import Network

/// Stream lifecycle between two sessions: open, write, half-close, reset, GO_AWAY, caps.
@Suite struct YamuxStreamTests {
    @Test(arguments: yamuxChunkings) func openWriteRead(chunk: Int) throws {
        let pair = YamuxTestPair(chunk: chunk)
        let id = try pair.client.session.openStream()
        #expect(id == 1)
        try pair.client.session.write(id, Array("hello".utf8))
        try pair.pump()
        #expect(pair.server.events.contains(.inboundStream(1)))
        #expect(pair.server.received[1] == Array("hello".utf8))
        #expect(pair.client.events.contains(.streamAcked(1)))

        try pair.server.session.write(1, Array("world".utf8))
        let second = try pair.server.session.openStream()
        #expect(second == 2)
        try pair.pump()
        #expect(pair.client.received[1] == Array("world".utf8))
        #expect(pair.client.events.contains(.inboundStream(2)))
    }

    @Test func streamsOpenWithWindowUpdateSynAndAreAckedAtOnce() throws {
        let pair = YamuxTestPair()
        let id = try pair.client.session.openStream()
        try pair.pump()
        let syn = pair.client.sentFrames.first { $0.flags.contains(.syn) && $0.type != .ping }
        #expect(syn == YamuxFrame(.windowUpdate, .syn, streamID: id, length: 0))
        let ack = pair.server.sentFrames.first { $0.flags.contains(.ack) && $0.type != .ping }
        #expect(ack == YamuxFrame(.windowUpdate, .ack, streamID: id, length: 0))
    }

    @Test(arguments: yamuxChunkings) func dataMayArriveWithTheSyn(chunk: Int) throws {
        let client = YamuxSession(role: .client, now: yamuxStart)
        let bytes = yamuxData(2, [1, 2, 3], .syn) + yamuxData(2, [4, 5])
        for piece in yamuxPieces(bytes, chunk) { try client.receive(piece, now: yamuxStart) }
        var events: [YamuxEvent] = []
        var payload: [UInt8] = []
        while let event = client.pollEvent() {
            if case .data(2, let bytes) = event { payload += bytes } else { events.append(event) }
        }
        #expect(events == [.inboundStream(2)])
        #expect(payload == [1, 2, 3, 4, 5])
    }

    @Test(arguments: yamuxChunkings) func halfCloseBothWays(chunk: Int) throws {
        let pair = YamuxTestPair(chunk: chunk)
        let id = try pair.client.session.openStream()
        try pair.client.session.write(id, [1, 2, 3])
        pair.client.session.closeWrite(id)
        try pair.pump()
        #expect(pair.server.events.suffix(1) == [.remoteClosed(id)])
        #expect(throws: YamuxError.writeAfterClose(id)) { try pair.client.session.write(id, [9]) }

        // The other direction still works.
        try pair.server.session.write(id, [4, 5])
        try pair.pump()
        #expect(pair.client.received[id] == [4, 5])
        #expect(pair.client.session.isOpen(id))

        pair.server.session.closeWrite(id)
        try pair.pump()
        #expect(pair.client.events.contains(.remoteClosed(id)))
        #expect(pair.client.session.streamCount == 0)
        #expect(pair.server.session.streamCount == 0)
        #expect(pair.server.received[id] == [1, 2, 3])
    }

    @Test(arguments: yamuxChunkings) func reset(chunk: Int) throws {
        let pair = YamuxTestPair(chunk: chunk)
        let id = try pair.client.session.openStream()
        try pair.client.session.write(id, [1])
        try pair.pump()
        pair.server.session.reset(id)
        try pair.pump()
        #expect(pair.client.events.contains(.streamReset(id)))
        #expect(pair.client.session.streamCount == 0)
        #expect(pair.server.session.streamCount == 0)
        #expect(throws: YamuxError.unknownStream(id)) { try pair.client.session.write(id, [2]) }
        // Frames still in flight for the dead stream are ignored.
        try pair.server.session.receive(yamuxData(id, [7, 7]), now: pair.now)
        #expect(pair.server.session.pollEvent() == nil)
    }

    @Test func goAway() throws {
        let pair = YamuxTestPair()
        let id = try pair.client.session.openStream()
        try pair.pump()
        pair.server.session.goAway()
        try pair.pump()
        #expect(pair.client.events.contains(.goAway(code: 0)))
        #expect(throws: YamuxError.goAwayReceived(code: 0)) { try pair.client.session.openStream() }
        // Existing streams carry on.
        try pair.client.session.write(id, [1, 2])
        try pair.pump()
        #expect(pair.server.received[id] == [1, 2])
        // The side that sent GO_AWAY refuses new inbound streams with RST.
        let own = try pair.server.session.openStream()   // the sender of GO_AWAY may still open streams
        try pair.pump()
        #expect(pair.client.events.contains(.inboundStream(own)))
        try pair.server.session.receive(YamuxFrame(.windowUpdate, .syn, streamID: 3, length: 0).encoded, now: pair.now)
        var out: [UInt8] = []
        pair.server.session.drainTransmit(into: &out)
        #expect(try yamuxFrames(out).map(\.frame) == [YamuxFrame(.windowUpdate, .rst, streamID: 3, length: 0)])
    }

    @Test(arguments: yamuxChunkings) func inboundStreamsOverTheCapAreReset(chunk: Int) throws {
        var config = YamuxConfig()
        config.maxStreams = 2
        let pair = YamuxTestPair(chunk: chunk, server: config)
        let ids = try (0..<3).map { _ in try pair.client.session.openStream() }
        for id in ids { try pair.client.session.write(id, [UInt8(id)]) }
        try pair.pump()
        #expect(pair.server.events.filter { if case .inboundStream = $0 { return true }; return false }.count == 2)
        #expect(pair.client.events.contains(.streamReset(ids[2])))
        #expect(pair.server.received[ids[2]] == nil)
        #expect(!pair.server.session.isClosed && !pair.client.session.isClosed)
        #expect(pair.client.session.streamCount == 2)
    }

    @Test func outboundStreamCaps() throws {
        var config = YamuxConfig()
        config.maxUnackedOutbound = 2
        config.maxStreams = 3
        let pair = YamuxTestPair(client: config)
        _ = try pair.client.session.openStream()
        _ = try pair.client.session.openStream()
        #expect(throws: YamuxError.tooManyUnackedStreams(limit: 2)) { try pair.client.session.openStream() }
        try pair.pump()   // ACKs arrive
        _ = try pair.client.session.openStream()
        #expect(throws: YamuxError.tooManyStreams(limit: 3)) { try pair.client.session.openStream() }
    }

    @Test func finWaitsForQueuedData() throws {
        let pair = YamuxTestPair()
        let id = try pair.client.session.openStream()
        let payload = yamuxPattern(1 << 20)
        try pair.client.session.write(id, payload)
        pair.client.session.closeWrite(id)
        #expect(pair.client.session.queuedBytes(id) > 0)
        try pair.pump()
        #expect(pair.server.received[id] == payload)
        #expect(pair.server.events.last == .remoteClosed(id))
        // The queue drained into a FIN, not a `.writable`.
        #expect(!pair.client.events.contains(.writable(id)))
    }
}
