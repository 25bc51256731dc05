import Testing
@testable import Network

/// Pings on virtual time: answering, RTT, keep-alive and its timeout.
@Suite struct YamuxKeepAliveTests {
    static func quietConfig() -> YamuxConfig {
        var config = YamuxConfig()
        config.pingOnStart = false
        return config
    }

    static func frames(_ session: YamuxSession) throws -> [YamuxFrame] {
        var out: [UInt8] = []
        session.drainTransmit(into: &out)
        return try yamuxFrames(out).map(\.frame)
    }

    @Test(arguments: yamuxChunkings) func pingIsAnsweredAtOnce(chunk: Int) throws {
        let server = YamuxSession(role: .server, config: Self.quietConfig(), now: yamuxStart)
        let ping = YamuxFrame(.ping, .syn, streamID: 0, length: 0xdead_beef).encoded
        for piece in yamuxPieces(ping + ping, chunk) { try server.receive(piece, now: yamuxStart) }
        let ack = YamuxFrame(.ping, .ack, streamID: 0, length: 0xdead_beef)
        #expect(try Self.frames(server) == [ack, ack])
    }

    @Test func startPingMeasuresRTT() throws {
        let client = YamuxSession(role: .client, now: yamuxStart)
        let server = YamuxSession(role: .server, config: Self.quietConfig(), now: yamuxStart)
        var out: [UInt8] = []
        client.drainTransmit(into: &out)
        #expect(try yamuxFrames(out).map(\.frame) == [YamuxFrame(.ping, .syn, streamID: 0, length: 1)])
        try server.receive(out, now: yamuxStart)
        out = []
        server.drainTransmit(into: &out)
        try client.receive(out, now: yamuxStart + .milliseconds(5))
        #expect(client.pollEvent() == .rtt(.milliseconds(5)))
        #expect(client.rtt == .milliseconds(5))
        #expect(client.nextDeadline() == yamuxStart + .seconds(30))
    }

    @Test func keepAliveTimesOutWhenUnanswered() throws {
        let clock = ManualClock(start: yamuxStart)
        let session = YamuxSession(role: .client, config: Self.quietConfig(), now: clock.now)
        #expect(session.nextDeadline() == yamuxStart + .seconds(30))
        clock.advance(by: .seconds(29))
        session.handleTimeout(now: clock.now)
        #expect(try Self.frames(session).isEmpty)

        clock.advance(by: .seconds(1))
        session.handleTimeout(now: clock.now)
        #expect(try Self.frames(session) == [YamuxFrame(.ping, .syn, streamID: 0, length: 1)])
        #expect(session.nextDeadline() == yamuxStart + .seconds(40))

        clock.advance(by: .seconds(9))
        session.handleTimeout(now: clock.now)
        #expect(session.pollEvent() == nil)
        clock.advance(by: .seconds(1))
        session.handleTimeout(now: clock.now)
        #expect(session.pollEvent() == .timedOut)
        #expect(session.isClosed)
        #expect(session.nextDeadline() == nil)
        #expect(throws: YamuxError.sessionClosed) { try session.receive([0], now: clock.now) }
    }

    @Test func answeredKeepAliveKeepsTheSessionAlive() throws {
        let session = YamuxSession(role: .server, config: Self.quietConfig(), now: yamuxStart)
        var t = yamuxStart
        for round in 1...3 {
            t = t + .seconds(30)
            session.handleTimeout(now: t)
            #expect(try Self.frames(session) == [YamuxFrame(.ping, .syn, streamID: 0, length: UInt32(round))])
            try session.receive(YamuxFrame(.ping, .ack, streamID: 0, length: UInt32(round)).encoded, now: t + .seconds(1))
            #expect(session.pollEvent() == .rtt(.seconds(1)))
            #expect(session.nextDeadline() == t + .seconds(30))
        }
        session.handleTimeout(now: t + .seconds(25))
        #expect(!session.isClosed)
    }

    @Test func staleOrForeignPingAcksAreIgnored() throws {
        let session = YamuxSession(role: .client, now: yamuxStart)
        _ = try Self.frames(session)
        try session.receive(YamuxFrame(.ping, .ack, streamID: 0, length: 99).encoded, now: yamuxStart)
        #expect(session.pollEvent() == nil)
        #expect(session.rtt == nil)
    }
}
