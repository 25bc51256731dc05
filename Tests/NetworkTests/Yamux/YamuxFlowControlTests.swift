import Testing
@testable import Network

/// Windows: never sending beyond the peer's, updating ours at half, and growing it for fast consumers.
@Suite struct YamuxFlowControlTests {
    static let window = YamuxConfig.protocolWindow

    static func pattern(_ count: Int) -> [UInt8] { yamuxPattern(count) }

    @Test(arguments: [Int.max, 65_548, 1000]) func sixteenMebibytesArriveIntact(chunk: Int) throws {
        let pair = YamuxTestPair(chunk: chunk)
        let id = try pair.client.session.openStream()
        let payload = Self.pattern(16 << 20)
        for start in stride(from: 0, to: payload.count, by: 1 << 20) {
            try pair.client.session.write(id, payload[start..<(start + (1 << 20))])
        }
        pair.client.session.closeWrite(id)
        try pair.pump()   // a window violation would throw here
        #expect(yamuxSameBytes(pair.server.received[id], payload))
        #expect(pair.server.events.last == .remoteClosed(id))
        let dataFrames = pair.client.sentFrames.filter { $0.type == .data }
        #expect(dataFrames.allSatisfy { $0.length <= 64 * 1024 })
        #expect(dataFrames.reduce(0) { $0 + Int($1.length) } == payload.count)
        // The consumer kept up within 4×RTT, so the window grew past its initial size.
        let updates = pair.server.sentFrames.filter { $0.type == .windowUpdate && $0.streamID == id && $0.flags.isEmpty }
        #expect(updates.contains { $0.length > UInt32(Self.window) })
        #expect(updates.allSatisfy { $0.length <= 16 << 20 })
    }

    @Test(arguments: [7, Int.max]) func interleavedStreamsBothWays(chunk: Int) throws {
        let pair = YamuxTestPair(chunk: chunk)
        let payloads = (0..<4).map { Array(Self.pattern(300_000 + $0 * 1000).reversed()) }
        var ids: [UInt32] = []
        for (i, payload) in payloads.enumerated() {
            let side = i % 2 == 0 ? pair.client : pair.server
            let id = try side.session.openStream()
            ids.append(id)
            try side.session.write(id, payload)
            side.session.closeWrite(id)
        }
        try pair.pump()
        for (i, id) in ids.enumerated() {
            let sink = i % 2 == 0 ? pair.server : pair.client
            #expect(yamuxSameBytes(sink.received[id], payloads[i]))
            #expect(sink.events.contains(.remoteClosed(id)))
        }
    }

    @Test func windowGrowsToTheMaximumForAFastConsumer() throws {
        let pair = YamuxTestPair()
        let id = try pair.client.session.openStream()
        try pair.client.session.write(id, Self.pattern(40 << 20))
        try pair.pump()
        #expect(pair.server.session.streams[id]?.receiveWindow == Int64(16 << 20))
        #expect(pair.server.received[id]?.count == 40 << 20)
    }

    @Test func windowStaysPutForASlowConsumer() throws {
        let pair = YamuxTestPair()
        pair.server.autoConsume = false
        let id = try pair.client.session.openStream()
        let payload = Self.pattern(2 << 20)
        try pair.client.session.write(id, payload)
        try pair.pump()
        // The application takes 64 KiB per second: far slower than 4×RTT per half window.
        var consumed = 0
        while consumed < payload.count {
            let n = min(64 * 1024, pair.server.received[id]!.count - consumed)
            #expect(n > 0)
            pair.now = pair.now + .seconds(1)
            pair.server.session.consumed(id, n, now: pair.now)
            consumed += n
            try pair.pump()
        }
        #expect(pair.server.received[id] == payload)
        #expect(pair.server.session.streams[id]?.receiveWindow == Int64(Self.window))
    }

    @Test(arguments: yamuxChunkings) func neverSendsBeyondThePeersWindow(chunk: Int) throws {
        let pair = YamuxTestPair(chunk: chunk)
        pair.server.autoConsume = false
        let id = try pair.client.session.openStream()
        let payload = Self.pattern(600 * 1024)
        try pair.client.session.write(id, payload)
        try pair.pump()
        #expect(pair.server.received[id]?.count == Self.window)
        #expect(pair.client.session.sendWindow(id) == 0)
        #expect(pair.client.session.queuedBytes(id) == payload.count - Self.window)
        #expect(!pair.client.events.contains(.writable(id)))

        while pair.server.received[id]!.count < payload.count {
            pair.server.consumeAll(id, now: pair.now)
            try pair.pump()
        }
        #expect(pair.server.received[id] == payload)
        #expect(pair.client.session.queuedBytes(id) == 0)
        #expect(pair.client.events.filter { $0 == .writable(id) }.count == 1)
    }

    @Test func updatesOnlyOnceHalfTheWindowIsConsumed() throws {
        let pair = YamuxTestPair()
        pair.server.autoConsume = false
        let id = try pair.client.session.openStream()
        try pair.client.session.write(id, Self.pattern(Self.window))
        try pair.pump()
        let updates = { pair.server.sentFrames.filter { $0.type == .windowUpdate && $0.flags.isEmpty }.count }
        pair.server.session.consumed(id, Self.window / 2 - 1, now: pair.now)
        try pair.pump()
        #expect(updates() == 0)
        pair.server.session.consumed(id, 1, now: pair.now)
        try pair.pump()
        #expect(updates() == 1)
    }

    @Test func hugeDeltasDoNotOverflow() throws {
        let client = YamuxSession(role: .client, now: yamuxStart)
        let id = try client.openStream()
        for _ in 0..<3 {
            try client.receive(YamuxFrame(.windowUpdate, .ack, streamID: id, length: .max).encoded, now: yamuxStart)
        }
        #expect(client.sendWindow(id) == Int64(Self.window) + 3 * Int64(UInt32.max))
        try client.write(id, Self.pattern(1 << 20))
        #expect(client.queuedBytes(id) == 0)
    }

    @Test func largerInboundFramesAreAccepted() throws {
        let server = YamuxSession(role: .server, now: yamuxStart)
        let payload = Self.pattern(200_000)
        try server.receive(yamuxData(1, payload, .syn), now: yamuxStart)
        #expect(server.pollEvent() == .inboundStream(1))
        #expect(server.pollEvent() == .data(1, payload))
    }

    @Test func largerInitialWindowIsAnnouncedInTheSyn() throws {
        var config = YamuxConfig()
        config.initialWindow = 1 << 20
        let pair = YamuxTestPair(client: config)
        let id = try pair.client.session.openStream()
        try pair.pump()
        #expect(pair.client.sentFrames.contains(YamuxFrame(.windowUpdate, .syn, streamID: id, length: UInt32((1 << 20) - Self.window))))
        try pair.server.session.write(id, Self.pattern(1 << 20))
        pair.client.autoConsume = false
        try pair.pump()
        #expect(pair.client.received[id]?.count == 1 << 20)
    }
}
