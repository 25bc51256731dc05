import Testing
@testable import Network

@Suite struct PingTests {
    static let t0 = Instant(nanoseconds: 5_000_000_000)
    static let payload: [UInt8] = Array(0..<32)

    @Test(arguments: WireChunking.sizes)
    func responderEchoesWholePayloadsInEveryChunking(size: Int) {
        let input = (0..<3).flatMap { _ in Sodium.randomBytes(Ping.payloadLength) }
        var responder = PingResponder()
        var echoed: [UInt8] = []
        for piece in WireChunking.split(input, size) {
            let out = responder.receive(piece)
            #expect(out.count % Ping.payloadLength == 0)
            #expect(responder.bufferedCount < Ping.payloadLength)
            echoed += out
        }
        #expect(echoed == input)
        #expect(responder.bufferedCount == 0)
    }

    @Test func responderHoldsAPartialPayload() {
        var responder = PingResponder()
        #expect(responder.receive(Self.payload.prefix(31)).isEmpty)
        #expect(responder.bufferedCount == 31)
        #expect(responder.receive(Self.payload.suffix(1) + Self.payload.prefix(5)) == Self.payload)
        #expect(responder.bufferedCount == 5)
    }

    @Test(arguments: WireChunking.sizes)
    func roundTripThroughTheResponder(size: Int) throws {
        var pinger = Pinger()
        var responder = PingResponder()
        for round in 0..<2 {     // two pings on the same stream
            let sentAt = Self.t0 + .seconds(round)
            let out = try pinger.start(now: sentAt)
            #expect(out.count == Ping.payloadLength)
            #expect(pinger.isOutstanding)
            #expect(pinger.deadline == sentAt + Ping.timeout)
            var echo: [UInt8] = []
            for piece in WireChunking.split(out, size) { echo += responder.receive(piece) }
            #expect(echo == out)
            var rtt: Duration?
            let pieces = WireChunking.split(echo, size)
            for (i, piece) in pieces.enumerated() {
                rtt = try pinger.receive(piece, now: sentAt + .milliseconds(5))
                #expect((rtt != nil) == (i == pieces.count - 1))
            }
            #expect(rtt == .milliseconds(5))
            #expect(!pinger.isOutstanding)
            #expect(pinger.deadline == nil)
        }
    }

    @Test func randomPayloadsDiffer() throws {
        var a = Pinger(), b = Pinger()
        #expect(try a.start(now: Self.t0) != b.start(now: Self.t0))
    }

    @Test func mismatchedEchoFails() throws {
        var pinger = Pinger()
        _ = try pinger.start(now: Self.t0, payload: Self.payload)
        var wrong = Self.payload
        wrong[31] ^= 1
        #expect(try pinger.receive(wrong.prefix(16), now: Self.t0) == nil)
        #expect(throws: PingError.mismatch(expected: Self.payload, got: wrong)) {
            try pinger.receive(wrong.suffix(16), now: Self.t0)
        }
        #expect(throws: PingError.failed) { try pinger.start(now: Self.t0) }
        #expect(throws: PingError.failed) { try pinger.receive([1], now: Self.t0) }
    }

    @Test func timesOutAfterTenSeconds() throws {
        var pinger = Pinger()
        try pinger.handleTimeout(now: Self.t0 + .seconds(100))   // idle: nothing to time out
        _ = try pinger.start(now: Self.t0, payload: Self.payload)
        #expect(pinger.deadline == Self.t0 + .seconds(10))
        try pinger.handleTimeout(now: Self.t0 + .milliseconds(9_999))
        #expect(pinger.isOutstanding)
        #expect(throws: PingError.timedOut(after: .seconds(10))) {
            try pinger.handleTimeout(now: Self.t0 + .seconds(10))
        }
        #expect(!pinger.isOutstanding)
        #expect(throws: PingError.failed) { try pinger.receive(Self.payload, now: Self.t0 + .seconds(11)) }
    }

    @Test func refusesDataNobodyAskedFor() throws {
        var idle = Pinger()
        #expect(throws: PingError.unexpectedData(count: 3)) { try idle.receive([1, 2, 3], now: Self.t0) }

        var extra = Pinger()
        _ = try extra.start(now: Self.t0, payload: Self.payload)
        #expect(throws: PingError.unexpectedData(count: 2)) {
            try extra.receive(Self.payload + [9, 9], now: Self.t0)
        }
    }

    @Test func oneOutstandingPingAtATime() throws {
        var pinger = Pinger()
        _ = try pinger.start(now: Self.t0)
        #expect(throws: PingError.alreadyOutstanding) { try pinger.start(now: Self.t0) }
        var fresh = Pinger()
        #expect(throws: PingError.badPayloadLength(3)) { try fresh.start(now: Self.t0, payload: [1, 2, 3]) }
        #expect(try fresh.receive([UInt8](), now: Self.t0) == nil)
    }
}
